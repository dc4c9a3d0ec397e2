"""The ``locales/`` folder: where templates and catalogues live, reading and saving them.

``locales/<course>.pot`` and ``locales/ui.pot`` are the templates; a language's catalogues are
``locales/<ll>/LC_MESSAGES/<course>.po`` and ``.../ui.po``, with the language in gettext's form
(``zh_Hans`` for the BCP 47 ``zh-Hans`` a course names). Saving is atomic and skipped when the text
would not change, so a command run twice leaves files and their dates alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from gettext import NullTranslations
from pathlib import Path

from babel.messages.plurals import get_plural
from markupsafe import escape

from packager import __version__, languages
from packager.diagnostics import Location, Problems, display_path
from packager.i18n.catalogue import Catalogue
from packager.i18n.checks import check_catalogue
from packager.i18n.glossary import check_glossary, load_glossary
from packager.i18n.pofile import read_po, write_po
from packager.i18n.translate import Translation
from packager.output import write_file
from packager.source.files import read_text
from packager.source.model import TranslationCredit

UI_DOMAIN = "ui"


def gettext_code(tag: str) -> str:
    """``zh-Hans`` -> ``zh_Hans``: the folder name gettext tools expect."""
    return tag.replace("-", "_")


def bcp47(code: str) -> str:
    """``zh_Hans`` -> ``zh-Hans``: the tag HTML and course.yaml use."""
    return code.replace("_", "-")


def template_path(project: Path, domain: str) -> Path:
    return project / "locales" / f"{domain}.pot"


def catalogue_path(project: Path, lang: str, domain: str) -> Path:
    return project / "locales" / gettext_code(lang) / "LC_MESSAGES" / f"{domain}.po"


def catalogue_files(project: Path, domain: str) -> list[Path]:
    """Every catalogue of ``domain`` in ``locales/``, whatever its language folder is called."""
    folder = project / "locales"
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po"))


def catalogue_languages(project: Path, domain: str) -> list[str]:
    """BCP 47 tags of the languages that have a catalogue for ``domain``."""
    return sorted(bcp47(p.parent.parent.name) for p in catalogue_files(project, domain))


def load(path: Path, project: Path, problems: Problems) -> Catalogue | None:
    """Read a ``.po``/``.pot`` file; None (with problems reported) when it is unusable."""
    shown = display_path(path, project)
    text = read_text(path, shown, problems)
    return read_po(text, shown, problems) if text is not None else None


def save(path: Path, catalogue: Catalogue) -> bool:
    """Write ``catalogue`` unless the file already holds exactly this text; True if written."""
    text = write_po(catalogue)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_file(path, text.encode("utf-8"))
    return True


#: The Plural-Forms that GNU msginit, Poedit and Weblate write for common languages; Babel's CLDR
#: rules (French with a third form for millions) are used for the others.
_GETTEXT_PLURALS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "de": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "pt-BR": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh": "nplurals=1; plural=0;",
}


def plural_forms(lang: str) -> str:
    """The Plural-Forms header for ``lang``: gettext's usual one, else Babel's."""
    for tag in languages.fallback_chain(bcp47(lang)):
        if tag in _GETTEXT_PLURALS:
            return _GETTEXT_PLURALS[tag]
    return _babel_plural_forms(lang)


def _babel_plural_forms(lang: str) -> str:
    locale = languages.locale_for(lang)
    nplurals, expr = get_plural(locale or "en")
    return f"nplurals={nplurals}; plural={expr};"


def _nplurals(forms: str) -> str:
    match = re.search(r"nplurals\s*=\s*(\d+)", forms)
    return match.group(1) if match else ""


def new_catalogue(template: Catalogue, lang: str, revision: str) -> Catalogue:
    """A fresh catalogue for ``lang`` from ``template``: a complete header, never fuzzy."""
    locale = languages.locale_for(lang)
    team = locale.get_display_name("en") if locale is not None else lang
    header = (
        ("Project-Id-Version", template.header_value("Project-Id-Version") or ""),
        ("Report-Msgid-Bugs-To", template.header_value("Report-Msgid-Bugs-To") or ""),
        ("POT-Creation-Date", template.header_value("POT-Creation-Date") or revision),
        ("PO-Revision-Date", revision),
        ("Last-Translator", ""),
        ("Language-Team", team or lang),
        ("Language", gettext_code(lang)),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", plural_forms(lang)),
        ("X-Generator", f"packager {__version__.split('+')[0]}"),
    )
    return Catalogue(
        header=header,
        entries=template.entries,
        header_comments=(
            f"{team} translation of {template.header_value('Project-Id-Version')}.",
            *template.header_comments[1:],
        ),
    )


def check_header(catalogue: Catalogue, lang: str, path: str, problems: Problems) -> None:
    """Problems in a catalogue's header that would make tools skip or misread it."""
    where = Location(path, catalogue.header_line or 1)
    if "fuzzy" in catalogue.header_flags:
        problems.error(
            where,
            "po-fuzzy-header",
            "the header is marked fuzzy, so gettext tools would ignore the whole catalogue; remove '#, fuzzy'",
        )
    declared = catalogue.header_value("Language")
    if declared and bcp47(declared) != lang and gettext_code(declared) != gettext_code(lang):
        problems.error(
            where,
            "po-language",
            f"the header says Language: {declared}, but the file is for {lang}",
        )
    charset = (catalogue.header_value("Content-Type") or "").lower()
    if charset and "charset=utf-8" not in charset.replace(" ", ""):
        problems.error(
            where,
            "po-charset",
            f"the catalogue must be UTF-8 (Content-Type: {catalogue.header_value('Content-Type')})",
        )
    forms = catalogue.header_value("Plural-Forms")
    accepted = {_nplurals(plural_forms(lang)), _nplurals(_babel_plural_forms(lang))}
    if forms is not None and _nplurals(forms) not in accepted:
        problems.warning(
            where,
            "po-plural-forms",
            f"Plural-Forms should be '{plural_forms(lang)}' for {lang}, not '{forms}'",
        )


