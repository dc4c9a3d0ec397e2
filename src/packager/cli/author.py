"""The authors' commands: ``packager new`` starts a course, ``packager check`` validates courses,
cartridges, OLX exports, Moodle backups and SCORM packages without writing anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.api import check_all
from packager.diagnostics import InputError, Location, Problems

if TYPE_CHECKING:
    pass
from packager.cli.common import (
    EXIT_INPUT,
    LANGUAGE,
    MAX_CARTRIDGE,
    State,
    plural,
    project_option,
    verbosity,
)


@click.command("new")
@verbosity
@click.argument("course_id")
@click.option("--title", default=None, help="The course title [default: from the id].")
@click.option(
    "--lang",
    "language",
    default="en",
    show_default=True,
    type=LANGUAGE,
    help="The language the course is written in.",
)
@project_option
@click.pass_obj
def new_command(
    state: State, course_id: str, title: str | None, language: str, project: Path
) -> None:
    """Start a new course in courses/COURSE_ID that builds at once."""
    from packager.source.scaffold import ScaffoldError, new_course

    try:
        folder = new_course(project, course_id, title, language)
    except ScaffoldError as exc:
        state.err.print(f"error[new]: {exc}", style="bold red", markup=False)
        sys.exit(EXIT_INPUT)
    if not state.quiet:
        state.out.print(
            f"created {folder}; build it with: packager build {course_id}", markup=False
        )


@click.command("check")
@verbosity
@click.argument("courses", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
@click.pass_obj
def check_command(state: State, courses: tuple[str, ...], strict: bool, project: Path) -> None:
    """Check COURSES (default: all) and their translations, or cartridges (PATH.imscc),
    Open edX course exports (PATH.tar.gz), Moodle backups (PATH.mbz) and SCORM 1.2 or 2004
    packages (PATH.zip).

    Nothing is written. A cartridge is validated against the official Common Cartridge schemas
    and the profile rules LMS importers rely on, a SCORM package against ADL's schemas of the
    version its manifest names and what a platform needs to play it (every listed file, the
    launch page, a SCO); offline and without unpacking anything to disk.
    """
    cartridges = tuple(
        c for c in courses if c.endswith((".imscc", ".mbz", ".tar.gz", ".zip")) or Path(c).is_file()
    )
    names = tuple(c for c in courses if c not in cartridges)
    problems = Problems()
    for cartridge in cartridges:
        _check_cartridge_file(Path(cartridge), problems)
    found = []
    if names or not cartridges:
        try:
            found = check_all(project, names, problems)
        except InputError as exc:
            problems.extend(exc.diagnostics)
    state.report(problems.sorted(), strict)
    if problems.fails(strict):
        sys.exit(EXIT_INPUT)
    if not state.quiet:
        exports = sum(c.endswith(".tar.gz") for c in cartridges)
        backups = sum(c.endswith(".mbz") for c in cartridges)
        scorm = sum(c.endswith(".zip") for c in cartridges)
        others = len(cartridges) - exports - backups - scorm
        parts = [plural(others, "cartridge")] if others else []
        parts += [plural(exports, "Open edX export")] if exports else []
        parts += [plural(backups, "Moodle backup")] if backups else []
        parts += [plural(scorm, "SCORM package")] if scorm else []
        if found:
            sources = [e for e in found if e.lang == e.course.language]
            pages = sum(len(e.course.pages) for e in sources)
            translations = len(found) - len(sources)
            parts += [
                plural(len(sources), "course"),
                plural(pages, "page"),
                plural(translations, "published translation"),
            ]
        state.out.print(f"ok: {', '.join(parts)}", markup=False)


def _check_cartridge_file(path: Path, problems: Problems) -> None:
    shown = path.as_posix()
    try:
        if path.stat().st_size > MAX_CARTRIDGE:
            message = f"the file is larger than {MAX_CARTRIDGE // 2**20} MiB"
            code = "scorm-size" if shown.endswith(".zip") else "cc-size"
            problems.error(Location(shown), code, message)
            return
        data = path.read_bytes()
    except OSError as exc:
        problems.error(Location(shown), "unreadable", f"cannot read the file: {exc.strerror}")
        return
    if shown.endswith(".tar.gz"):  # an Open edX course export (OLX)
        from packager.formats.olx.container import check_olx

        check_olx(data, shown, problems)
        return
    if shown.endswith(".mbz"):
        from packager.formats.moodle.check import check_backup

        check_backup(data, shown, problems)
        return
    if shown.endswith(".zip"):  # a SCORM 1.2 or 2004 package
        from packager.formats.scorm.check import check_scorm

        check_scorm(data, shown, problems)
        return
    from packager.formats.cartridge.check import check_cartridge

    check_cartridge(data, shown, problems)
