"""The work a build does for one course, run inside a worker process (or in-process).

A :class:`CourseJob` loads and checks a course once, translates it into every language, and
renders the outputs whose digest changed; an output of a format slow to render (the PDF) goes
back to the engine as a :class:`RenderJob`, so the slow ones spread over every worker. A worker
keeps what is expensive to make for its whole life: the loaded courses it worked on last (keyed
by their digest), Jinja2 environments, WeasyPrint's fonts and stylesheets (cached in their
modules).

An output's digest covers everything it is made from: the course's files, the templates, the
catalogues of its language (with their fallbacks), which languages are published and who
translated them (the language switcher and credits show them), the options, and the packager.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Problems,
    Severity,
    display_path,
)
from packager.engine.digests import combine, file_digest, files_digest
from packager.engine.options import BuildOptions, fewer_collections
from packager.formats.registry import FORMATS, RenderRequest
from packager.output import write_file, write_tree

if TYPE_CHECKING:
    from packager.i18n.editions import Edition
from packager.engine.results import Known, LanguageFacts, Result, language_of, output_size, stamp


@dataclass(frozen=True)
class CourseJob:
    """Build ``outputs`` ((lang, format) pairs) of one course."""

    options: BuildOptions
    course: str
    base: str  # digest of the course's files (not its templates), the options and the packager
    level: str  # digest of everything the course's outputs are made from
    outputs: tuple[tuple[str, str], ...]
    known: tuple[tuple[tuple[str, str], Known], ...] = ()


@dataclass(frozen=True)
class RenderJob:
    """Render one output of a format that asks for a job of its own (``Format.own_job``)."""

    options: BuildOptions
    course: str
    level: str
    lang: str
    format: str
    digest: str


@dataclass(frozen=True)
class CourseOutcome:
    """A :class:`CourseJob`'s results, its warnings, and the outputs still to render alone."""

    course: str
    results: tuple[Result, ...]
    warnings: tuple[Diagnostic, ...]
    languages: tuple[LanguageFacts, ...]
    later: tuple[RenderJob, ...]


def output_path(course: str, lang: str, fmt: str) -> str:
    """Where an output goes, relative to the output folder."""
    return FORMATS[fmt].path(course, lang)


@functools.lru_cache(maxsize=2)
def _editions(
    options: BuildOptions, course_id: str, level: str
) -> tuple[tuple[Edition, ...], Problems]:
    """The course loaded, checked and translated; the last two stay cached in each worker.

    ``level`` is the digest of all the course's inputs: any change to them is a new key.
    """
    from packager.engine.memo import FileMemo
    from packager.i18n.editions import editions
    from packager.source.loader import load_project

    memo = FileMemo(options.out, options.project, course_id, options.preview)  # digests first
    problems = Problems()
    with fewer_collections():
        try:
            loaded = load_project(options.project, [course_id], problems)
        except InputError as exc:
            problems.items.extend(d for d in exc.diagnostics if d not in problems.items)
            return (), problems
        if not loaded or problems.fails(options.strict):
            return (), problems
        course = loaded[0]
        wanted = None
        if options.langs or options.shard != (1, 1):  # only some languages are to be built
            from packager.engine.plan import in_shard

            wanted = frozenset(
                lang
                for lang in (course.language, *course.languages)
                if (not options.langs or lang in options.langs)
                and in_shard(course_id, lang, options.shard)
            )
        found = editions(
            options.project,
            course,
            problems,
            preview=options.preview,
            wanted=wanted,
            memo=memo,
        )
    return tuple(found), problems


def forget() -> None:
    """Drop what this process cached in earlier builds: the loaded courses, the template
    environments (Jinja2 does not re-read an edited template), whatever a format module keeps
    (its ``forget``). A worker lives for one build; a process that builds again (``serve``,
    library callers) starts here."""
    import sys

    _editions.cache_clear()
    templates = sys.modules.get("packager.render.templates")
    if templates is not None:
        templates.environment.cache_clear()
    for fmt in FORMATS.values():
        module = sys.modules.get(fmt.module)
        if module is not None and hasattr(module, "forget"):
            module.forget()


def _failing(problems: Problems, strict: bool) -> list[Diagnostic]:
    return [d for d in problems if d.severity is Severity.ERROR or strict]


