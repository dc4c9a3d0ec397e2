"""``packager check PATH.zip``: validate any SCORM 1.2 or 2004 package, safely and offline.

A package from elsewhere is untrusted: it is read into memory by
:class:`packager.formats.unzip.ZipReader` (entries checked before any is read, no links, no paths
out, no zip bombs, XML without DTDs), never extracted. The manifest names its version in
``<metadata><schemaversion>``; it is validated against ADL's XSDs of that version
(:mod:`packager.formats.scorm.schemas`), then against what a platform needs to play it: every
file it lists in the zip, every resource's launch file there, every item's resource in the
manifest, at least one SCO, and a SCO's launch file that is HTML. The build checks its own
packages with the same function, so there is one checker.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin

from lxml import etree

from packager.diagnostics import Problems
from packager.formats.scorm.schemas import manifest_schema
from packager.formats.unzip import Limits, ZipReader

MANIFEST = "imsmanifest.xml"

#: ``<schemaversion>`` -> the schemas that validate it (ADL's 2004 4th Edition XSDs read the
#: earlier 2004 editions' manifests: same namespaces, elements only added).
SCHEMA_VERSIONS = {
    "1.2": "1.2",
    "CAM 1.3": "2004",
    "2004 3rd Edition": "2004",
    "2004 4th Edition": "2004",
}
#: Each version's content-packaging namespace, and ADL's attribute that makes a resource a SCO.
CP = {
    "1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
}
SCORM_TYPE = {
    "1.2": ("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype", 'adlcp:scormtype="sco"'),
    "2004": ("{http://www.adlnet.org/xsd/adlcp_v1p3}scormType", 'adlcp:scormType="sco"'),
}
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_KNOWN = ", ".join(SCHEMA_VERSIONS)


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


def _join(base: str, reference: str) -> str:
    """``reference`` under ``base`` (``xml:base``); a malformed URL (``//[x``) as a plain path,
    so it is reported as a missing file, not a crash."""
    try:
        return urljoin(base, reference)
    except ValueError:
        return base + reference


def _path(href: str, base: str) -> str | None:
    """The zip entry an ``href`` (a URI reference, under ``xml:base``) names; None for a URL."""
    target = _join(base, href.split("#")[0].split("?")[0])
    if re.match(r"^([A-Za-z][A-Za-z0-9+.-]*:|//)", target):
        return None
    return posixpath.normpath(unquote(target)).removeprefix("./")


def _resolved(href: str, path: str) -> str:
    """`` (the zip entry)`` when ``xml:base`` or percent-encoding made the href another path."""
    return f" ({path})" if path != href else ""


class _ScormChecker(ZipReader):
    def check(self, data: bytes) -> str | None:
        if not self.unpack(data):
            return None
        if MANIFEST not in self.files:
            nested = sorted(n for n in self.files if n.endswith("/" + MANIFEST))
            where = (
                f" (found {nested[0]}: the manifest must be at the root of the zip, not in a folder)"
                if nested
                else ""
            )
            self.error("", "manifest", f"no {MANIFEST} at the root of the zip{where}")
            return None
        root = self.xml(MANIFEST)
        if root is None:
            return None
        version = self._version(root)
        if version is None:
            return None
        schema = manifest_schema(version)
        if not schema.validate(root):
            for entry in schema.error_log:  # type: ignore[attr-defined]
                message = re.sub(r"\{[^}]*\}", "", entry.message)
                self.error(MANIFEST, "schema", message, entry.line, entry.column + 1)
        self._resources(root, version)
        return version

    def _version(self, root: etree._Element) -> str | None:
        """The schemas the manifest's ``<schemaversion>`` asks for, or None after saying why."""
        namespace = etree.QName(root).namespace or ""
        found = root.find(f"{{{namespace}}}metadata/{{{namespace}}}schemaversion")
        if found is None:
            message = (
                "the manifest names no SCORM version: <metadata><schemaversion> is missing"
                f" (one of {_KNOWN})"
            )
            self.error(MANIFEST, "version", message, _line(root))
            return None
        text = (found.text or "").strip()
        version = SCHEMA_VERSIONS.get(text)
        if version is None:
            schema = (root.findtext(f"{{{namespace}}}metadata/{{{namespace}}}schema") or "").strip()
            message = f"the schemaversion {text!r} is not a SCORM version (one of {_KNOWN})"
            if "Common Cartridge" in schema:
                message += "; this is a Common Cartridge: check it as a .imscc file"
            self.error(MANIFEST, "version", message, _line(found))
            return None
        if namespace != CP[version]:
            message = (
                f"the manifest says SCORM {text} but its namespace is {namespace!r},"
                f" not {CP[version]!r}"
            )
            self.error(MANIFEST, "version", message, _line(root))
            return None
        return version

    def _resources(self, root: etree._Element, version: str) -> None:
        cp = CP[version]
        manifest_base = root.get(_XML_BASE) or ""
        identifiers = set()
        scos = []
        for resources in root.iter(f"{{{cp}}}resources"):
            base = _join(manifest_base, resources.get(_XML_BASE) or "")
            for resource in resources.iterfind(f"{{{cp}}}resource"):
                identifiers.add(resource.get("identifier"))
                here = _join(base, resource.get(_XML_BASE) or "")
                for file in resource.iterfind(f"{{{cp}}}file"):
                    href = file.get("href") or ""
                    path = _path(href, here)
                    if path is not None and path not in self.files:
                        message = (
                            f"the manifest lists the file {href!r}{_resolved(href, path)},"
                            " which is not in the package"
                        )
                        self.error(MANIFEST, "file", message, _line(file))
                sco = resource.get(SCORM_TYPE[version][0]) == "sco"
                if sco:
                    scos.append(resource)
                launch = resource.get("href") or ""
                path = _path(launch, here) if launch else None
                if path is not None and path not in self.files:
                    message = (
                        f"the launch file {launch!r}{_resolved(launch, path)} of the resource"
                        f" {resource.get('identifier')!r} is not in the package"
                    )
                    self.error(MANIFEST, "launch", message, _line(resource))
                elif path is not None and sco:
                    self._launch_page(path, resource)
        for item in root.iter(f"{{{cp}}}item"):
            ref = item.get("identifierref")
            if ref is not None and ref not in identifiers:
                message = (
                    f"the item {item.get('identifier')!r} refers to the resource {ref!r},"
                    " which the manifest does not have"
                )
                self.error(MANIFEST, "item", message, _line(item))
        if not scos:
            message = (
                f"no resource is a SCO ({SCORM_TYPE[version][1]}):"
                " a platform has nothing to launch and track"
            )
            self.error(MANIFEST, "sco", message, _line(root))

    def _launch_page(self, path: str, resource: etree._Element) -> None:
        """A SCO's launch file must be a web page a browser opens (not binary, not empty)."""
        data = self.files[path]
        reason = ""
        if b"\0" in data:
            reason = "it holds binary data"
        elif not re.search(rb"<[A-Za-z!]", data):
            reason = "it has no HTML markup"
        else:
            parser = etree.HTMLParser(no_network=True, recover=True)
            try:
                document = etree.fromstring(data, parser)
            except (etree.XMLSyntaxError, etree.ParserError, ValueError):
                document = None
            if document is None:
                reason = "no HTML document could be read from it"
        if reason:
            message = f"the launch file {path!r} of the resource {resource.get('identifier')!r} is not HTML: {reason}"
            self.error(MANIFEST, "launch", message, _line(resource))


def check_scorm(
    data: bytes, shown: str, problems: Problems, limits: Limits | None = None
) -> str | None:
    """Validate a SCORM package's bytes; problems go to ``problems``, located inside it.

    Returns the schemas its manifest was checked against (``1.2`` or ``2004``), or None when it
    could not be read that far.
    """
    return _ScormChecker(shown, problems, "scorm", "SCORM package", limits).check(data)
