"""The library's entry points: checking courses, and ``build`` (with its :class:`BuildOptions`).

``check`` and ``check_all`` load and check without writing. ``build`` runs the build engine
(:mod:`packager.engine.runner`) in this process and raises :class:`InputError` if any output failed;
the command line runs the same engine with worker processes. Heavy modules are imported only
inside the functions, so that a build with nothing to do starts quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from packager.diagnostics import InputError, Problems
from packager.engine.options import BuildOptions, Output, fewer_collections

__all__ = ["BuildOptions", "Output", "build", "check", "check_all", "fewer_collections"]

if TYPE_CHECKING:
    from packager.i18n.editions import Edition
    from packager.source.model import Course


def check(project: Path, courses: tuple[str, ...], problems: Problems) -> list[Course]:
    """Load and check the named courses (all by default), gathering every problem."""
    from packager.source.loader import load_project

    with fewer_collections():
        return load_project(project, list(courses) or None, problems)


def check_all(
    project: Path, courses: tuple[str, ...], problems: Problems, *, preview: bool = False
) -> list[Edition]:
    """Check the courses and every translation of them (catalogues, translated texts)."""
    from packager.i18n.editions import editions

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
    from packager.engine.runner import run

    report = run(options)
    problems.items.extend(d for d in report.warnings if d not in problems.items)
    if report.errors_found() or (options.strict and report.warnings):
        raise InputError(report.diagnostics())
    return [
        Output(r.course, r.lang, r.format, options.out / r.path)
        for r in report.results
        if r.status in ("built", "unchanged")
    ]
