"""The project's glossary: the agreed translation of each term, and the terms kept as they are.

A glossary is ``locales/glossary.tbx`` (TBX, read with the Translate Toolkit) or
``locales/glossary.csv`` (kept in a spreadsheet): one term per row, the ``term`` column in the
courses' language, one column per language (BCP 47) with its agreed translation, alternatives
separated by ``|`` (``licence ouverte | licences ouvertes``), and an optional ``keep`` column
(``yes``: the term stays as it is in every language, like a name). In TBX, each ``termEntry``
lists its terms per ``langSet``; the first (or the one in the file's ``xml:lang``) is the term.

A translated message whose source holds a term (whole words, any case, a plural ``s`` allowed)
and whose translation holds none of the agreed forms gets ``warning[glossary]`` at its ``.po``
line. A blank cell agrees on nothing for that language, and nothing is checked.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

from packager import languages
from packager.diagnostics import Diagnostic, Location, Problems, display_path
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.merge import normalise

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_YES = ("yes", "y", "true", "1", "x")


@dataclass(frozen=True)
class Term:
    """One glossary row: the term, its agreed forms by language, and where it is written."""

    term: str
    forms: tuple[tuple[str, tuple[str, ...]], ...]
    keep: bool
    line: int

    def agreed(self, lang: str) -> tuple[str, ...]:
        """The forms a translation into ``lang`` must use one of (none: nothing agreed)."""
        if self.keep:
            return (self.term,)
        found = dict(self.forms)
        for tag in languages.fallback_chain(lang):
            if found.get(tag):
                return found[tag]
        return ()

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in self.term.split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Glossary:
    path: str
    terms: tuple[Term, ...]

    def misses(
        self, lang: str, source: str, translation: str
    ) -> list[tuple[Term, tuple[str, ...]]]:
        """The terms ``source`` holds whose agreed forms ``translation`` lacks."""
        source, text = normalise(source), normalise(translation).casefold()
        out = []
        for term in self.terms:
            forms = term.agreed(lang)
            used = any(form.casefold() in text for form in forms)
            if forms and not used and term.pattern.search(source):
                out.append((term, forms))
        return out

    def message(self, term: Term, forms: tuple[str, ...]) -> str:
        where = f"{self.path}:{term.line}"
        if term.keep:
            return f"the glossary ({where}) keeps {term.term!r} as it is; this translation does not"
        agreed = " or ".join(repr(f) for f in forms)
        return f"the glossary ({where}) translates {term.term!r} as {agreed}; this translation does not"


def load_glossary(project: Path, problems: Problems) -> Glossary | None:
    """The project's glossary, or None when it has none; a broken one is warned about."""
    for name in ("glossary.tbx", "glossary.csv"):
        path = project / "locales" / name
        if path.is_file():
            shown = display_path(path, project)
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.warning(Location(shown), "glossary-syntax", f"cannot read: {exc}")
                return None
            glossary, found = _parse(shown, data, name.endswith(".tbx"))
            problems.extend(found)
            return glossary
    return None


@functools.lru_cache(maxsize=8)
def _parse(shown: str, data: bytes, tbx: bool) -> tuple[Glossary | None, tuple[Diagnostic, ...]]:
    """The glossary and its problems, parsed once per text: every language's check reads it."""
    problems = Problems()
    glossary = _read_tbx(shown, data, problems) if tbx else _read_csv(shown, data, problems)
    return glossary, tuple(problems)


def _forms(cell: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in cell.split("|") if f.strip())


def _read_csv(shown: str, data: bytes, problems: Problems) -> Glossary | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.warning(Location(shown), "glossary-syntax", "a CSV glossary must be UTF-8")
        return None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "term" not in [c.strip().lower() for c in rows[0]]:
        problems.warning(
            Location(shown),
            "glossary-syntax",
            "the first row must name the columns: term, then one language code per column "
            "(and keep, note if wanted)",
        )
        return None
    header = [c.strip() for c in rows[0]]
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        if name.lower() in ("term", "keep", "note", "notes", "comment"):
            continue
        if not languages.is_known(name):
            problems.warning(
                Location(shown, 1),
                "glossary-syntax",
                f"unknown language code {name!r} in the first row (use BCP 47, like 'fr')",
            )
            continue
        columns[index] = languages.canonical(name)
    lower = [h.lower() for h in header]
    term_at, keep_at = lower.index("term"), lower.index("keep") if "keep" in lower else -1
    terms = []
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        term = cells[term_at].strip()
        if not term:
            continue
        forms = tuple((lang, _forms(cells[i])) for i, lang in columns.items() if _forms(cells[i]))
        keep = keep_at >= 0 and cells[keep_at].strip().lower() in _YES
        terms.append(Term(term, forms, keep, number))
    return Glossary(shown, tuple(terms))


def _read_tbx(shown: str, data: bytes, problems: Problems) -> Glossary | None:
    from translate.storage.tbx import tbxfile

    try:
        store = tbxfile(data)
    except Exception as exc:  # the toolkit raises lxml's and its own errors alike
        problems.warning(Location(shown), "glossary-syntax", f"invalid TBX file: {exc}")
        return None
    source = str(store.document.getroot().get(_XML_LANG) or "")
    terms = []
    for unit in store.units:
        sets: list[tuple[str, tuple[str, ...]]] = []
        for node in unit.getlanguageNodes():
            lang = str(node.get(_XML_LANG) or node.get("lang") or "")
            found = tuple(
                (t.text or "").strip()
                for t in node.iter()
                if isinstance(t.tag, str) and t.tag.rsplit("}", 1)[-1] == "term" and t.text
            )
            if found:
                sets.append((lang, found))
        if not sets:
            continue
        own = next((s for s in sets if s[0] == source), sets[0])
        forms = tuple(
            (languages.canonical(lang), found)
            for lang, found in sets
            if (lang, found) != own and languages.is_known(lang)
        )
        line = unit.xmlelement.sourceline or 1
        terms.append(Term(own[1][0], forms, False, line))
    return Glossary(shown, tuple(terms))


def check_glossary(
    catalogue: Catalogue, lang: str, path: str, glossary: Glossary, problems: Problems
) -> int:
    """Warn at each translated message that lacks an agreed term; the number of such messages."""
    count = 0
    for entry in catalogue.active:
        if _misses(entry, lang, glossary, problems, path):
            count += 1
    return count


def _misses(entry: Entry, lang: str, glossary: Glossary, problems: Problems, path: str) -> bool:
    if not entry.translated or entry.msgid_plural is not None:
        return False
    missed = glossary.misses(lang, entry.msgid, entry.msgstr)
    for term, forms in missed:
        where = Location(path, entry.msgstr_line or entry.line)
        problems.warning(where, "glossary", glossary.message(term, forms))
    return bool(missed)
