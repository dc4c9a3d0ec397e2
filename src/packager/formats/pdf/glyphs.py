"""Which characters the PDF's fonts can draw, so no missing glyph (a blank box) ever ships.

The fonts are the families the print stylesheet names, found with fontconfig and read with
fontTools (a WeasyPrint dependency); their character maps are read once per process.
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

#: The families of templates/static/print.css, and the Debian package that brings each.
FAMILIES = {
    "Noto Sans": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans Devanagari": "fonts-noto-core",
    "Noto Sans Hebrew": "fonts-noto-core",
    "Noto Sans Symbols": "fonts-noto-core",
    "Noto Sans Symbols2": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "DejaVu Sans": "fonts-dejavu-core",
    "DejaVu Sans Mono": "fonts-dejavu-core",
}
PACKAGES = "fonts-noto-core fonts-noto-cjk"


@functools.cache
def fc_match(pattern: str, *fields: str) -> tuple[str, ...] | None:
    """fontconfig's best face for ``pattern`` (``family`` or ``family:weight=200``): its
    ``fields`` (``family`` first, then e.g. ``file``, ``index``, ``weight``), or None when
    fontconfig cannot answer. The family may differ from the one asked for: callers compare."""
    try:
        result = subprocess.run(
            ["fc-match", "-f", "\n".join(f"%{{{f}}}" for f in ("family", *fields)), pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = tuple(result.stdout.split("\n"))
    return found if len(found) == len(fields) + 1 else None


def _font_file(family: str) -> Path | None:
    """The file fontconfig has for exactly this family, or None when it is not installed."""
    found = fc_match(family, "file")
    if found is None or family not in found[0].split(",") or not found[1]:
        return None
    return Path(found[1])


@functools.cache
def _codepoints(path: Path, family: str) -> frozenset[int]:
    points: set[int] = set()
    if path.suffix.lower() == ".ttc":
        with TTCollection(str(path), lazy=True) as collection:
            fonts = [
                f
                for f in collection.fonts
                if family in {n.toUnicode() for n in f["name"].names if n.nameID in (1, 16)}
            ]
            for font in fonts or collection.fonts[:1]:
                points.update(font.getBestCmap() or {})
    else:
        with TTFont(str(path), lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


@functools.cache
def fonts_in_use() -> tuple[tuple[str, str, int, int], ...]:
    """Each print family's file with its size and time: installing or updating a font package
    changes the PDFs, so the incremental build counts this among a PDF's inputs."""
    found = []
    for family in FAMILIES:
        path = _font_file(family)
        if path is not None and path.is_file():
            st = path.stat()
            found.append((family, str(path), st.st_size, st.st_mtime_ns))
    return tuple(found)


@functools.cache
def covered() -> frozenset[int]:
    """Every code point some font of the print stylesheet can draw."""
    points: set[int] = set()
    for family in FAMILIES:
        path = _font_file(family)
        if path is not None:
            points |= _codepoints(path, family)
    return frozenset(points)


def missing_families() -> list[str]:
    return [family for family in FAMILIES if _font_file(family) is None]


def needs_glyph(char: str) -> bool:
    """Whether ``char`` is drawn (not white space, a control or a joiner)."""
    return (
        unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me", "Co", "Cs")
        and char not in "\n\t"
    )


def missing(text: str) -> list[str]:
    """The characters of ``text`` no font can draw, each once, in order."""
    have = covered()
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and needs_glyph(char) and ord(char) not in have:
            seen[char] = None
    return list(seen)
