"""The rules of a cartridge's manifest and descriptors that the XSDs cannot express: the
organisation, identifiers, resources and their files, dependencies, the QTI profile, and what
Moodle's and cc2olx's readers need. Mixed into the checker of :mod:`check`, which reads the zip
and the XML."""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from packager.diagnostics import Location, Problems
from packager.formats.cartridge.profile import (
    VERSIONS,
    WEBCONTENT,
    CcVersion,
    version_of,
)
from packager.formats.cartridge.schemas import manifest_schema
from packager.formats.unzip import Limits

MANIFEST = "imsmanifest.xml"


def line_of(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


class ManifestRules:
    """The manifest's rules; the zip and XML readers they use are the checker's."""

    shown: str
    problems: Problems
    limits: Limits
    own: bool

    def at(self, name: str, line: int | None = 1, col: int = 1) -> Location:
        raise NotImplementedError

    def error(self, name: str, code: str, message: str, line: int | None = 1, col: int = 1) -> None:
        raise NotImplementedError

    def _read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        raise NotImplementedError

    def _xml(self, name: str, data: bytes) -> etree._ElementTree | None:
        raise NotImplementedError

    def _schema(self, name: str, tree: etree._ElementTree, schema: etree.XMLSchema) -> bool:
        raise NotImplementedError

    def _descriptor(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, version: CcVersion
    ) -> None:
        raise NotImplementedError

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
                line_of(root),
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
                line_of(root),
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
                line_of(schemaversion),
            )
        resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
        self._identifiers(root)
        organizations = root.findall("cp:organizations/cp:organization", ns)
        if len(organizations) > 1:
            self.error(
                MANIFEST,
                "cc-organization",
                "a cartridge has at most one organization",
                line_of(organizations[1]),
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
                    line_of(element),
                )
            else:
                seen[identifier] = line_of(element) or 1
            if not re.match(r"^[A-Za-z_][\w.-]*$", identifier):
                self.error(
                    MANIFEST,
                    "cc-identifier",
                    f"the identifier {identifier!r} must start with a letter or _ and hold no spaces or colons",
                    line_of(element),
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
                line_of(organization),
            )
        tops = organization.findall("cp:item", ns)
        if len(tops) != 1:
            self.error(
                MANIFEST,
                "cc-organization",
                f"the organization must hold exactly one root item, not {len(tops)}",
                line_of(organization),
            )
            return
        top = tops[0]
        if top.get("identifierref") is not None or top.find("cp:title", ns) is not None:
            self.error(
                MANIFEST,
                "cc-organization",
                "the root item has no title and points at no resource",
                line_of(top),
            )
        for item in top.iterfind(".//cp:item", ns):
            children = item.findall("cp:item", ns)
            target = item.get("identifierref")
            if item.find("cp:title", ns) is None:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} has no title",
                    line_of(item),
                )
            if target is None:
                if not children:
                    self.error(
                        MANIFEST,
                        "cc-item",
                        f"the item {item.get('identifier')!r} is a folder with nothing in it",
                        line_of(item),
                    )
                continue
            if children:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} points at a resource, so it cannot hold other items",
                    line_of(item),
                )
            resource = resources.get(target)
            if resource is None:
                self.error(
                    MANIFEST,
                    "cc-item",
                    f"the item {item.get('identifier')!r} points at {target!r}, which is no resource",
                    line_of(item),
                )
            elif resource.get("type") == WEBCONTENT and resource.get("href") is None:
                self.error(
                    MANIFEST,
                    "cc-resource",
                    f"the resource {target!r} is shown by an item, so it needs an href",
                    line_of(resource),
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
        line = line_of(resource)
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
