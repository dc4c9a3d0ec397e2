"""The build: check every course, then render each output and write it atomically.

``check`` and ``build`` are the two entry points the command line calls. The whole project is
loaded and checked before anything is written; when a problem fails the build, no output changes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from packager.cartridge import cartridge_files, zip_bytes, zip_time
from packager.cccheck import check_cartridge
from packager.ccformat import DEFAULT_VERSION, VERSIONS
from packager.diagnostics import InputError, Problems
from packager.editions import Edition, editions
from packager.htmlsite import site_files
from packager.loader import load_project
from packager.model import Course
from packager.output import write_file, write_tree

FORMATS = ("html", "imscc", "pdf")


@dataclass(frozen=True)
class BuildOptions:
    """What to build. Empty ``courses``/``langs`` mean all; ``out`` is the output folder."""

    project: Path
    out: Path
    courses: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS
    langs: tuple[str, ...] = ()
    strict: bool = False
    preview: bool = False
    cc_version: str | None = None  # None: the course's own setting, else Common Cartridge 1.1


@dataclass(frozen=True)
class Output:
    """One written output: a course in a language in a format, at ``path``."""

    course: str
    lang: str
    format: str
    path: Path
    files: int


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while loading courses.

    A loaded course keeps every page's tokens alive: hundreds of thousands of small objects that
    the default thresholds make the collector rescan over and over (a third of the load time of
    the 200-page benchmark). Those objects hold no cycles worth collecting early.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def check(project: Path, courses: tuple[str, ...], problems: Problems) -> list[Course]:
    """Load and check the named courses (all by default), gathering every problem."""
    with fewer_collections():
        return load_project(project, list(courses) or None, problems)


def check_all(
    project: Path, courses: tuple[str, ...], problems: Problems, *, preview: bool = False
) -> list[Edition]:
    """Check the courses and every translation of them (catalogues, translated texts)."""
    loaded = check(project, courses, problems)
    with fewer_collections():
        return [
            edition
            for course in loaded
            for edition in editions(project, course, problems, preview=preview)
        ]


def plan(
    courses: list[Course], options: BuildOptions, problems: Problems
) -> list[tuple[Edition, str, tuple[str, ...]]]:
    """Every (edition, format, published languages) job the options ask for, in a stable order."""
    jobs: list[tuple[Edition, str, tuple[str, ...]]] = []
    for course in courses:
        found = editions(options.project, course, problems, preview=options.preview)
        published = tuple(e.lang for e in found)
        for edition in found:
            if options.langs and edition.lang not in options.langs:
                continue
            jobs.extend((edition, fmt, published) for fmt in options.formats)
    return jobs


def build(
    options: BuildOptions,
    problems: Problems,
    progress: Callable[[str], None] | None = None,
) -> list[Output]:
    """Check, then build; raise :class:`InputError` (writing nothing) when problems fail it."""
    courses = check(options.project, options.courses, problems)
    if problems.fails(options.strict):
        raise InputError(problems.sorted())
    with fewer_collections():
        jobs = plan(courses, options, problems)
    if problems.fails(options.strict):
        raise InputError(problems.sorted())
    outputs = []
    with fewer_collections():
        for edition, fmt, published in jobs:
            course = edition.course
            if progress is not None:
                progress(f"{course.id} [{edition.lang}] {fmt}")
            if fmt == "imscc":
                outputs.append(_build_cartridge(edition, options))
                continue
            if fmt == "pdf":
                outputs.append(_build_pdf(edition, options))
                continue
            target = options.out / course.id / edition.lang / fmt
            files = site_files(edition, options.project, published)
            write_tree(target, files)
            outputs.append(Output(course.id, edition.lang, fmt, target, len(files)))
    return outputs


def _build_cartridge(edition: Edition, options: BuildOptions) -> Output:
    """Build, validate, and only then write ``<course>-<lang>.imscc``."""
    course = edition.course
    version = VERSIONS[options.cc_version or course.cc_version or DEFAULT_VERSION]
    files = cartridge_files(edition, options.project, version)
    data = zip_bytes(files, zip_time(course))
    name = f"{course.id}-{edition.lang}.imscc"
    problems = Problems()
    check_cartridge(data, name, problems)
    if problems.errors:
        raise InputError(problems.errors)  # an invalid cartridge is never written
    target = options.out / course.id / edition.lang / name
    write_file(target, data)
    return Output(course.id, edition.lang, "imscc", target, len(files))


def _build_pdf(edition: Edition, options: BuildOptions) -> Output:
    """Write ``<course>-<lang>.pdf`` (WeasyPrint is imported only now, once per process)."""
    from packager.pdfbook import pdf_bytes

    course = edition.course
    target = options.out / course.id / edition.lang / f"{course.id}-{edition.lang}.pdf"
    write_file(target, pdf_bytes(edition, options.project))
    return Output(course.id, edition.lang, "pdf", target, 1)
