"""Facts about media files: intrinsic image sizes, so pages reserve space and never shift.

Images are untrusted files: SVG is read with entity expansion and network access off, and only
the first bytes of raster formats are looked at.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

_SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


@dataclass(frozen=True)
class MediaFiles:
    """What a course's ``media/`` folder holds, listed once per course.

    ``inside`` are regular files (paths relative to ``media/``); ``outside`` are links that
    resolve to somewhere outside the folder, which no page may use.
    """

    inside: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()

    @classmethod
    def scan(cls, folder: Path) -> MediaFiles:
        if not folder.is_dir():
            return cls()
        base = folder.resolve()
        inside, outside = set(), set()
        for path in folder.rglob("*"):
            name = path.relative_to(folder).as_posix()
            if not path.resolve().is_relative_to(base):
                outside.add(name)
            elif path.is_file():
                inside.add(name)
        return cls(frozenset(inside), frozenset(outside))


def image_size(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` in CSS pixels, or None when the file does not say."""
    try:
        head = path.read_bytes()[:65536] if path.suffix.lower() != ".svg" else path.read_bytes()
    except OSError:
        return None
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _svg_size(head)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        width, height = struct.unpack("<HH", head[6:10])
        return int(width), int(height)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    return None


def _svg_size(data: bytes) -> tuple[int, int] | None:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    width, height = root.get("width"), root.get("height")
    if width and height:
        w, h = _SVG_LENGTH.match(width), _SVG_LENGTH.match(height)
        if w and h:
            return round(float(w.group(1))), round(float(h.group(1)))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None
