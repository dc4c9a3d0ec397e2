"""The translators' commands: ``extract``, ``init``, ``update``; each reads and writes ``locales/``.

These are the only functions besides the build that write files; they write catalogues
atomically and only when their text changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packager import languages
from packager.diagnostics import Location, Problems, display_path
from packager.i18n.catalogue import Catalogue
from packager.i18n.extract import course_template, now_stamp, ui_template
from packager.i18n.locales import (
    UI_DOMAIN,
    catalogue_languages,
    catalogue_path,
    check_header,
    load,
    new_catalogue,
    save,
    template_path,
)
from packager.i18n.memory import Memory, MemoryReport, fill, needs_memory, project_memory
from packager.i18n.merge import MergeReport, merge
from packager.resources import builtin_templates
from packager.source.model import Course


@dataclass(frozen=True)
class Written:
    """A catalogue or template a command wrote (``changed`` False: already up to date)."""

    path: Path
    changed: bool
    report: MergeReport | None = None
    catalogue: Catalogue | None = None
    memory: MemoryReport | None = None
    drafted: int = 0


def ui_template_dirs(project: Path, courses: list[Course]) -> list[Path]:
    folders = [builtin_templates(), project / "templates", *(c.root / "templates" for c in courses)]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def _previous(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # a missing or broken old template is simply replaced


def extract(project: Path, courses: list[Course]) -> list[Written]:
    """Write ``locales/<course>.pot`` for each course and ``locales/ui.pot``."""
    written = []
    for course in courses:
        path = template_path(project, course.id)
        template = course_template(course, _previous(path))
        written.append(Written(path, save(path, template), catalogue=template))
    path = template_path(project, UI_DOMAIN)
    template = ui_template(ui_template_dirs(project, courses), _previous(path))
    written.append(Written(path, save(path, template), catalogue=template))
    return written


def init(
    project: Path,
    course: Course,
    lang: str,
    problems: Problems,
    memories: dict[str, Memory] | None = None,
) -> list[Written]:
    """New catalogues for ``lang``: the course's and, if missing, the interface's.

    The course's is filled from the translation memory (:mod:`packager.i18n.memory`): the
    project's other catalogues in ``lang``, then ``memories[lang]`` (the ``--memory`` files).
    """
    if not languages.is_known(lang):
        problems.error(
            Location("locales"),
            "invalid-language",
            f"unknown language code {lang!r} (use BCP 47, like 'fr' or 'zh-Hans')",
        )
        return []
    lang = languages.canonical(lang)
    if lang == course.language:
        problems.error(
            Location(f"courses/{course.id}/course.yaml"),
            "init-source",
            f"{lang!r} is the course's own language",
        )
        return []
    extract(project, [course])
    written = []
    for domain in (course.id, UI_DOMAIN):
        path = catalogue_path(project, lang, domain)
        if path.exists():
            if domain == course.id:
                problems.error(
                    Location(display_path(path, project)),
                    "init-exists",
                    "the catalogue exists already; use 'packager update' to refresh it",
                )
            continue
        template = load(template_path(project, domain), project, problems)
        if template is None:
            continue
        catalogue = new_catalogue(template, lang, now_stamp())
        used = None
        if domain != UI_DOMAIN:
            catalogue, used = _remember(project, lang, domain, catalogue, memories, problems)
        written.append(Written(path, save(path, catalogue), memory=used or None))
    if lang not in course.languages:
        problems.warning(*_not_listed(project, course, lang))
    return written


def _not_listed(project: Path, course: Course, lang: str) -> tuple[Location, str, str]:
    """The warning that ``lang`` is not published yet: at the ``languages`` line, saying what
    to write there (init leaves course.yaml to its author, comments and all)."""
    from packager.source.yamlsource import parse_yaml

    path = course.root / "course.yaml"
    shown = display_path(path, project)
    wanted = "[" + ", ".join((*course.languages, lang)) + "]"
    try:
        node = parse_yaml(path.read_text(encoding="utf-8"), shown, Problems())
    except (OSError, UnicodeDecodeError):
        node = None  # it was read a moment ago; at worst the warning points at the file
    key = next((k for k, _v in node.pairs if k.text == "languages"), None) if node else None
    if key is not None:
        message = f"add {lang!r} to 'languages' to publish it: languages: {wanted}"
        return key.location, "language-not-listed", message
    after = next((k for k, _v in node.pairs if k.text == "language"), None) if node else None
    message = f"add the line 'languages: {wanted}' to course.yaml to publish {lang!r}"
    return (after.location if after else Location(shown)), "language-not-listed", message


def _remember(
    project: Path,
    lang: str,
    domain: str,
    catalogue: Catalogue,
    memories: dict[str, Memory] | None,
    problems: Problems,
) -> tuple[Catalogue, MemoryReport]:
    """``catalogue`` filled from the project's memory in ``lang``, then the given files'."""
    if not needs_memory(catalogue):
        return catalogue, MemoryReport()
    memory = project_memory(project, lang, domain, problems) + (memories or {}).get(lang, Memory())
    return fill(catalogue, memory)


def _draft(
    catalogue: Catalogue, source: str, lang: str, path: Path, project: Path, problems: Problems
) -> tuple[Catalogue, int]:
    """``catalogue`` with its empty messages drafted by Apertium; a missing pair is an error at
    the catalogue that says which pairs there are."""
    from packager.i18n.draft import DraftError, draft, mode

    try:
        return draft(catalogue, mode(source, lang))
    except DraftError as exc:
        problems.error(Location(display_path(path, project)), "draft-pair", str(exc))
        return catalogue, 0


def update(
    project: Path,
    courses: list[Course],
    problems: Problems,
    memories: dict[str, Memory] | None = None,
    draft: str | None = None,
) -> list[Written]:
    """Refresh the templates, then merge them into every catalogue of ``courses`` and the UI;
    a course's messages left untranslated are looked up in the translation memory, then, with
    ``draft`` (``apertium``), drafted by that engine as fuzzy (:mod:`packager.i18n.draft`)."""
    source_of = {c.id: c.language for c in courses}
    templates = {w.path: w.catalogue for w in extract(project, courses)}
    written = []
    for domain in [c.id for c in courses] + [UI_DOMAIN]:
        template = templates.get(template_path(project, domain))
        if template is None:
            continue
        for lang in catalogue_languages(project, domain):
            path = catalogue_path(project, lang, domain)
            catalogue = load(path, project, problems)
            if catalogue is None:
                continue
            check_header(catalogue, lang, display_path(path, project), problems)
            merged, report = merge(template, catalogue)
            used, drafted = None, 0
            if domain != UI_DOMAIN:
                merged, used = _remember(project, lang, domain, merged, memories, problems)
                if draft:
                    merged, drafted = _draft(
                        merged, source_of[domain], lang, path, project, problems
                    )
            written.append(
                Written(path, save(path, merged), report, memory=used or None, drafted=drafted)
            )
    return written


def export_memory(
    project: Path, courses: list[Course], output: Path, problems: Problems
) -> list[Written]:
    """Write ``output``: a TMX of the courses' translated messages in every language.

    The source language is the first course's; a course in another language is reported and
    left out (a TMX file has one source language).
    """
    from packager.i18n.tmx import write_tmx
    from packager.output import write_file

    if not courses:
        return []
    source = courses[0].language
    pairs: list[tuple[str, Catalogue]] = []
    for course in courses:
        if course.language != source:
            problems.warning(
                Location(f"courses/{course.id}/course.yaml"),
                "memory-language",
                f"left out of the memory: written in {course.language!r}, not {source!r}",
            )
            continue
        for lang in catalogue_languages(project, course.id):
            catalogue = load(catalogue_path(project, lang, course.id), project, problems)
            if catalogue is not None:
                pairs.append((lang, catalogue))
    data = write_tmx(source, pairs)
    changed = not output.is_file() or output.read_bytes() != data
    if changed:
        write_file(output, data)
    return [Written(output, changed)]
