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


IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
#: What a page may link to or a site may publish from ``media/``: no HTML, scripts or executables,
#: which would let a course slip past the checks on raw HTML.
MEDIA_TYPES = IMAGE_TYPES | frozenset(
    {
        ".pdf",
        ".odt",
        ".ods",
        ".odp",
        ".docx",
        ".xlsx",
        ".pptx",
        ".csv",
        ".txt",
        ".epub",
        ".mp3",
        ".ogg",
        ".oga",
        ".wav",
        ".m4a",
        ".mp4",
        ".webm",
        ".ogv",
        ".vtt",
        ".zip",
    }
)


@dataclass(frozen=True)
class MediaFiles:
    """What a course's ``media/`` folder holds, listed once per course.

    ``inside`` are regular files of a publishable type (paths relative to ``media/``);
    ``outside`` are links that resolve to somewhere outside the folder; ``other`` are files of a
    type the site does not publish; ``bad_names`` are names that are not valid UTF-8. Hidden files
    and folders (``.git``) are ignored.
    """

    inside: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()
    other: frozenset[str] = frozenset()
    bad_names: frozenset[str] = frozenset()

    @classmethod
    def scan(cls, folder: Path) -> MediaFiles:
        if not folder.is_dir():
            return cls()
        base = folder.resolve()
        found: dict[str, set[str]] = {
            "inside": set(),
            "outside": set(),
            "other": set(),
            "bad": set(),
        }
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                found["bad"].add(name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
                continue
            try:
                escaped = not path.resolve().is_relative_to(base)
            except (OSError, RuntimeError):  # a link loop
                escaped = True
            if escaped:
                found["outside"].add(name)
            elif path.is_file():
                found["inside" if path.suffix.lower() in MEDIA_TYPES else "other"].add(name)
        return cls(*(frozenset(found[k]) for k in ("inside", "outside", "other", "bad")))


_SVG_DANGER = re.compile(
    rb"<\s*(script|foreignObject|iframe|embed|object)\b|\son[a-z]+\s*=|javascript:|<!ENTITY|"
    rb"(?:xlink:)?href\s*=\s*[\"'](?!#|data:image/)[a-z][a-z0-9+.-]*:",
    re.IGNORECASE,
)


def svg_problem(path: Path) -> str | None:
    """Why an SVG is unsafe to publish (scripts, event handlers, external references), or None."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    match = _SVG_DANGER.search(data)
    if match:
        found = match.group(0).decode("utf-8", "replace").strip()
        return f"it contains {found[:40]!r}; SVG files may not hold scripts, event handlers or links to other sites"
    return None


#: The largest raster image (PNG, JPEG, GIF) a course may use. A 1 MB PNG can hold 20000 x 20000
#: pixels, 1.6 GB once decoded: browsers struggle and the PDF cannot draw it at all. 50
#: megapixels (a 8660 x 5773 photograph) is far more than any page shows.
MAX_IMAGE_SIDE = 16_384
MAX_IMAGE_PIXELS = 50_000_000


def image_size_problem(path: Path) -> str | None:
    """Why a raster image is too large to publish, or None (SVG is drawn, not decoded)."""
    if path.suffix.lower() == ".svg":
        return None
    size = image_size(path)
    if size is None:
        return None
    width, height = size
    if width <= MAX_IMAGE_SIDE and height <= MAX_IMAGE_SIDE and width * height <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); an image may have "
        f"at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels and {MAX_IMAGE_SIDE} pixels a side "
        "(drawing it would take too much memory): scale it down"
    )


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
    try:
        if width and height:
            w, h = _SVG_LENGTH.match(width), _SVG_LENGTH.match(height)
            if w and h:
                return _size(float(w.group(1)), float(h.group(1)))
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) == 4:
            return _size(float(box[2]), float(box[3]))
    except (ValueError, OverflowError):
        pass
    return None


def _size(width: float, height: float) -> tuple[int, int] | None:
    """Whole pixels, or None for sizes no page could show (zero, infinite, absurd)."""
    if not (0 < width < 100_000 and 0 < height < 100_000):
        return None
    return round(width), round(height)


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
