"""What the safe readers of untrusted archives share (:mod:`.untar`, :mod:`.unzip`): the files
read into memory, problems located inside the archive (``x.mbz/moodle_backup.xml:3:1``) with
codes that start with the checker's prefix (``mbz-xml``), and XML parsed with entities, DTDs and
the network off."""

from __future__ import annotations

import io
from dataclasses import dataclass

from lxml import etree

from packager.diagnostics import Location, Problems


@dataclass(frozen=True)
class Limits:
    """What an archive may hold before it is refused unread (a bomb is never expanded)."""

    entries: int = 20_000
    total: int = 1024 * 2**20
    file: int = 200 * 2**20
    xml: int = 32 * 2**20


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def line_of(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


class Unpacked:
    """An archive's files in memory (``files``, filled by the reader) and its problems."""

    def __init__(self, shown: str, problems: Problems, prefix: str, xml_limit: int) -> None:
        self.shown = shown
        self.problems = problems
        self.prefix = prefix
        self.xml_limit = xml_limit
        self.files: dict[str, bytes] = {}

    def at(self, name: str, line: int | None = 1, col: int = 1) -> Location:
        return Location(f"{self.shown}/{name}" if name else self.shown, line or 1, col)

    def error(self, name: str, code: str, message: str, line: int | None = 1, col: int = 1) -> None:
        """``code`` without the prefix: ``error("a.xml", "xml", ...)`` reports ``olx-xml``."""
        self.problems.error(self.at(name, line, col), f"{self.prefix}-{code}", message)

    def parse(self, name: str, data: bytes) -> etree._ElementTree | None:
        """``data`` (the file ``name``) as XML without entities or DTDs; None if reported."""
        try:
            tree = etree.parse(io.BytesIO(data), xml_parser())
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (1, 1)
            self.error(name, "xml", f"not well-formed XML: {exc.msg}", line, col + 1)
            return None
        info = tree.docinfo
        if info.doctype or info.internalDTD is not None:  # type: ignore[union-attr]
            message = "a DOCTYPE is not allowed (entities and DTDs are never resolved)"
            self.error(name, "dtd", message)
            return None
        return tree

    def xml(self, name: str) -> etree._Element | None:
        """The root of the unpacked XML file ``name``; None if it is absent or was reported."""
        data = self.files.get(name)
        if data is None:
            return None
        if len(data) > self.xml_limit:
            self.error(name, "size", f"the file is larger than {self.xml_limit} bytes")
            return None
        tree = self.parse(name, data)
        return tree.getroot() if tree is not None else None
