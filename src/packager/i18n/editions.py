"""Editions: a course in each language it is published in, translated and ready to render.

A language is published when its catalogue exists and at least ``min_translated`` percent of the
course's messages are translated (the author's gate in ``course.yaml``); a language below the gate
gets a warning that says how far it is. The source language is always published.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Protocol

from packager import languages
from packager.diagnostics import Diagnostic, Location, Problems, display_path
from packager.i18n.locales import (
    UiCatalogue,
    bcp47,
    catalogue_files,
    catalogue_path,
    gettext_code,
    interface_counts,
    language_catalogue,
    ui_catalogue,
)
from packager.i18n.messages import Message, course_messages
from packager.i18n.translate import Translation, translate_course, translate_title
from packager.source.model import Course, TranslationCredit


@dataclass(frozen=True)
class Edition:
    """``course`` (translated) in ``lang``; ``translated`` is the share of messages translated."""

    course: Course
    lang: str
    ui: UiCatalogue
    translated: float = 1.0
    preview: bool = False  # fuzzy translations used: pages say so
    #: False for a published language the build was not asked for: only its title is
    #: translated (the catalogue page lists it), and nothing may render it.
    complete: bool = True

    @property
    def source_lang(self) -> str:
        return self.course.language


Key = tuple[str | None, str]


@dataclass(frozen=True)
class MessageKeys:
    """Every message's key (``msgctxt``, ``msgid``) and the course title's: what a language's
    share of translated messages is counted against."""

    keys: frozenset[Key]
    title: Key | None


@dataclass(frozen=True)
class Glimpse:
    """What a build that renders none of a language's outputs needs of it: whether it is
    published (its share), its title for the catalogue page, its translators for the credits,
    and the problems to report."""

    share: float = 0.0
    title: str | None = None  # None: not published (below the gate, or no usable catalogue)
    credit: TranslationCredit | None = None
    problems: tuple[Diagnostic, ...] = ()


class Memo(Protocol):
    """Where ``editions`` may find what it worked out in an earlier build (the engine keeps it
    in the output folder); each method is given the function that works it out again."""

    def keys(self, extract: Callable[[], MessageKeys]) -> MessageKeys: ...

    def glimpse(
        self, lang: str, catalogues: Sequence[Path], look: Callable[[], Glimpse]
    ) -> Glimpse: ...


class NoMemo:
    """Works everything out each time (``check``, tests, library callers)."""

    def keys(self, extract: Callable[[], MessageKeys]) -> MessageKeys:
        return extract()

    def glimpse(
        self, lang: str, catalogues: Sequence[Path], look: Callable[[], Glimpse]
    ) -> Glimpse:
        return look()


def message_keys(messages: Sequence[Message]) -> MessageKeys:
    title = next(
        ((m.context, m.msgid) for m in messages if m.where == "meta" and m.kind == "course title"),
        None,
    )
    return MessageKeys(frozenset((m.context, m.msgid) for m in messages), title)


def editions(
    project: Path,
    course: Course,
    problems: Problems,
    *,
    preview: bool = False,
    wanted: frozenset[str] | None = None,
    memo: Memo | None = None,
) -> list[Edition]:
    """The source edition, then every published translation, in ``languages`` order.

    ``wanted``: the languages whose outputs are to be built (None: all). Every catalogue is
    still read, since whether a language is published shows on every page (the language
    switcher), but only the wanted languages are translated; the others get their title alone
    (a :class:`Glimpse`). ``memo``: where the message keys and the glimpses may come from
    instead of being worked out again. The course's messages are extracted at most once.
    """
    memo = memo or NoMemo()
    messages = functools.cache(lambda: tuple(course_messages(course)))
    keys: MessageKeys | None = None  # worked out only if a translation exists
    found: list[tuple[str, Course, UiCatalogue, float, TranslationCredit | None, bool]] = []
    for lang in course.languages:
        complete = wanted is None or lang in wanted
        if keys is None:
            keys = memo.keys(lambda: message_keys(messages()))
        if not complete:  # not asked for: whether it is published, and its title
            chain = [catalogue_path(project, t, course.id) for t in languages.fallback_chain(lang)]
            glimpse = memo.glimpse(
                lang, chain, functools.partial(_glimpse, project, course, lang, keys, preview)
            )
            problems.extend(glimpse.problems)
            if glimpse.title is not None:  # published; never rendered, so no interface
                edition = replace(course, title=glimpse.title)
                found.append(
                    (lang, edition, UiCatalogue(lang), glimpse.share, glimpse.credit, False)
                )
            continue
        # A language's problems fail the build only if it is published: a draft below the
        # gate may be in any state, and its problems are warnings.
        own = Problems()
        catalogue = language_catalogue(project, course.id, lang, own, allow_fuzzy=preview)
        if catalogue is None:
            # No file, or one no gettext tool can read (syntax, encoding, duplicates): whether
            # the language would be published is unknowable, and the file is broken either way.
            problems.extend(own)
            continue
        _check_stale(catalogue.lookup, keys.keys, course.id, own)
        share = _share(keys, catalogue.lookup)
        if share * 100 < course.min_translated:
            _below(problems, course, lang, catalogue.path, share)
            _downgrade(own, problems)
            continue
        translated = translate_course(course, catalogue.lookup, own, messages())
        refused = {d.location for d in own.errors}
        if refused:
            # The language fails, but what is made of it (report.json's title) must not
            # carry a refused translation: translate again without them (their problems
            # are reported).
            usable = {k: t for k, t in catalogue.lookup.items() if t.location not in refused}
            translated = translate_course(course, usable, Problems(), messages())
        problems.extend(own)
        _check_interface(project, lang, Location(catalogue.path), problems)
        found.append(
            (
                lang,
                translated,
                ui_catalogue(project, lang, problems, allow_fuzzy=preview),
                share,
                catalogue.credit,
                complete,
            )
        )
    for path in catalogue_files(project, course.id):
        folder = path.parent.parent.name
        # Compared in BCP 47's usual case: `locales/zh_hans` would never be found for `zh-Hans`
        # on a case-sensitive file system, so it is named as the folder it must be.
        lang = languages.canonical(bcp47(folder))
        where = Location(display_path(path, project))
        if not languages.is_known(lang):
            problems.error(
                where,
                "invalid-language",
                f"the folder locales/{folder} is not a language code Babel knows",
            )
        elif folder != gettext_code(lang):
            problems.error(
                where,
                "invalid-language",
                f"the folder locales/{folder} must be called {gettext_code(lang)}, as gettext tools expect",
            )
        elif lang not in course.languages and lang != course.language:
            problems.warning(
                where,
                "language-not-listed",
                f"there is a catalogue for {lang!r}, but course.yaml does not list it in 'languages'",
            )
    credits = tuple(credit for *_rest, credit, _complete in found if credit is not None)
    source = Edition(
        replace(course, translations=credits),
        course.language,
        ui_catalogue(project, course.language, problems),
    )
    return [source] + [
        Edition(replace(c, translations=credits), lang, ui, share, preview, complete)
        for lang, c, ui, share, _credit, complete in found
    ]


def _share(keys: MessageKeys, lookup: Mapping[Key, Translation]) -> float:
    """How much of the course a catalogue translates (1.0 for a course with no messages)."""
    return sum(1 for key in keys.keys if key in lookup) / len(keys.keys) if keys.keys else 1.0


def _below(problems: Problems, course: Course, lang: str, path: str, share: float) -> None:
    problems.warning(
        Location(path),
        "below-threshold",
        f"{languages.native_name(lang)} ({lang}) is {share:.0%} translated, below min_translated "
        f"{course.min_translated}% in course.yaml; it is not published",
    )


def _glimpse(project: Path, course: Course, lang: str, keys: MessageKeys, preview: bool) -> Glimpse:
    """A language the build renders nothing of: its catalogue read, only its title checked."""
    own = Problems()
    catalogue = language_catalogue(
        project,
        course.id,
        lang,
        own,
        allow_fuzzy=preview,
        only=frozenset({keys.title} if keys.title else ()),
    )
    if catalogue is None:
        return Glimpse(problems=tuple(own))
    _check_stale(catalogue.lookup, keys.keys, course.id, own)
    share = _share(keys, catalogue.lookup)
    if share * 100 < course.min_translated:
        said = Problems()
        _below(said, course, lang, catalogue.path, share)
        _downgrade(own, said)
        return Glimpse(share, problems=tuple(said))
    refused = {d.location for d in own.errors}  # the catalogue's own checks
    usable = {k: t for k, t in catalogue.lookup.items() if t.location not in refused}
    return Glimpse(share, translate_title(course, keys.title, usable), catalogue.credit)


def _check_interface(
    project: Path, lang: str, course_catalogue: Location, problems: Problems
) -> None:
    """Warn when a published language's interface (buttons, labels, notices) is not translated:
    its pages would show those in English however complete the course's catalogue is."""
    name = f"{languages.native_name(lang)} ({lang})"
    counts = interface_counts(project, lang)
    shown = display_path(catalogue_path(project, lang, "ui"), project)
    if counts is None:
        problems.warning(
            course_catalogue,
            "ui-untranslated",
            f"{name} is published but has no interface catalogue {shown}: buttons and labels "
            f"are shown in English; start it with 'msginit -i locales/ui.pot -l {gettext_code(lang)} -o {shown}'",
        )
        return
    translated, _fuzzy, total = counts
    if translated < total:
        problems.warning(
            Location(shown),
            "ui-untranslated",
            f"{name} is published but {total - translated} of its {total} interface texts are "
            "not translated: the pages show them in English",
        )