def _catalogues_digest(job: CourseJob, lang: str) -> str:
    """The catalogues one language reads beyond the course's own files: its own and its
    fallbacks', the course's and the interface's."""
    from packager.i18n.locales import UI_DOMAIN, catalogue_path
    from packager.languages import fallback_chain

    project = job.options.project
    catalogues = [
        catalogue_path(project, tag, domain)
        for tag in fallback_chain(lang)
        for domain in (job.course, UI_DOMAIN)
    ]
    return files_digest(project, catalogues)


def _input_digests(
    job: CourseJob, outputs: tuple[tuple[str, str], ...]
) -> dict[tuple[str, str], str]:
    """Per output, the files it reads beyond the course's own: its language's catalogues and
    its format's templates, each digested once. Taken before the course is loaded, so a file
    saved during the build makes the next build rebuild."""
    course_root = job.options.project / "courses" / job.course
    langs = {lang: _catalogues_digest(job, lang) for lang in {lang for lang, _fmt in outputs}}
    formats = {
        fmt: _templates_digest(job.options.project, course_root, fmt)
        for fmt in {fmt for _lang, fmt in outputs}
    }
    return {(lang, fmt): combine(lang, fmt, langs[lang], formats[fmt]) for lang, fmt in outputs}


def _templates_digest(project: Path, course_root: Path, fmt: str) -> str:
    """The templates and static files an output of format ``fmt`` is made from, and whatever
    else its format says shapes its bytes (for a PDF, the fonts and WeasyPrint's version)."""
    from packager.render.templates import search_path, template_files

    module = FORMATS[fmt].implementation()
    folders = search_path(project, course_root)
    files = template_files(folders, module.TEMPLATES, module.STATICS)
    extra = module.extra_inputs()
    return combine([(_shown(p, project), file_digest(p)) for p in files], extra)


def _shown(path: Path, project: Path) -> str:
    """A path without the machine's folders in it: digests must not change when a project moves."""
    from packager.resources import builtin_templates

    for root, prefix in ((project, ""), (builtin_templates(), "packager:")):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return path.as_posix()


def run_course(job: CourseJob) -> CourseOutcome:
    """Check the course, then render what changed (slow formats are handed back as jobs)."""
    options = job.options
    inputs = _input_digests(job, tuple(o for o in job.outputs if o[0]))
    found, problems = _editions(options, job.course, job.level)
    failing = _failing(problems, options.strict)
    source = found[0].course if found else None
    listed = {source.language, *source.languages} if source is not None else set()
    # A problem in a language's catalogue fails that language's outputs; any other (the course's
    # own files, a catalogue for a language the course does not list), the whole course.
    general = [d for d in failing if language_of(d) not in listed]
    warnings = tuple(d for d in problems if d.severity is Severity.WARNING)
    if not found or general:
        errors = tuple(general or failing) or (
            Diagnostic(
                Location(f"courses/{job.course}"),
                Severity.ERROR,
                "not-built",
                "the course could not be loaded",
            ),
        )
        failed = tuple(
            Result(job.course, lang, fmt, "failed", errors=errors) for lang, fmt in job.outputs
        )
        return CourseOutcome(job.course, failed, warnings, (), ())
    outputs = job.outputs
    if any(not lang for lang, _fmt in outputs):  # the planner could not read the languages
        from packager.engine.plan import in_shard

        formats = tuple(dict.fromkeys(fmt for _lang, fmt in outputs))
        outputs = tuple(
            (lang, fmt)
            for lang in dict.fromkeys((found[0].course.language, *found[0].course.languages))
            if (not options.langs or lang in options.langs)
            and in_shard(job.course, lang, options.shard)
            for fmt in formats
        )
        inputs = _input_digests(job, outputs)
    by_lang = {e.lang: e for e in found}
    published = tuple(by_lang)
    known = dict(job.known)
    results: list[Result] = []
    later: list[RenderJob] = []
    for lang, fmt in outputs:
        own = [d for d in failing if language_of(d) == lang]
        if own:
            results.append(Result(job.course, lang, fmt, "failed", errors=tuple(own)))
            continue
        edition = by_lang.get(lang)
        if edition is None:
            results.append(Result(job.course, lang, fmt, "unpublished"))
            continue
        # Which languages are published and who translated them show on every page.
        credits = tuple((c.lang, c.translators, c.team) for c in edition.course.translations)
        digest = combine(job.base, inputs[(lang, fmt)], published, credits)
        path = output_path(job.course, lang, fmt)
        before = known.get((lang, fmt))
        if (
            not options.force
            and before is not None
            and before.digest == digest
            and before.stamp == stamp(options.out / path)
        ):
            results.append(
                Result(
                    job.course,
                    lang,
                    fmt,
                    "unchanged",
                    path,
                    digest,
                    before.stamp,
                    output_size(options.out / path),
                )
            )
        elif FORMATS[fmt].own_job:
            later.append(RenderJob(options, job.course, job.level, lang, fmt, digest))
        else:
            results.append(_render(edition, fmt, options, published, digest))
    from packager.i18n.locales import interface_share
    from packager.languages import direction, native_name

    facts = tuple(
        LanguageFacts(
            e.lang,
            native_name(e.lang),
            direction(e.lang),
            e.course.title,
            e.translated,
            1.0 if e.lang == e.source_lang else interface_share(options.project, e.lang),
        )
        for e in found
    )
    return CourseOutcome(job.course, tuple(results), warnings, facts, tuple(later))


