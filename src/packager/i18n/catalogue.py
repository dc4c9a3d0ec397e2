"""Gettext catalogues as frozen values: entries, headers, and lookups.

Reading and writing the ``.po`` text is :mod:`packager.i18n.pofile`; merging a template into a
catalogue is :mod:`packager.i18n.merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Entry:
    """One catalogue entry. ``line`` is where it starts in the file it was read from (0: new).

    ``comments`` are the translator's ``#`` comments, ``extracted`` the ``#.`` comments written by
    extraction, ``previous_msgid`` the ``#|`` text a fuzzy entry was matched from.
    """

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    extracted: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    obsolete: bool = False
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    msgstr_line: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Translated and not fuzzy."""
        if self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)

    def with_flag(self, flag: str, on: bool = True) -> Entry:
        flags = tuple(f for f in self.flags if f != flag)
        if on:
            flags = (flag, *flags) if flag == "fuzzy" else (*flags, flag)
        return replace(self, flags=flags)


@dataclass(frozen=True)
class Catalogue:
    """A header (``msgid ""``) and entries in file order."""

    header: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...]
    header_comments: tuple[str, ...] = ()
    header_flags: tuple[str, ...] = ()
    header_line: int = field(default=0, compare=False)

    def header_value(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def with_header(self, name: str, value: str) -> Catalogue:
        """The catalogue with header field ``name`` set (kept in place, or appended)."""
        fields = list(self.header)
        for i, (key, _old) in enumerate(fields):
            if key.lower() == name.lower():
                fields[i] = (key, value)
                break
        else:
            fields.append((name, value))
        return replace(self, header=tuple(fields))

    @property
    def active(self) -> tuple[Entry, ...]:
        """Entries that are not obsolete."""
        return tuple(e for e in self.entries if not e.obsolete)

    def lookup(self, allow_fuzzy: bool = False) -> dict[tuple[str | None, str], str]:
        """``(msgctxt, msgid) -> msgstr`` for the entries that may be used."""
        return {
            e.key: e.msgstr
            for e in self.active
            if e.msgstr and (not e.fuzzy or allow_fuzzy) and e.msgid_plural is None
        }


def header_text(fields: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields)


def parse_header(text: str) -> tuple[tuple[str, str], ...]:
    fields = []
    for line in text.split("\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            fields.append((key.strip(), value.strip()))
    return tuple(fields)
