"""Reading and writing ``.po`` files, byte for byte the way GNU gettext writes them.

The writer wraps strings as GNU ``msgcat`` does (79 columns, breaks after spaces and hyphens and
between CJK characters, East Asian wide characters counting two), so a catalogue that has been
through Poedit, Weblate or the gettext tools and back shows no re-wrapping noise in a diff. The
reader keeps everything a translator wrote: comments, flags, ``#|`` previous strings, obsolete
``#~`` entries, and each entry's line for error messages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from packager.diagnostics import Location, Problems
from packager.i18n.catalogue import Catalogue, Entry, header_text, parse_header
from packager.i18n.powrap import (
    UNESCAPES,
    WIDTH,
    Breaks,
    escape,
    segments,
    widths,
    wrap_segment,
)


@functools.lru_cache(maxsize=65536)
def format_string(keyword: str, text: str, prefix: str = "") -> tuple[str, ...]:
    """The lines of ``keyword "text"``, wrapped like GNU gettext (cached: a msgid is written
    once per catalogue, the same in every language)."""
    return tuple(_format_string(keyword, text, prefix))


def _format_string(keyword: str, text: str, prefix: str = "") -> list[str]:
    """The lines of ``keyword "text"``, wrapped like GNU gettext."""
    escaped_width = sum(widths(text))
    one_line = len(prefix) + len(keyword) + 2 + escaped_width + 1 <= WIDTH
    if not one_line and "\n" not in text[:-1]:
        # GNU writes a string that cannot be broken anywhere on the first line, however long.
        can_break = Breaks(text)
        one_line = not any(can_break(i) for i in range(1, len(text)))
    if one_line and "\n" not in text[:-1]:
        return [f'{prefix}{keyword} "{escape(text)}"']
    lines = [f'{prefix}{keyword} ""']
    for segment in segments(text):
        lines += [f'{prefix}"{escape(piece)}"' for piece in wrap_segment(segment, len(prefix))]
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
            if nxt in UNESCAPES:
                out.append(UNESCAPES[nxt])
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
        if stripped[0] != "#":  # a keyword or a string: the most common lines
            seen_string = True
            block.append((number, line))
            continue
        obsolete = stripped.startswith("#~")
        is_comment = not stripped.startswith(("#~ msg", '#~ "', "#~msg"))
        if is_comment and seen_string and not obsolete and not stripped.startswith("#|"):
            yield block[0][0], block
            block, seen_string = [], False
        if not is_comment or obsolete:
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
        head = text[:2]
        if head[0] == '"':  # the most common line: a continuation of the current string
            if current is None:
                raise _SyntaxError(number, "a string without msgid or msgstr before it")
            fields[current].append(_unquote(text, number))
            continue
        if head == "#~":
            obsolete = True
            text = text[2:].strip()
            if not text:
                continue
            if text[0] == "|":
                text = "#|" + text[1:]
            head = text[:2]
        if head == "#|":
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
        if head[0] == "#":
            if head == "#.":
                extracted.append(text[2:].removeprefix(" "))
            elif head == "#:":
                references += text[2:].split()
            elif head == "#,":
                flags += [f.strip() for f in text[2:].split(",") if f.strip()]
            else:
                comments.append(text[1:].removeprefix(" "))
        elif head[0] == '"':  # an obsolete entry's continuation (``#~ "..."``)
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