def run_alone(job: RenderJob) -> Result:
    """Render one output of a course (the course comes from this worker's cache)."""
    found, _problems = _editions(job.options, job.course, job.level)
    edition = next((e for e in found if e.lang == job.lang), None)
    if edition is None:  # the sources changed under the build; the next build sees them
        return Result(
            job.course,
            job.lang,
            job.format,
            "failed",
            errors=(
                Diagnostic(
                    Location(f"courses/{job.course}"),
                    Severity.ERROR,
                    "not-built",
                    "the course changed during the build",
                ),
            ),
        )
    return _render(edition, job.format, job.options, tuple(e.lang for e in found), job.digest)


def _render(
    edition: Edition, fmt: str, options: BuildOptions, published: tuple[str, ...], digest: str
) -> Result:
    """Render and write one output; its problems fail it alone."""
    if not edition.complete:  # the planner and the editions disagree on what is wanted
        raise RuntimeError(f"{edition.course.id} [{edition.lang}] was not translated")
    started = time.perf_counter()
    course = edition.course
    path = output_path(course.id, edition.lang, fmt)
    target = options.out / path
    try:
        with fewer_collections():
            size = _write(edition, fmt, options, published, target)
    except InputError as exc:
        return Result(course.id, edition.lang, fmt, "failed", path, errors=exc.diagnostics)
    except UnicodeDecodeError as exc:  # a template (or static file) that is not UTF-8
        error = _undecodable(options.project, course.root, exc)
        return Result(course.id, edition.lang, fmt, "failed", path, errors=(error,))
    except OSError as exc:  # a full disk, a read-only folder: the old output stays as it was
        where = Location(display_path(target, options.project))
        message = f"cannot write the output: {exc.strerror or exc}"
        error = Diagnostic(where, Severity.ERROR, "write-failed", message)
        return Result(course.id, edition.lang, fmt, "failed", path, errors=(error,))
    return Result(
        course.id,
        edition.lang,
        fmt,
        "built",
        path,
        digest,
        stamp(target),
        size,
        time.perf_counter() - started,
    )


def _undecodable(project: Path, course_root: Path, exc: UnicodeDecodeError) -> Diagnostic:
    """Which template is not UTF-8 (Jinja2's error does not say)."""
    from packager.render.templates import search_path

    for folder in search_path(project, course_root):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as bad:
                before = data[: bad.start]
                line, col = before.count(b"\n") + 1, bad.start - before.rfind(b"\n")
                where = Location(display_path(path, project), line, col)
                return Diagnostic(where, Severity.ERROR, "not-utf8", "the file is not UTF-8 text")
    return Diagnostic(
        Location("templates"), Severity.ERROR, "not-utf8", f"a template is not UTF-8: {exc}"
    )


def _write(
    edition: Edition, fmt: str, options: BuildOptions, published: tuple[str, ...], target: Path
) -> int:
    """Render one output, check it, and write it: an output that fails its format's check is
    never written (the old one stays)."""
    module = FORMATS[fmt].implementation()
    request = RenderRequest(edition, options, published)
    rendered = module.render(request)
    errors = module.check(rendered, request)
    if errors:
        raise InputError(errors)
    if isinstance(rendered, bytes):
        write_file(target, rendered)
        return len(rendered)
    write_tree(target, rendered)
    return sum(len(data) for data in rendered.values())