def _check_stale(
    lookup: Mapping[tuple[str | None, str], Translation],
    keys: frozenset[tuple[str | None, str]],
    course_id: str,
    problems: Problems,
) -> None:
    """One warning when translations match no text of the course (an older catalogue)."""
    stale = sorted(t.location for key, t in lookup.items() if key not in keys)
    if stale:
        count = "1 translation matches" if len(stale) == 1 else f"{len(stale)} translations match"
        problems.warning(
            stale[0],
            "po-stale",
            f"the catalogue is older than the course: {count} no text of it (the first here); "
            f"run 'packager update {course_id}' to keep them as fuzzy suggestions",
        )


def _downgrade(own: Problems, problems: Problems) -> None:
    """Add ``own`` problems to ``problems`` as warnings."""
    for diagnostic in own:
        problems.warning(diagnostic.location, diagnostic.code, diagnostic.message)


def localized_media(course: Course, lang: str) -> dict[str, str]:
    """``media/x.svg`` -> ``media/x.fr.svg`` where a file for the language exists."""
    files = set(course.media_files)
    out: dict[str, str] = {}
    for name in course.media_files:
        path = PurePosixPath(name)
        for tag in languages.fallback_chain(lang):
            candidate = path.with_name(f"{path.stem}.{tag}{path.suffix}").as_posix()
            if candidate in files:
                out[f"media/{name}"] = f"media/{candidate}"
                break
    return out


def is_language_variant(course: Course, name: str) -> bool:
    """Whether ``media/name`` is another file's version for one language (``x.fr.svg``)."""
    path = PurePosixPath(name)
    stem, _, tag = path.stem.rpartition(".")
    return (
        bool(stem)
        and languages.is_known(tag)
        and f"{PurePosixPath(name).with_name(stem + path.suffix)}" in set(course.media_files)
    )