_EMAIL = re.compile(r"\s*<[^>]*>")
_CREDIT_LINE = re.compile(r"^(?P<name>[^<#,][^<,]*?)\s*<[^>]*>,\s*\d{4}")


def _names(catalogue: Catalogue) -> tuple[str, ...]:
    """Translators named in the header, without their e-mail addresses."""
    names: list[str] = []
    for line in catalogue.header_comments:
        match = _CREDIT_LINE.match(line.strip())
        if match:
            names.append(match.group("name").strip())
    last = _EMAIL.sub("", catalogue.header_value("Last-Translator") or "").strip()
    if last and last != "FULL NAME":
        names.append(last)
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class LanguageCatalogue:
    """A language's usable translations of one domain, through its fallback chain.

    ``path`` is the main catalogue's path as shown in messages; ``credit`` who translated it.
    """

    lang: str
    path: str
    lookup: Mapping[tuple[str | None, str], Translation]
    credit: TranslationCredit | None


def language_catalogue(
    project: Path,
    domain: str,
    lang: str,
    problems: Problems,
    *,
    allow_fuzzy: bool = False,
    only: frozenset[tuple[str | None, str]] | None = None,
) -> LanguageCatalogue | None:
    """The translations of ``domain`` into ``lang`` (``pt-BR`` also reads ``pt``); None if none.

    ``only``: check only these entries' translations (a language a build does not render needs
    its title alone, and checking every translation is most of the cost of reading one).
    """
    lookup: dict[tuple[str | None, str], Translation] = {}
    credit: TranslationCredit | None = None
    main = ""
    for tag in reversed(languages.fallback_chain(lang)):
        path = catalogue_path(project, tag, domain)
        if not path.is_file():
            continue
        shown = display_path(path, project)
        catalogue = load(path, project, problems)
        if catalogue is None:
            continue
        check_header(catalogue, tag, shown, problems)
        checked = catalogue
        if only is not None:
            checked = replace(
                catalogue, entries=tuple(e for e in catalogue.entries if e.key in only)
            )
        check_catalogue(checked, shown, problems, markdown=domain != UI_DOMAIN)
        glossary = None
        if only is None:  # every translation is checked: the glossary's terms too
            glossary = load_glossary(project, problems) if domain != UI_DOMAIN else None
            if glossary is not None:
                check_glossary(catalogue, tag, shown, glossary, problems)
        main = shown
        for entry in catalogue.active:
            if entry.msgstr and (allow_fuzzy or not entry.fuzzy) and entry.msgid_plural is None:
                missed = (
                    glossary.misses(tag, entry.msgid, entry.msgstr)
                    if allow_fuzzy and glossary is not None  # a translator's preview
                    else []
                )
                lookup[entry.key] = Translation(
                    entry.msgstr,
                    Location(shown, entry.msgstr_line or entry.line),
                    entry.fuzzy,
                    "; ".join(glossary.message(t, f) for t, f in missed) if glossary else "",
                )
        names = _names(catalogue)
        team = _EMAIL.sub("", catalogue.header_value("Language-Team") or "").strip() or None
        if names or team:
            credit = TranslationCredit(lang, names, team)
    if not main:
        return None
    return LanguageCatalogue(lang, main, lookup, credit)


