"""GNU gettext's line wrapping, character for character: where ``msgcat`` and ``msgmerge`` break a
string (Unicode line-break classes, East Asian widths, escapes), so the catalogues packager
writes are byte for byte those GNU tools write and a translator's diff shows only real changes."""

from __future__ import annotations

import bisect
import functools
import itertools
import unicodedata

WIDTH = 79

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}

UNESCAPES = {
    "\\": "\\",
    '"': '"',
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}

# Line breaking: the part of Unicode's UAX #14 that course text meets, as GNU gettext applies it
# through libunistring. Classes: OP opening, CL/CP closing, EX exclamation, IS infix separator,
# SY slash, HY hyphen, BA break-after, B2 em dash, QU quotation, GL glue, NS non-starter, NU digit,
# PR/PO prefix/postfix, CM combining, ID ideographic, SP space, AL everything else.
_CLASSES = {
    **dict.fromkeys("([{¡¿（［｛「『【《〈〔〖〘〚", "OP"),
    **dict.fromkeys(")]", "CP"),
    **dict.fromkeys("}）］｝」』】》〉〕〗〙〛、。，．", "CL"),
    **dict.fromkeys("!?！？؟", "EX"),
    **dict.fromkeys(",.:;،؛", "IS"),
    "/": "SY",
    "-": "HY",
    **dict.fromkeys("\t\u2010\u2012\u2013|", "BA"),
    "\u2014": "B2",
    **dict.fromkeys("\"'“”‘’«»‹›", "QU"),
    **dict.fromkeys("\u00a0\u202f\u2007\u2060\ufeff", "GL"),
    **dict.fromkeys("：；ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ…‼⁇⁈⁉・", "NS"),
    **dict.fromkeys("%‰°¢′″℃", "PO"),
    **dict.fromkeys("$£¥€+\\№", "PR"),
    " ": "SP",
}

_NO_BREAK_PAIRS = frozenset(
    {
        ("AL", "AL"),
        ("AL", "NU"),
        ("NU", "AL"),
        ("NU", "NU"),
        ("AL", "OP"),
        ("NU", "OP"),
        ("CP", "AL"),
        ("CP", "PR"),
        ("CL", "PR"),
        ("CP", "NU"),
        ("IS", "NU"),
        ("HY", "NU"),
        ("SY", "NU"),
        ("PR", "NU"),
        ("PR", "AL"),
        ("PR", "ID"),
        ("PR", "OP"),
        ("NU", "PO"),
        ("NU", "PR"),
        ("AL", "PR"),
        ("PO", "AL"),
        ("AL", "PO"),
        ("ID", "PO"),
        ("CP", "PO"),
        ("CL", "PO"),
        ("PO", "OP"),
        ("PO", "NU"),
        ("B2", "B2"),
    }
)


@functools.cache
def _width(ch: str) -> int:
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _escaped_width(ch: str) -> int:
    return 2 if ch in _ESCAPES else _width(ch)


@functools.cache
def _class(ch: str) -> str:
    found = _CLASSES.get(ch)
    if found:
        return found
    category = unicodedata.category(ch)
    if category in ("Mn", "Me"):
        return "CM"
    if category == "Nd":
        return "NU"
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "ID"
    return "AL"


def _can_break(text: str, i: int) -> bool:
    """Whether a line may break before ``text[i]``."""
    previous, current = text[i - 1], text[i]
    if previous.isascii() and current.isascii() and previous.isalnum() and current.isalnum():
        return False  # inside a word: by far the most common case
    here = _class(text[i])
    if here in ("SP", "CM", "GL", "CL", "CP", "EX", "IS", "SY"):
        return False
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0:
        return False
    before = _class(text[j])
    if j < i - 1:  # after spaces
        if (
            before == "OP"
            or (before == "QU" and here == "OP")
            or (before in ("CL", "CP") and here == "NS")
        ):
            return False
        return not (before == "B2" and here == "B2")
    if before in ("OP", "GL", "BB") or here in ("QU", "BA", "HY", "NS", "IN") or before == "QU":
        return False
    if before == "CM":
        k = j
        while k > 0 and _class(text[k]) == "CM":
            k -= 1
        before = _class(text[k]) if _class(text[k]) != "CM" else "AL"
    wide = unicodedata.east_asian_width(text[i] if here == "OP" else text[j]) in ("W", "F")
    lb30 = (before in ("AL", "NU") and here == "OP") or (before == "CP" and here in ("AL", "NU"))
    if lb30 and wide:
        return True  # UAX #14 LB30 keeps only narrow brackets to their words
    return (before, here) not in _NO_BREAK_PAIRS


def segments(text: str) -> list[str]:
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch == "\n" and i + 1 < len(text):
            parts.append(text[start : i + 1])
            start = i + 1
    parts.append(text[start:])
    return parts


class Breaks:
    """Where a line may break in one string, worked out only where the wrapper asks.

    GNU finds break opportunities in the string as written in the file, escapes included, so a
    quote (``\\"``) or a tab (``\\t``) breaks like the backslash that starts it.
    """

    def __init__(self, text: str) -> None:
        self.written = escape(text)
        if len(self.written) == len(text):
            self.starts: list[int] | None = None
        else:
            self.starts, position = [], 0
            for ch in text:
                self.starts.append(position)
                position += len(_ESCAPES.get(ch, ch))

    def __call__(self, i: int) -> bool:
        """Whether a line may break before character ``i`` of the text."""
        return i > 0 and _can_break(self.written, i if self.starts is None else self.starts[i])


def widths(text: str) -> list[int]:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return [1] * len(text)
    return [_escaped_width(ch) for ch in text]


def wrap_segment(text: str, startcol: int) -> list[str]:
    """Split ``text`` into pieces each fitting ``WIDTH`` once quoted at ``startcol``.

    Greedy, as GNU: each line ends at the last break opportunity that fits; a line with none
    that fits runs on to the first one after.
    """
    can_break = Breaks(text)
    reach = list(itertools.accumulate(widths(text), initial=0))  # reach[k]: width of text[:k]
    budget = WIDTH - startcol - 2  # the two quotes
    pieces: list[str] = []
    start, end = 0, len(text)
    while start < end:
        fits = bisect.bisect_right(reach, reach[start] + budget, lo=start) - 1
        if fits >= end:
            pieces.append(text[start:])
            break
        cut = fits
        while cut > start and not can_break(cut):
            cut -= 1
        if cut == start:
            cut = fits + 1
            while cut < end and not can_break(cut):
                cut += 1
        pieces.append(text[start:cut])
        start = cut
    return pieces or [""]


_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)
