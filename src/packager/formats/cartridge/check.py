"""``packager check PATH.imscc``: validate any Common Cartridge, safely and offline.

A cartridge from elsewhere is untrusted: the zip is inspected before anything is read (paths that
escape, links, sizes that could exhaust memory), XML is parsed with entities, DTDs and the network
off, and nothing is extracted to disk. Then every manifest and descriptor is validated against the
official XSDs (:mod:`packager.formats.cartridge.schemas`) and against the profile rules the XSDs cannot express.
Each problem names the file inside the cartridge and its line: ``x.imscc/imsmanifest.xml:12:5``.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from packager.diagnostics import Location, Problems
from packager.formats.cartridge.profile import (
    QTI_NS,
    SAFE_PATH_CHARS,
    VERSIONS,
    WEBCONTENT,
    CcVersion,
    version_of,
)
from packager.formats.cartridge.schemas import descriptor_schema, manifest_schema

MANIFEST = "imsmanifest.xml"


@dataclass(frozen=True)
class Limits:
    """What a cartridge may hold before it is refused unread (a zip bomb is never expanded)."""

    entries: int = 20_000
    total: int = 1024 * 2**20
    file: int = 200 * 2**20
    xml: int = 32 * 2**20
    ratio: int = 200  # uncompressed / compressed, for entries over 1 MiB


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


class _Checker:
    def __init__(self, shown: str, problems: Problems, limits: Limits, own: bool) -> None:
        self.shown = shown
        self.problems = problems
        self.limits = limits
        self.own = own

    def at(self, name: str, line: int | None = 1, col: int = 1) -> Location:
        return Location(f"{self.shown}/{name}" if name else self.shown, line or 1, col)

    def error(self, name: str, code: str, message: str, line: int | None = 1, col: int = 1) -> None:
        self.problems.error(self.at(name, line, col), code, message)

    # -- the zip --------------------------------------------------------------------------

    def check(self, data: bytes) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            self.error("", "cc-zip", "this is not a zip file, so not a cartridge")
            return
        with archive:
            members = self._members(archive)
            if members is None:
                return
            if MANIFEST not in members:
                nested = sorted(n for n in members if n.endswith("/" + MANIFEST))
                where = (
                    f" (found {nested[0]}: the manifest must be at the root of the zip, not in a folder)"
                    if nested
                    else ""
                )
                self.error("", "cc-manifest", f"no {MANIFEST} at the root of the zip{where}")
                return
            self._manifest(archive, members)

    def _members(self, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo] | None:
        infos = archive.infolist()
        if len(infos) > self.limits.entries:
            self.error(
                "", "cc-size", f"the zip has {len(infos)} entries, more than {self.limits.entries}"
            )
            return None
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        ok = True
        for info in infos:
            name = info.filename
            mode = info.external_attr >> 16
            pure = PurePosixPath(name)
            if (
                name.startswith("/")
                or "\\" in name
                or re.match(r"^[A-Za-z]:", name)
                or ".." in pure.parts
            ):
                self.error("", "cc-path", f"the entry {name!r} points outside the cartridge")
                ok = False
                continue
            if stat.S_ISLNK(mode):
                self.error("", "cc-path", f"the entry {name!r} is a symbolic link")
                ok = False
                continue
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                self.error("", "cc-zip", f"the entry {name!r} is encrypted")
                ok = False
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.error(
                    "",
                    "cc-zip",
                    f"the entry {name!r} is compressed in a way LMSs do not read; use Deflate",
                )
                ok = False
                continue
            if name in members:
                self.error("", "cc-zip", f"the entry {name!r} is in the zip twice")
                ok = False
            total += info.file_size
            if info.file_size > self.limits.file:
                self.error(
                    "",
                    "cc-size",
                    f"the entry {name!r} would unpack to {info.file_size} bytes, more than {self.limits.file}",
                )
                ok = False
            elif info.file_size > 2**20 and info.file_size > self.limits.ratio * max(
                info.compress_size, 1
            ):
                self.error(
                    "",
                    "cc-size",
                    f"the entry {name!r} is compressed {info.file_size // max(info.compress_size, 1)} times: refused as a zip bomb",
                )
                ok = False
            if not set(name) <= SAFE_PATH_CHARS:
                self.problems.warning(
                    self.at(""),
                    "cc-path",
                    f"the entry {name!r} has characters some LMSs reject (use letters, digits, -_./)",
                )
            members[name] = info
        if total > self.limits.total:
            self.error(
                "",
                "cc-size",
                f"the zip would unpack to {total} bytes, more than {self.limits.total}",
            )
            return None
        return members if ok else None

    def _read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        """An entry's bytes, never more than the XML limit (sizes in zip headers can lie)."""
        try:
            with archive.open(info) as handle:
                data = handle.read(self.limits.xml + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ) as exc:
            self.error(info.filename, "cc-zip", f"the entry cannot be read: {exc}")
            return None
        if len(data) > self.limits.xml:
            self.error(info.filename, "cc-size", f"the file is larger than {self.limits.xml} bytes")
            return None
        return data

    def _xml(self, name: str, data: bytes) -> etree._ElementTree | None:
        try:
            tree = etree.parse(io.BytesIO(data), _parser())
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (1, 1)
            self.error(name, "cc-xml", f"not well-formed XML: {exc.msg}", line, col + 1)
            return None
        info = tree.docinfo
        if info.doctype or info.internalDTD is not None:  # type: ignore[union-attr]
            self.error(
                name, "cc-dtd", "a DOCTYPE is not allowed (entities and DTDs are never resolved)"
            )
            return None
        return tree

    def _schema(self, name: str, tree: etree._ElementTree, schema: etree.XMLSchema) -> bool:
        if schema.validate(tree):
            return True
        for entry in schema.error_log:  # type: ignore[attr-defined]
            message = re.sub(r"\{[^}]*\}", "", entry.message)
            self.error(name, "cc-schema", message, entry.line, entry.column + 1)
        return False

    # -- the manifest ---------------------------------------------------------------------

    def _manifest(self, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> None:
        data = self._read(archive, members[MANIFEST])
        if data is None:
            return
        if data.startswith(b"\xef\xbb\xbf"):
            self.error(
                MANIFEST,
                "cc-bom",
                "the manifest starts with a byte-order mark, which Moodle does not accept",
            )
            data = data[3:]
        tree = self._xml(MANIFEST, data)
        if tree is None:
            return
        root = tree.getroot()
        namespace = etree.QName(root).namespace or ""
        version = version_of(namespace)
        if version is None or etree.QName(root).localname != "manifest":
            known = ", ".join(v.namespace for v in VERSIONS.values())
            self.error(
                MANIFEST,
                "cc-version",
                f"the manifest's namespace {namespace!r} is not a Common Cartridge 1.1 or 1.3 one ({known})",
                _line(root),
            )
            return
        # Moodle recognises a cartridge by its default namespace in the manifest's first 500
        # bytes, white space and quotes removed (backup/converter/imscc11/lib.php).
        snippet = re.sub(rb"[\s\"']", b"", data[:500])
        if b"xmlns=" + version.namespace.encode() not in snippet:
            self.error(
                MANIFEST,
                "cc-namespace-order",
                "the default namespace (xmlns=...) must come within the manifest's first 500 bytes: Moodle looks for it there",
                _line(root),
            )
        self._schema(MANIFEST, tree, manifest_schema(version.name))
        self._profile(archive, members, root, version)

    def _profile(
        self,
        archive: zipfile.ZipFile,
        members: dict[str, zipfile.ZipInfo],
        root: etree._Element,
        version: CcVersion,
    ) -> None:
        ns = {"cp": version.namespace}
        schemaversion = root.find("cp:metadata/cp:schemaversion", ns)
        if (
            schemaversion is not None
            and (schemaversion.text or "").strip() != version.schemaversion
        ):
            self.error(
                MANIFEST,
                "cc-version",
                f"schemaversion must be {version.schemaversion} for this namespace, not {schemaversion.text!r}",
                _line(schemaversion),
            )
        resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
        self._identifiers(root)
        organizations = root.findall("cp:organizations/cp:organization", ns)
        if len(organizations) > 1:
            self.error(
                MANIFEST,
                "cc-organization",
                "a cartridge has at most one organization",
                _line(organizations[1]),
            )
        for organization in organizations[:1]:
            self._organization(organization, resources, ns)
        listed: set[str] = set()
        for resource in resources.values():
            listed |= self._resource(archive, members, resource, resources, version, ns)
        for name in sorted(set(members) - listed - {MANIFEST}):
            message = f"the file {name!r} is in the zip but no resource lists it"
            if self.own:
                self.error(MANIFEST, "cc-unlisted", message, 1)
            else:
                # Importers ignore such a file and the specification does not forbid it: in a
                # cartridge made elsewhere it is worth a word, not a refusal. packager's own
                # cartridges list every file they carry, so there it stays an error.
                self.problems.warning(
                    self.at(MANIFEST), "cc-unlisted", message + " (importers ignore it)"
                )

    def _identifiers(self, root: etree._Element) -> None:
        seen: dict[str, int] = {}
        for element in root.iter():
            identifier = element.get("identifier")
            if identifier is None or not isinstance(element.tag, str):
                continue
            if identifier in seen:
                self.error(
                    MANIFEST,
                    "cc-identifier",
                    f"the identifier {identifier!r} is used twice (first on line {seen[identifier]})",
                    _line(element),
                )
            else:
                seen[identifier] = _line(element) or 1
            if not re.match(r"^[A-Za-z_][\w.-]*$", identifier):
                self.error(
                    MANIFEST,
                    "cc-identifier",
                    f"the identifier {identifier!r} must start with a letter or _ and hold no spaces or colons",
                    _line(element),
                )

    def _organization(
        self,
        organization: etree._Element,
        resources: dict[str | None, etree._Element],
        ns: dict[str, str],
    ) -> None:
        if organization.get("structure") != "rooted-hierarchy":
            self.error(
                MANIFEST,
                "cc-organization",
                "the organization's structure must be 'rooted-hierarchy'",
                _line(organization),
            )
        tops = organization.findall("cp:item", ns)
        if len(tops) != 1:
            self.error(
                MANIFEST,
                "cc-organization",
                f"the organization must hold exactly one root item, not {len(tops)}",
                _line(organization),
            )
            return
        top = tops[0]
        if top.get("identifierref") is not None or top.find("cp:title", ns) is not None:
            self.error(
                MANIFEST,
                "cc-organization",
                "the root item has no title and points at no resource",
                _line(top),
            )
        for item in top.iterfind(".//cp:item", ns):
            children = item.findall("cp:item", ns)
            target = item.get("identifierref")
            if item.find("cp:title", ns) is None:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} has no title",
                    _line(item),
                )
            if target is None:
                if not children:
                    self.error(
                        MANIFEST,
                        "cc-item",
                        f"the item {item.get('identifier')!r} is a folder with nothing in it",
                        _line(item),
                    )
                continue
            if children:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} points at a resource, so it cannot hold other items",
                    _line(item),
                )
            resource = resources.get(target)
            if resource is None:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} points at {target!r}, which is no resource",
                    _line(item),
                )
            elif resource.get("type") == WEBCONTENT and resource.get("href") is None:
                self.error(
                    MANIFEST,
                    "cc-resource",
                    f"the resource {target!r} is shown by an item, so it needs an href",
                    _line(resource),
                )

    def _resource(
        self,
        archive: zipfile.ZipFile,
        members: dict[str, zipfile.ZipInfo],
        resource: etree._Element,
        resources: dict[str | None, etree._Element],
        version: CcVersion,
        ns: dict[str, str],
    ) -> set[str]:
        identifier = resource.get("identifier")
        kind = resource.get("type") or ""
        line = _line(resource)
        other = next((v for v in VERSIONS.values() if v is not version), None)
        if other is not None and (
            kind in other.lar_types or f"imscc_xml{other.tag.join(['v', ''])}" in kind
        ):
            self.error(
                MANIFEST,
                "cc-mixed-version",
                f"the resource {identifier!r} has the CC {other.name} type {kind!r} in a CC {version.name} cartridge",
                line,
            )
        files = [f.get("href") or "" for f in resource.findall("cp:file", ns)]
        for href in files:
            if href not in members:
                self.error(
                    MANIFEST,
                    "cc-file",
                    f"the resource {identifier!r} lists {href!r}, which is not in the zip",
                    line,
                )
        duplicates = sorted({f for f in files if files.count(f) > 1})
        for href in duplicates:
            self.error(
                MANIFEST, "cc-file", f"the resource {identifier!r} lists {href!r} twice", line
            )
        own_href = resource.get("href")
        dependencies = [d.get("identifierref") for d in resource.findall("cp:dependency", ns)]
        for target in dependencies:
            if target == identifier:
                self.error(
                    MANIFEST,
                    "cc-dependency",
                    f"the resource {identifier!r} depends on itself",
                    line,
                )
            elif target not in resources:
                self.error(
                    MANIFEST,
                    "cc-dependency",
                    f"the resource {identifier!r} depends on {target!r}, which is no resource",
                    line,
                )
        for target in sorted(
            {d for d in dependencies if d is not None and dependencies.count(d) > 1}
        ):
            self.error(
                MANIFEST,
                "cc-dependency",
                f"the resource {identifier!r} names the dependency {target!r} twice",
                line,
            )
        if kind in version.lar_types:
            if own_href is not None:
                self.error(
                    MANIFEST,
                    "cc-resource",
                    f"the {kind} resource {identifier!r} has an href; its one file is its descriptor",
                    line,
                )
            if len(files) != 1:
                self.error(
                    MANIFEST,
                    "cc-resource",
                    f"the {kind} resource {identifier!r} must list exactly one file (its descriptor), not {len(files)}",
                    line,
                )
            if kind == version.weblink_type and dependencies:
                self.error(
                    MANIFEST,
                    "cc-dependency",
                    f"the web link {identifier!r} may not have dependencies",
                    line,
                )
            for target in dependencies:
                dependency = resources.get(target)
                if (
                    dependency is not None
                    and dependency.get("type") != WEBCONTENT
                    and "associatedcontent" not in (dependency.get("type") or "")
                ):
                    self.error(
                        MANIFEST,
                        "cc-dependency",
                        f"the resource {identifier!r} may depend only on web content, not {dependency.get('type')!r}",
                        line,
                    )
            if len(files) == 1 and files[0] in members:
                self._descriptor(archive, members[files[0]], kind, version)
        elif own_href is not None and own_href not in files:
            self.error(
                MANIFEST,
                "cc-resource",
                f"the resource {identifier!r} has href {own_href!r}, which it does not list as a file",
                line,
            )
        return set(files)

    def _qti_semantics(self, name: str, tree: etree._ElementTree) -> None:
        """What importers need beyond the schema (Moodle's and cc2olx's readers), as warnings."""
        q = {"q": QTI_NS}
        for item in tree.getroot().iterfind(".//q:item", q):
            profile = item.findtext(
                "q:itemmetadata/q:qtimetadata/q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry",
                namespaces=q,
            )
            line = _line(item)
            labels = sorted(
                str(label.get("ident")) for label in item.iterfind(".//q:response_label", q)
            )
            if (profile or "").strip() == "cc.true_false.v0p1" and labels != ["false", "true"]:
                message = "Moodle imports a true/false item only with the answer idents 'true' and 'false'"
                self.problems.warning(self.at(name, line), "cc-qti", message)
            if (profile or "").strip() == "cc.multiple_response.v0p1":
                scoring = [
                    c
                    for c in item.iterfind(".//q:respcondition", q)
                    if c.find("q:setvar", q) is not None
                ]
                positive = [
                    v
                    for c in scoring
                    for v in c.iterfind(".//q:varequal", q)
                    if etree.QName(v.getparent()).localname != "not"
                ]
                if positive and not all(v.get("case") == "Yes" for v in positive):
                    message = 'Moodle finds a multiple-response item\'s right answers by varequal case="Yes"'
                    self.problems.warning(self.at(name, line), "cc-qti", message)
            for condition in item.iterfind(".//q:respcondition", q):
                if (
                    condition.get("continue") == "Yes"
                    and condition.find("q:conditionvar/q:varequal", q) is not None
                ):
                    message = (
                        "a condition that continues and tests an answer makes cc2olx mark that answer "
                        "right and Moodle show its feedback to everyone"
                    )
                    self.problems.warning(self.at(name, _line(condition)), "cc-qti", message)

    def _descriptor(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, version: CcVersion
    ) -> None:
        name = info.filename
        data = self._read(archive, info)
        tree = self._xml(name, data) if data is not None else None
        if tree is None:
            return
        namespace = etree.QName(tree.getroot()).namespace or ""
        expected = {
            version.weblink_type: version.weblink_ns,
            version.discussion_type: version.discussion_ns,
            version.quiz_type: QTI_NS,
        }[kind]
        if namespace != expected:
            self.error(
                name,
                "cc-descriptor",
                f"a {kind} descriptor's namespace must be {expected!r}, not {namespace!r}",
                _line(tree.getroot()),
            )
            return
        schema = descriptor_schema(namespace)
        if schema is not None:
            self._schema(name, tree, schema)
        if namespace == QTI_NS:
            self._qti_semantics(name, tree)
            profile = tree.getroot().find(
                f".//{{{QTI_NS}}}assessment/{{{QTI_NS}}}qtimetadata/{{{QTI_NS}}}qtimetadatafield[{{{QTI_NS}}}fieldlabel='cc_profile']"
            )
            if profile is None:
                self.error(
                    name,
                    "cc-descriptor",
                    "the assessment needs the metadata field cc_profile (cc.exam.v0p1)",
                    _line(tree.getroot()),
                )


def check_cartridge(
    data: bytes, shown: str, problems: Problems, limits: Limits = Limits(), *, own: bool = False
) -> None:
    """Validate a cartridge's bytes; problems go to ``problems``, located inside it.

    ``own`` is set when packager checks a cartridge it is about to write: its stricter rules
    (every file listed) then hold as errors.
    """
    _Checker(shown, problems, limits, own).check(data)
