"""Reading and writing ``.po`` files, byte for byte the way GNU gettext writes them.

The writer wraps strings as GNU ``msgcat`` does (79 columns, breaks after spaces and hyphens and
between CJK characters, East Asian wide characters counting two), so a catalogue that has been
through Poedit, Weblate or the gettext tools and back shows no re-wrapping noise in a diff. The
reader keeps everything a translator wrote: comments, flags, ``#|`` previous strings, obsolete
``#~`` entries, and each entry's line for error messages.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator

from packager.diagnostics import Location, Problems
from packager.i18n.catalogue import Catalogue, Entry, header_text, parse_header

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
_UNESCAPES = {
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


def _segments(text: str) -> list[str]:
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch == "\n" and i + 1 < len(text):
            parts.append(text[start : i + 1])
            start = i + 1
    parts.append(text[start:])
    return parts


class _Breaks:
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


def _widths(text: str) -> list[int]:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return [1] * len(text)
    return [_escaped_width(ch) for ch in text]


def _wrap_segment(text: str, startcol: int) -> list[str]:
    """Split ``text`` into pieces each fitting ``WIDTH`` once quoted at ``startcol``.

    Greedy, as GNU: each line ends at the last break opportunity that fits; a line with none
    that fits runs on to the first one after.
    """
    can_break = _Breaks(text)
    reach = list(itertools.accumulate(_widths(text), initial=0))  # reach[k]: width of text[:k]
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


@functools.lru_cache(maxsize=65536)
def format_string(keyword: str, text: str, prefix: str = "") -> tuple[str, ...]:
    """The lines of ``keyword "text"``, wrapped like GNU gettext (cached: a msgid is written
    once per catalogue, the same in every language)."""
    return tuple(_format_string(keyword, text, prefix))


def _format_string(keyword: str, text: str, prefix: str = "") -> list[str]:
    """The lines of ``keyword "text"``, wrapped like GNU gettext."""
    escaped_width = sum(_widths(text))
    one_line = len(prefix) + len(keyword) + 2 + escaped_width + 1 <= WIDTH
    if not one_line and "\n" not in text[:-1]:
        # GNU writes a string that cannot be broken anywhere on the first line, however long.
        can_break = _Breaks(text)
        one_line = not any(can_break(i) for i in range(1, len(text)))
    if one_line and "\n" not in text[:-1]:
        return [f'{prefix}{keyword} "{escape(text)}"']
    lines = [f'{prefix}{keyword} ""']
    for segment in _segments(text):
        lines += [f'{prefix}"{escape(piece)}"' for piece in _wrap_segment(segment, len(prefix))]
    return lines


def _references(refs: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    line = "#:"
    for ref in refs:
        if line != "#:" and len(line) + 1 + len(ref) > WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + ref
    if line != "#:":
        lines.append(line)
    return lines


def format_entry(entry: Entry) -> list[str]:
    lines = [f"# {c}" if c else "#" for c in entry.comments]
    lines += [f"#. {c}" if c else "#." for c in entry.extracted]
    if not entry.obsolete:
        lines += _references(entry.references)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    prefix = "#~ " if entry.obsolete else ""
    if entry.previous_msgctxt is not None:
        lines += format_string(
            "msgctxt", entry.previous_msgctxt, prefix + "#| " if not entry.obsolete else "#~| "
        )
    if entry.previous_msgid is not None:
        lines += format_string(
            "msgid", entry.previous_msgid, "#| " if not entry.obsolete else "#~| "
        )
    if entry.msgctxt is not None:
        lines += format_string("msgctxt", entry.msgctxt, prefix)
    lines += format_string("msgid", entry.msgid, prefix)
    if entry.msgid_plural is not None:
        lines += format_string("msgid_plural", entry.msgid_plural, prefix)
        for n, text in enumerate(entry.msgstr_plural or ("", "")):
            lines += format_string(f"msgstr[{n}]", text, prefix)
    else:
        lines += format_string("msgstr", entry.msgstr, prefix)
    return lines


def write_po(catalogue: Catalogue) -> str:
    """The ``.po`` text of ``catalogue``."""
    header = Entry(
        "",
        header_text(catalogue.header),
        comments=catalogue.header_comments,
        flags=catalogue.header_flags,
    )
    blocks = [format_entry(header)] + [format_entry(e) for e in catalogue.entries]
    return "\n".join("\n".join(block) + "\n" for block in blocks)


# -- reading -----------------------------------------------------------------------------------


class _SyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _unquote(text: str, line: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise _SyntaxError(line, f"expected a quoted string, found {text[:40]!r}")
    body = text[1:-1]
    if "\\" not in body:
        if '"' in body:
            raise _SyntaxError(line, 'a quote inside a string must be written \\"')
        return body  # the common case: nothing to unescape
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                raise _SyntaxError(line, "a string ends with a lone backslash")
            nxt = body[i + 1]
            if nxt in _UNESCAPES:
                out.append(_UNESCAPES[nxt])
                i += 2
                continue
            if nxt == "x":
                digits = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2 :])
                if digits is None:
                    raise _SyntaxError(line, "\\x must be followed by hexadecimal digits")
                out.append(chr(int(digits.group(0), 16)))
                i += 2 + len(digits.group(0))
                continue
            if nxt in "01234567":
                j = i + 1
                while j < len(body) and j < i + 4 and body[j] in "01234567":
                    j += 1
                out.append(chr(int(body[i + 1 : j], 8)))
                i = j
                continue
            raise _SyntaxError(line, f"unknown escape \\{nxt}")
        if ch == '"':
            raise _SyntaxError(line, 'a quote inside a string must be written \\"')
        out.append(ch)
        i += 1
    return "".join(out)


def _entries(lines: list[str]) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """Group lines into entries (separated by blank lines or a new comment after strings)."""
    block: list[tuple[int, str]] = []
    seen_string = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped:
            if block:
                yield block[0][0], block
            block, seen_string = [], False
            continue
        is_comment = stripped.startswith("#") and not stripped.startswith(
            ("#~ msg", '#~ "', "#~msg")
        )
        if is_comment and seen_string and not stripped.startswith(("#~", "#|")):
            yield block[0][0], block
            block, seen_string = [], False
        if not is_comment or stripped.startswith("#~"):
            seen_string = seen_string or not stripped.startswith(("#|", "#~|"))
        block.append((number, line))
    if block:
        yield block[0][0], block


def _parse_entry(block: list[tuple[int, str]]) -> Entry:
    fields: dict[str, list[str]] = {}
    comments: list[str] = []
    extracted: list[str] = []
    references: list[str] = []
    flags: list[str] = []
    obsolete = False
    msgstr_line = 0
    current: str | None = None
    for number, line in block:
        text = line.strip()
        if text[0] == '"':  # the most common line: a continuation of the current string
            if current is None:
                raise _SyntaxError(number, "a string without msgid or msgstr before it")
            fields[current].append(_unquote(text, number))
            continue
        if text.startswith("#~"):
            obsolete = True
            text = text[2:].strip()
            if text.startswith("|"):
                text = "#|" + text[1:]
            elif not text:
                continue
        if text.startswith("#|"):
            body = text[2:].strip()
            key, _, rest = body.partition(" ")
            if key.startswith('"'):
                if current is None or not current.startswith("previous_"):
                    raise _SyntaxError(number, "a continuation line without a keyword")
                fields[current].append(_unquote(body, number))
            else:
                current = f"previous_{key}"
                fields[current] = [_unquote(rest, number)]
            continue
        if text.startswith("#."):
            extracted.append(text[2:].removeprefix(" "))
        elif text.startswith("#:"):
            references += text[2:].split()
        elif text.startswith("#,"):
            flags += [f.strip() for f in text[2:].split(",") if f.strip()]
        elif text.startswith("#"):
            comments.append(text[1:].removeprefix(" "))
        elif text.startswith('"'):
            if current is None:
                raise _SyntaxError(number, "a string without msgid or msgstr before it")
            fields[current].append(_unquote(text, number))
        else:
            key, _, rest = text.partition(" ")
            if key not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not key.startswith(
                "msgstr["
            ):
                raise _SyntaxError(number, f"unknown keyword {key!r}")
            if key in fields:
                raise _SyntaxError(number, f"{key} given twice in one entry")
            current = key
            fields[key] = [_unquote(rest, number)]
            if key.startswith("msgstr") and not msgstr_line:
                msgstr_line = number
    if "msgid" not in fields:
        raise _SyntaxError(block[0][0], "an entry without msgid")
    if "msgstr" not in fields and "msgstr[0]" not in fields:
        raise _SyntaxError(block[-1][0], "an entry without msgstr")
    if ("msgid_plural" in fields) != ("msgstr[0]" in fields) or (
        "msgstr" in fields and "msgid_plural" in fields
    ):
        raise _SyntaxError(
            block[0][0], "msgstr[0], msgstr[1]... go with msgid_plural, and plain msgstr without it"
        )

    def get(name: str) -> str | None:
        return "".join(fields[name]) if name in fields else None

    plurals = tuple(
        "".join(fields[f"msgstr[{n}]"]) for n in range(len(fields)) if f"msgstr[{n}]" in fields
    )
    return Entry(
        msgid=get("msgid") or "",
        msgstr=get("msgstr") or "",
        msgctxt=get("msgctxt"),
        flags=tuple(flags),
        references=tuple(references),
        extracted=tuple(extracted),
        comments=tuple(comments),
        previous_msgctxt=get("previous_msgctxt"),
        previous_msgid=get("previous_msgid"),
        obsolete=obsolete,
        msgid_plural=get("msgid_plural"),
        msgstr_plural=plurals,
        line=block[0][0],
        msgstr_line=msgstr_line or block[0][0],
    )


def read_po(text: str, path: str, problems: Problems) -> Catalogue | None:
    """Parse ``.po`` text; report syntax errors and duplicates as located problems."""
    entries: list[Entry] = []
    header: Entry | None = None
    ok = True
    seen: dict[tuple[bool, str | None, str], int] = {}
    for _start, block in _entries(text.lstrip("\ufeff").split("\n")):
        if all(
            line.strip().startswith("#") and not line.strip().startswith("#~") for _n, line in block
        ):
            continue  # comment-only block
        try:
            entry = _parse_entry(block)
        except _SyntaxError as exc:
            problems.error(Location(path, exc.line), "po-syntax", f"invalid .po file: {exc}")
            ok = False
            continue
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            if header is not None:
                problems.error(
                    Location(path, entry.line), "po-duplicate", 'a second header entry (msgid "")'
                )
                ok = False
            header = entry
            continue
        key = (entry.obsolete, entry.msgctxt, entry.msgid)
        if key in seen:
            problems.error(
                Location(path, entry.line),
                "po-duplicate",
                f"duplicate message (first on line {seen[key]}): {entry.msgid[:50]!r}",
            )
            ok = False
            continue
        seen[key] = entry.line
        entries.append(entry)
    if not ok:
        return None
    if header is None:
        return Catalogue(header=(), entries=tuple(entries))
    return Catalogue(
        header=parse_header(header.msgstr),
        entries=tuple(entries),
        header_comments=header.comments,
        header_flags=header.flags,
        header_line=header.line,
    )
