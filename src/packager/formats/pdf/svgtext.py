"""SVG text drawn as outlines for the book: WeasyPrint cannot shape right-to-left text inside
SVG (Arabic letters came out unjoined and in the wrong order) and picks the font of SVG text by
its own fallback (a Chinese figure embedded the Japanese face), so the book's figures with such
text have each ``<text>`` shaped here with HarfBuzz, in the Noto faces the book's text uses, and
drawn as ``<path>`` outlines (fontTools pens). The words stay in a ``<title>`` and an
``aria-label`` on the group that replaces the text.

What is shaped: ``x``/``y`` on ``<text>``, ``<tspan>`` children with one ``x``/``y``/``dx``/
``dy`` each (an absolute ``x`` or ``y`` starts a new line, anchored on its own), ``font-size``
(user units or px), ``font-weight``, ``fill``, ``text-anchor`` and ``direction``, inherited
from the ancestors. A drawing that uses anything else on its text (CSS, ``<textPath>``, lists of
positions, italics, baselines) is left as it is: :func:`shape_svg` returns None. Right-to-left
lines are ordered with the two levels of the Unicode bidi algorithm that labels need (numbers
and Latin words inside Arabic). Output is deterministic: coordinates rounded to 0.01.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from packager.formats.pdf.glyphs import fc_match

SVG_NS = "http://www.w3.org/2000/svg"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TEXT_ATTRS = {
    "x", "y", "dx", "dy", "text-anchor", "direction", "font-family", "font-size",
    "font-weight", "unicode-bidi",
}  # fmt: skip
_UNSUPPORTED_ATTRS = {
    "style", "rotate", "textLength", "lengthAdjust", "font-style", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing", "writing-mode",
    "font-variant", "font-stretch", "class",
}  # fmt: skip
_INHERITED = ("font-size", "font-weight", "text-anchor", "direction", "fill")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_NUMBER = re.compile(r"^\s*([0-9.]+)(px)?\s*$")


def needs_shaping(data: bytes) -> bool:
    """Whether a drawing has text WeasyPrint would print wrongly: right to left, or Chinese,
    Japanese or Korean (whose face WeasyPrint chooses by itself inside SVG)."""
    text = data.decode("utf-8", errors="replace")
    return bool(_RTL.search(text) or _CJK.search(text))


@dataclass(frozen=True)
class _Piece:
    """A stretch of a line's text in one style."""

    text: str
    size: float
    bold: bool
    fill: str | None


@dataclass(frozen=True)
class _Line:
    """Text anchored at one point: a ``<text>``, or a ``<tspan>`` with its own ``x`` or ``y``."""

    x: float
    y: float
    anchor: str
    direction: str
    pieces: tuple[_Piece, ...]


class _UnsupportedError(Exception):
    pass