@dataclass(frozen=True)
class UiCatalogue:
    """Interface translations for one language, hashable so template environments can be cached."""

    lang: str
    items: tuple[tuple[str, str], ...] = ()

    def translations(self, html: bool = False) -> NullTranslations:
        """Translations of interface strings, as plain text or (``html``) escaped for HTML.

        Jinja's autoescaping trusts whatever gettext returns as markup, so the templates get the
        escaped kind: a translator's ``<script>`` shows as text, never runs.
        """
        return _DictTranslations(dict(self.items), html)


class _DictTranslations(NullTranslations):
    """The standard library's NullTranslations on purpose: Jinja prefers a ``ugettext`` method
    where one exists, and Babel's class has one that never looks at the catalogue."""

    def __init__(self, items: dict[str, str], html: bool) -> None:
        super().__init__()
        self._items = items
        self._html = html

    def gettext(self, message: str) -> str:
        text = self._items.get(message, message)
        if not _formats_like(text, message):
            text = message  # a translation that would break formatting falls back
        return str(escape(text)) if self._html else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_PLACEHOLDER_NAME = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)")


def _formats_like(text: str, source: str) -> bool:
    """Whether ``text`` takes ``%`` formatting with the source's placeholders (as Jinja does)."""
    names = dict.fromkeys(_PLACEHOLDER_NAME.findall(source), "")
    try:
        text % names
    except (ValueError, TypeError, KeyError):
        return False
    return True


def ui_catalogue(
    project: Path, lang: str, problems: Problems, *, allow_fuzzy: bool = False
) -> UiCatalogue:
    found = language_catalogue(project, UI_DOMAIN, lang, problems, allow_fuzzy=allow_fuzzy)
    if found is None:
        return UiCatalogue(lang)
    return UiCatalogue(
        lang,
        tuple(sorted((msgid, t.text) for (ctx, msgid), t in found.lookup.items() if ctx is None)),
    )


def interface_counts(project: Path, lang: str) -> tuple[int, int, int] | None:
    """``(translated, fuzzy, total)`` messages of ``lang``'s interface catalogue; None if none.

    Read on its own (problems are reported where the catalogue is used): the figures feed
    ``stats`` and the warning that a published language's interface is not translated.
    """
    path = catalogue_path(project, lang, UI_DOMAIN)
    catalogue = load(path, project, Problems()) if path.is_file() else None
    if catalogue is None:
        return None
    entries = catalogue.active
    translated = sum(1 for e in entries if e.translated)
    fuzzy = sum(1 for e in entries if e.fuzzy and (e.msgstr or any(e.msgstr_plural)))
    return translated, fuzzy, len(entries)


def interface_share(project: Path, lang: str) -> float:
    """How much of ``lang``'s interface is translated, for the catalogue page (0: none)."""
    counts = interface_counts(project, lang)
    if counts is None:
        return 0.0
    translated, _fuzzy, total = counts
    return translated / total if total else 1.0
