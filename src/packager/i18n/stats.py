"""``packager stats``: how far each translation is, by messages and by words, per page.

Counts come from the course's current messages (what a build would look up), so a catalogue
that was not updated after the course changed shows as less complete, as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packager.diagnostics import Problems
from packager.i18n.catalogue import Catalogue
from packager.i18n.glossary import load_glossary
from packager.i18n.locales import UI_DOMAIN, catalogue_languages, catalogue_path, load
from packager.i18n.messages import course_messages
from packager.source.model import Course


@dataclass
class Counts:
    """Messages and source words, by state."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words_translated: int = 0
    words_fuzzy: int = 0
    words_untranslated: int = 0

    def add(self, state: str, words: int) -> None:
        setattr(self, state, getattr(self, state) + 1)
        setattr(self, f"words_{state}", getattr(self, f"words_{state}") + words)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def as_dict(self) -> dict[str, int | float]:
        return {
            "messages": self.total,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "words": self.words_translated + self.words_fuzzy + self.words_untranslated,
            "words_translated": self.words_translated,
            "words_fuzzy": self.words_fuzzy,
            "words_untranslated": self.words_untranslated,
            "percent": round(self.percent, 1),
        }


@dataclass
class LanguageStats:
    """``glossary``: translated messages that lack a term the glossary agrees on (None: the
    project has no glossary)."""

    lang: str
    total: Counts = field(default_factory=Counts)
    pages: dict[str, Counts] = field(default_factory=dict)
    glossary: int | None = None
    #: The interface catalogue (``ui.po``, shared by every course): buttons, labels, notices.
    interface: Counts | None = None


def _words(text: str) -> int:
    return len(text.split())


def course_stats(project: Path, course: Course, problems: Problems) -> list[LanguageStats]:
    """Counts for each language that has a catalogue of ``course``."""
    messages = course_messages(course)
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for message in messages:
        if (message.context, message.msgid) not in seen:
            seen.add((message.context, message.msgid))
            unique.append(message)
    page_of = {page.source: page.id for page in course.pages}
    glossary = load_glossary(project, problems)
    out = []
    for lang in catalogue_languages(project, course.id):
        catalogue: Catalogue | None = load(
            catalogue_path(project, lang, course.id), project, problems
        )
        if catalogue is None:
            continue
        entries = {e.key: e for e in catalogue.active}
        stats = LanguageStats(lang, glossary=0 if glossary is not None else None)
        stats.interface = _interface(project, lang)
        for message in unique:
            entry = entries.get((message.context, message.msgid))
            state = "untranslated"
            if entry is not None and entry.msgstr:
                state = "fuzzy" if entry.fuzzy else "translated"
            if glossary is not None and entry is not None and state == "translated":
                stats.glossary = (stats.glossary or 0) + bool(
                    glossary.misses(lang, entry.msgid, entry.msgstr)
                )
            words = _words(message.msgid)
            stats.total.add(state, words)
            page = page_of.get(message.source, "(course)")
            stats.pages.setdefault(page, Counts()).add(state, words)
        out.append(stats)
    return out


def _interface(project: Path, lang: str) -> Counts | None:
    """The interface catalogue's figures (None: it has none); its problems are reported where
    the build uses it."""
    path = catalogue_path(project, lang, UI_DOMAIN)
    catalogue = load(path, project, Problems()) if path.is_file() else None
    if catalogue is None:
        return None
    counts = Counts()
    for entry in catalogue.active:
        done = entry.msgstr or any(entry.msgstr_plural)
        state = "translated" if entry.translated else ("fuzzy" if done else "untranslated")
        counts.add(state, _words(entry.msgid))
    return counts