def shape_svg(data: bytes, lang: str) -> bytes | None:
    """The drawing with every ``<text>`` as outlines, or None if it cannot be (see above)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{SVG_NS}}}svg" or root.find(f".//{{{SVG_NS}}}style") is not None:
        return None
    try:
        for text in list(root.iter(f"{{{SVG_NS}}}text")):
            _replace(text, lang)
    except _UnsupportedError:
        return None
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _inherited(element: etree._Element, name: str, default: str) -> str:
    node: etree._Element | None = element
    while node is not None:
        if node.get("style") is not None and node.tag != f"{{{SVG_NS}}}svg":
            raise _UnsupportedError
        value = node.get(name)
        if value is not None:
            return value
        node = node.getparent()
    return default


def _number(value: str | None, default: float = 0.0) -> float:
    if value is None:
        return default
    match = _NUMBER.match(value)
    if not match:
        raise _UnsupportedError
    return float(match.group(1))


def _style(element: etree._Element) -> tuple[float, bool, str | None]:
    weight = _inherited(element, "font-weight", "normal")
    bold = weight == "bold" or weight == "bolder" or (weight.isdigit() and int(weight) >= 600)
    fill = element.get("fill") if element.tag.endswith("tspan") else None
    return _number(_inherited(element, "font-size", "16")), bold, fill


def _lines(text: etree._Element) -> list[_Line]:
    x, y = _number(text.get("x")), _number(text.get("y"))
    x, y = x + _number(text.get("dx")), y + _number(text.get("dy"))
    anchor = _inherited(text, "text-anchor", "start")
    direction = _inherited(text, "direction", "ltr")
    size, bold, _fill = _style(text)
    lines: list[_Line] = []
    pieces: list[_Piece] = []
    start = (x, y)
    if text.text and text.text.strip():
        pieces.append(_Piece(" ".join(text.text.split()), size, bold, None))
    for child in text:
        if not isinstance(child.tag, str) or child.tag != f"{{{SVG_NS}}}tspan" or len(child):
            raise _UnsupportedError  # textPath, nested tspans, comments inside text
        if any(a in child.attrib for a in _UNSUPPORTED_ATTRS):
            raise _UnsupportedError
        for name in ("x", "y", "dx", "dy"):
            if len((child.get(name) or "").split()) > 1:
                raise _UnsupportedError  # one position per glyph
        if child.get("x") is not None or child.get("y") is not None:
            if pieces:
                lines.append(_Line(*start, anchor, direction, tuple(pieces)))
            pieces = []
            x, y = _number(child.get("x"), x), _number(child.get("y"), y)
        x, y = x + _number(child.get("dx")), y + _number(child.get("dy"))
        if not pieces:
            start = (x, y)
        c_size, c_bold, c_fill = _style(child)
        if child.text:
            pieces.append(_Piece(" ".join(child.text.split()), c_size, c_bold, c_fill))
        if child.tail and child.tail.strip():
            pieces.append(_Piece(" " + " ".join(child.tail.split()), size, bold, None))
    if pieces:
        lines.append(_Line(*start, anchor, direction, tuple(pieces)))
    return lines


def _replace(text: etree._Element, lang: str) -> None:
    if any(a in text.attrib for a in _UNSUPPORTED_ATTRS):
        raise _UnsupportedError
    for name in ("x", "y", "dx", "dy"):
        if len((text.get(name) or "").split()) > 1:
            raise _UnsupportedError
    lang = _inherited(text, XML_LANG, "") or _inherited(text, "lang", "") or lang
    words = " ".join(w for part in text.itertext() for w in str(part).split())
    group = etree.Element(f"{{{SVG_NS}}}g")
    for key, value in text.attrib.items():
        if str(key) not in _TEXT_ATTRS:
            group.set(str(key), str(value))
    group.set("aria-label", words)
    title = etree.SubElement(group, f"{{{SVG_NS}}}title")
    title.text = words
    for line in _lines(text):
        for d, fill in _draw(line, lang):
            path = etree.SubElement(group, f"{{{SVG_NS}}}path", d=d)
            if fill:
                path.set("fill", fill)
    group.tail = text.tail
    parent = text.getparent()
    assert parent is not None  # the root is <svg>, never <text>
    parent.replace(text, group)


# -- bidi, fonts, shaping, outlines ----------------------------------------------------------


def _runs(line: _Line, lang: str) -> list[tuple[str, _Piece, bool]]:
    """The line's text as (text, style, right to left) runs in visual order."""
    chars = [(c, p) for p in line.pieces for c in p.text]
    rtl_par = line.direction == "rtl"
    kinds = [unicodedata.bidirectional(c) for c, _ in chars]
    strong = ["R" if k in ("R", "AL") else "L" if k in ("L", "EN", "AN") else None for k in kinds]
    levels = []
    for n, kind in enumerate(strong):  # a neutral takes its neighbours' side if they agree
        if kind is None:
            before = next((s for s in reversed(strong[:n]) if s), None)
            after = next((s for s in strong[n + 1 :] if s), None)
            kind = before if before == after and before else ("R" if rtl_par else "L")
        levels.append((1 if kind == "R" else 2) if rtl_par else (1 if kind == "R" else 0))
    runs: list[tuple[int, str, list[tuple[str, _Piece]]]] = []
    for (char, piece), level in zip(chars, levels, strict=True):
        family = _family(char, lang)
        if (
            runs
            and runs[-1][0] == level
            and runs[-1][2][-1][1] == piece
            and (runs[-1][1] == family or family is None)
        ):
            runs[-1][2].append((char, piece))
        else:
            runs.append((level, family or _family_of_run(chars, lang), [(char, piece)]))
    # Reverse every stretch at a level and above, from the highest level down (rule L2).
    order = list(range(len(runs)))
    for depth in (2, 1):
        n = 0
        while n < len(order):
            if runs[order[n]][0] >= depth:
                end = n
                while end < len(order) and runs[order[end]][0] >= depth:
                    end += 1
                order[n:end] = reversed(order[n:end])
                n = end
            else:
                n += 1
    return [
        ("".join(c for c, _ in runs[i][2]), runs[i][2][0][1], runs[i][0] % 2 == 1) for i in order
    ]


