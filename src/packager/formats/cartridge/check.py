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
from pathlib import PurePosixPath

from lxml import etree

from packager.diagnostics import Location, Problems
from packager.formats.archive import SAFE_PATH_CHARS
from packager.formats.cartridge.profile import QTI_NS, CcVersion
from packager.formats.cartridge.rules import MANIFEST, Limits, ManifestRules, line_of
from packager.formats.cartridge.schemas import descriptor_schema


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


class _Checker(ManifestRules):
    """The zip and XML level; the manifest's rules come from :class:`ManifestRules`."""

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

    # -- descriptors ----------------------------------------------------------------------

    def _qti_semantics(self, name: str, tree: etree._ElementTree) -> None:
        """What importers need beyond the schema (Moodle's and cc2olx's readers), as warnings."""
        q = {"q": QTI_NS}
        for item in tree.getroot().iterfind(".//q:item", q):
            profile = item.findtext(
                "q:itemmetadata/q:qtimetadata/q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry",
                namespaces=q,
            )
            line = line_of(item)
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
                    self.problems.warning(self.at(name, line_of(condition)), "cc-qti", message)

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
                line_of(tree.getroot()),
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
                    line_of(tree.getroot()),
                )


def check_cartridge(
    data: bytes,
    shown: str,
    problems: Problems,
    limits: Limits | None = None,
    *,
    own: bool = False,
) -> None:
    """Validate a cartridge's bytes; problems go to ``problems``, located inside it.

    ``own`` is set when packager checks a cartridge it is about to write: its stricter rules
    (every file listed) then hold as errors.
    """
    _Checker(shown, problems, limits or Limits(), own).check(data)
