"""``packager check PATH.imscc``: validate any Common Cartridge, safely and offline.

A cartridge from elsewhere is untrusted: the zip is inspected before anything is read (paths that
escape, links, sizes that could exhaust memory: :mod:`packager.formats.unzip`), XML is parsed with entities, DTDs
and the network off, and nothing is extracted to disk. Then every manifest and descriptor is validated against the
official XSDs (:mod:`packager.formats.cartridge.schemas`) and against the profile rules the XSDs cannot express.
Each problem names the file inside the cartridge and its line: ``x.imscc/imsmanifest.xml:12:5``.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from packager.diagnostics import Location, Problems
from packager.formats.cartridge.profile import QTI_NS, CcVersion
from packager.formats.cartridge.rules import MANIFEST, ManifestRules, line_of
from packager.formats.cartridge.schemas import descriptor_schema
from packager.formats.unpacked import xml_parser as _parser  # noqa: F401 (its tests import it here)
from packager.formats.unzip import Limits, ZipReader


class _Checker(ManifestRules):
    """The manifest's rules (:class:`ManifestRules`) over the zip that :class:`ZipReader` reads.

    The cartridge is not unpacked whole: only the manifest and the descriptors are read from the
    open archive, the other files are only looked up by name.
    """

    def __init__(self, shown: str, problems: Problems, limits: Limits, own: bool) -> None:
        self.shown = shown
        self.problems = problems
        self.limits = limits
        self.own = own
        self.zip = ZipReader(shown, problems, "cc", "cartridge", limits, name_warning=True)

    def at(self, name: str, line: int | None = 1, col: int = 1) -> Location:
        return self.zip.at(name, line, col)

    def error(self, name: str, code: str, message: str, line: int | None = 1, col: int = 1) -> None:
        self.problems.error(self.at(name, line, col), code, message)

    # -- the zip --------------------------------------------------------------------------

    def check(self, data: bytes) -> None:
        archive = self.zip.open(data)
        if archive is None:
            return
        with archive:
            members = self.zip.members(archive)
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

    def _read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        """An entry's bytes, never more than the XML limit (sizes in zip headers can lie)."""
        return self.zip.read(archive, info)

    def _xml(self, name: str, data: bytes) -> etree._ElementTree | None:
        return self.zip.parse(name, data)

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