def _family(char: str, lang: str) -> str | None:
    """The book's face for a character's script; None for one any face has (digits, spaces)."""
    if _RTL.match(char):
        return "Noto Sans Hebrew" if "\u0590" <= char <= "\u05ff" else "Noto Sans Arabic"
    if "\u0900" <= char <= "\u097f":
        return "Noto Sans Devanagari"
    if _CJK.match(char):
        region = {"ja": "JP", "ko": "KR"}.get(lang.split("-")[0], "SC")
        if re.match(r"zh-(Hant|TW|HK|MO)", lang):
            region = "TC"
        return f"Noto Sans CJK {region}"
    if unicodedata.category(char)[0] in "LM":
        return "Noto Sans"
    return None


def _family_of_run(chars: list[tuple[str, _Piece]], lang: str) -> str:
    return next((f for c, _ in chars if (f := _family(c, lang))), "Noto Sans")


@functools.cache
def _font(family: str, bold: bool) -> tuple[object, object, float]:
    """HarfBuzz font, fontTools glyph set and units per em of a family, found by fontconfig."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    answer = fc_match(f"{family}:bold" if bold else family, "file", "index")
    if answer is None:
        raise _UnsupportedError
    found, file, index = answer
    if family not in found.split(","):
        raise _UnsupportedError  # the face is not installed: the book's glyph check says so
    path = Path(file)
    face = hb.Face(hb.Blob.from_file_path(str(path)), int(index))
    ttfont = TTFont(str(path), fontNumber=int(index), lazy=True)
    return hb.Font(face), ttfont, float(face.upem)


def _draw(line: _Line, lang: str) -> list[tuple[str, str | None]]:
    """Each run of the line as (path data, fill), placed by the line's anchor."""
    import uharfbuzz as hb
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    shaped = []
    for text, piece, rtl in _runs(line, lang):
        family = _family_of_run([(c, piece) for c in text], lang)
        font, ttfont, upem = _font(family, piece.bold)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        if lang:
            buffer.language = lang
        hb.shape(font, buffer, {})
        scale = piece.size / upem
        glyphs = [
            (i.codepoint, p.x_advance * scale, p.x_offset * scale, p.y_offset * scale)
            for i, p in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
        ]
        shaped.append((ttfont, scale, glyphs, piece.fill))
    width = sum(g[1] for _f, _s, glyphs, _fill in shaped for g in glyphs)
    anchor = line.anchor
    if line.direction == "rtl":  # start and end are the right and the left edge
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
    x = line.x - {"middle": width / 2, "end": width}.get(anchor, 0.0)
    out = []
    for ttfont, scale, glyphs, fill in shaped:
        glyph_set = ttfont.getGlyphSet()  # type: ignore[attr-defined]
        names = ttfont.getGlyphOrder()  # type: ignore[attr-defined]
        pen = SVGPathPen(glyph_set, ntos=_ntos)
        for gid, advance, dx, dy in glyphs:
            moved = TransformPen(pen, (scale, 0, 0, -scale, x + dx, line.y - dy))
            glyph_set[names[gid]].draw(moved)
            x += advance
        d = pen.getCommands()
        if d:
            out.append((d, fill))
    return out


def _ntos(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def shaped(name: str, data: bytes, lang: str) -> bytes:
    """What the book's fetcher serves for the media file ``name``: an SVG whose text needs
    shaping, with its text as outlines when it can be; any other file as it is. Called as each
    file is fetched, so only the drawings the book shows are shaped (not every language's)."""
    if name.lower().endswith(".svg") and needs_shaping(data):
        return shaped_svg(data, lang) or data
    return data


@functools.lru_cache(maxsize=16)
def shaped_svg(data: bytes, lang: str) -> bytes | None:
    """:func:`shape_svg`, once per drawing: the book asks whether a drawing can be shaped while
    it writes its HTML, and its fetcher serves the shaped drawing while it is laid out."""
    return shape_svg(data, lang)
