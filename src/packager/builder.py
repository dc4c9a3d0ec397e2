"""What to build (:class:`BuildOptions`), checking courses, and ``build`` for library callers.

``check`` and ``check_all`` load and check without writing. ``build`` runs the build engine
(:mod:`packager.engine`) in this process and raises :class:`InputError` if any output failed;
the command line runs the same engine with worker processes. Heavy modules are imported only
inside the functions, so that a build with nothing to do starts quickly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packager.diagnostics import InputError, Problems

if TYPE_CHECKING:
    from packager.editions import Edition
    from packager.model import Course

FORMATS = ("html", "imscc", "pdf", "epub")


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
    force: bool = False  # rebuild outputs whose inputs did not change
    jobs: int = 0  # worker processes; 0: build in this process
    shard: tuple[int, int] = (1, 1)  # build the K-th of N stable shares of the outputs


@dataclass(frozen=True)
class Output:
    """One written output: a course in a language in a format, at ``path``."""

    course: str
    lang: str
    format: str
    path: Path


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
    from packager.loader import load_project

    with fewer_collections():
        return load_project(project, list(courses) or None, problems)


def check_all(
    project: Path, courses: tuple[str, ...], problems: Problems, *, preview: bool = False
) -> list[Edition]:
    """Check the courses and every translation of them (catalogues, translated texts)."""
    from packager.editions import editions

    loaded = check(project, courses, problems)
    with fewer_collections():
        return [
            edition
            for course in loaded
            for edition in editions(project, course, problems, preview=preview)
        ]


def build(options: BuildOptions, problems: Problems) -> list[Output]:
    """Build in this process; raise :class:`InputError` with every failure's problems.

    Outputs that failed are left as they were; the others are written.
    """
    from packager.engine import run

    report = run(options)
    problems.items.extend(d for d in report.warnings if d not in problems.items)
    if report.errors_found() or (options.strict and report.warnings):
        raise InputError(report.diagnostics())
    return [
        Output(r.course, r.lang, r.format, options.out / r.path)
        for r in report.results
        if r.status in ("built", "unchanged")
    ]
