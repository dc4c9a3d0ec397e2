"""The translators' commands: ``extract``, ``init``, ``update`` and ``stats``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from packager.diagnostics import Problems

if TYPE_CHECKING:
    from packager.i18n.stats import LanguageStats
from packager.cli.common import (
    EXIT_INPUT,
    LANGUAGE,
    State,
    check_source_date,
    load_or_exit,
    print_written,
    project_option,
    report_written,
    verbosity,
)


@click.command("extract")
@verbosity
@click.argument("courses", nargs=-1)
@project_option
@click.pass_obj
def extract_command(state: State, courses: tuple[str, ...], project: Path) -> None:
    """Write the translation templates locales/COURSE.pot and locales/ui.pot."""
    from packager.i18n.workflow import extract

    check_source_date()
    loaded = load_or_exit(state, project, courses)
    print_written(state, extract(project, loaded), project)


@click.command("init")
@verbosity
@click.argument("course")
@click.option(
    "--lang",
    "lang",
    required=True,
    type=LANGUAGE,
    help="The new language (BCP 47, like fr or zh-Hans).",
)
@project_option
@click.pass_obj
def init_command(state: State, course: str, lang: str, project: Path) -> None:
    """Start translating COURSE into a new language: locales/LANG/LC_MESSAGES/COURSE.po."""
    from packager.i18n.workflow import init

    check_source_date()
    (loaded,) = load_or_exit(state, project, (course,))
    problems = Problems()
    written = init(project, loaded, lang, problems)
    report_written(state, problems, written, project)


@click.command("update")
@verbosity
@click.argument("courses", nargs=-1)
@project_option
@click.pass_obj
def update_command(state: State, courses: tuple[str, ...], project: Path) -> None:
    """Extract, then merge the templates into every catalogue (nothing a translator wrote is lost)."""
    from packager.i18n.workflow import update

    check_source_date()
    loaded = load_or_exit(state, project, courses)
    problems = Problems()
    written = update(project, loaded, problems)
    report_written(state, problems, written, project)


@click.command("stats")
@verbosity
@click.argument("courses", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--pages/--no-pages", default=True, help="Show each page (default) or only totals.")
@project_option
@click.pass_obj
def stats_command(
    state: State, courses: tuple[str, ...], as_json: bool, pages: bool, project: Path
) -> None:
    """How much of each translation is done: messages and words, per language and per page."""
    from packager.i18n.stats import course_stats

    loaded = load_or_exit(state, project, courses)
    problems = Problems()
    report = {course.id: course_stats(project, course, problems) for course in loaded}
    state.report(problems.sorted(), False)
    if as_json:
        data = {
            course_id: {
                s.lang: {
                    "total": s.total.as_dict(),
                    "pages": {p: c.as_dict() for p, c in s.pages.items()},
                }
                for s in langs
            }
            for course_id, langs in report.items()
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
        return
    for course_id, langs in report.items():
        if not langs:
            state.out.print(
                f"{course_id}: no translations yet; start one with 'packager init {course_id} --lang xx'",
                markup=False,
            )
            continue
        state.out.print(f"{course_id}: translations", markup=False)
        _print_stats_table(state, langs, pages)
    if problems.errors:
        sys.exit(EXIT_INPUT)


def _print_stats_table(state: State, langs: list[LanguageStats], pages: bool) -> None:
    """The figures of one course, never cut short (rich would shorten headers to ``transl…`` to
    fit 80 columns): whole words, languages and their pages in one column, no box; wider than
    the terminal, lines wrap rather than lose letters. In a pipe, plain text without colour."""
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(box=None, pad_edge=False, padding=(0, 1), collapse_padding=True)
    # Languages and their pages share one column (pages indented) to leave room for the words.
    table.add_column("language / page", no_wrap=True)
    for name in ("done", "messages", "translated", "fuzzy", "untranslated", "words left"):
        table.add_column(name, justify="right", no_wrap=True)
    for s in langs:
        rows = [(s.lang, s.total)] + (
            [(f"  {page}", counts) for page, counts in sorted(s.pages.items())] if pages else []
        )
        for name, counts in rows:
            table.add_row(
                name,
                f"{counts.percent:.0f}%",
                str(counts.total),
                str(counts.translated),
                str(counts.fuzzy),
                str(counts.untranslated),
                str(counts.words_fuzzy + counts.words_untranslated),
            )
    terminal = state.out.is_terminal
    console = Console(width=10_000, force_terminal=terminal, no_color=not terminal)
    console.width = Measurement.get(console, console.options, table).maximum
    with console.capture() as captured:
        console.print(table)
    for line in captured.get().splitlines():
        click.echo(line.rstrip(), color=terminal)
