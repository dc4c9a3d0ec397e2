"""The translators' commands: ``extract``, ``init``, ``update``, ``stats``, ``export-memory``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.diagnostics import Problems

if TYPE_CHECKING:
    from packager.i18n.memory import Memory
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


memory_option = click.option(
    "--memory",
    "memory_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A translation memory to fill new messages from: a .po (any tool's, re-cut into "
    "packager's messages) or a TMX file. Repeatable; the project's own catalogues come first.",
)


def _memories(project: Path, files: tuple[Path, ...], problems: Problems) -> dict[str, Memory]:
    """The ``--memory`` files by language, in the order given (the first holds a text first)."""
    from packager.i18n.memory import Memory
    from packager.i18n.tmx import read_memory

    found: dict[str, Memory] = {}
    for path in files:
        for lang, memory in read_memory(path, project, problems).items():
            found[lang] = found.get(lang, Memory()) + memory
    return found


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
@memory_option
@project_option
@click.pass_obj
def init_command(
    state: State, course: str, lang: str, memory_files: tuple[Path, ...], project: Path
) -> None:
    """Start translating COURSE into a new language: locales/LANG/LC_MESSAGES/COURSE.po.

    Messages already translated elsewhere (other courses, --memory files) are filled in.
    """
    from packager.i18n.workflow import init

    check_source_date()
    (loaded,) = load_or_exit(state, project, (course,))
    problems = Problems()
    memories = _memories(project, memory_files, problems)
    written = init(project, loaded, lang, problems, memories) if not problems.errors else []
    report_written(state, problems, written, project)


@click.command("update")
@verbosity
@click.argument("courses", nargs=-1)
@memory_option
@click.option(
    "--draft",
    type=click.Choice(["apertium"]),
    default=None,
    help="Fill messages still empty with an offline machine draft (fuzzy, to review): "
    "Apertium, where the language pair is installed.",
)
@project_option
@click.pass_obj
def update_command(
    state: State,
    courses: tuple[str, ...],
    memory_files: tuple[Path, ...],
    draft: str | None,
    project: Path,
) -> None:
    """Extract, then merge the templates into every catalogue (nothing a translator wrote is lost).

    New messages already translated elsewhere (other courses, --memory files) are filled in.
    """
    from packager.i18n.workflow import update

    check_source_date()
    loaded = load_or_exit(state, project, courses)
    problems = Problems()
    memories = _memories(project, memory_files, problems)
    written = update(project, loaded, problems, memories, draft) if not problems.errors else []
    report_written(state, problems, written, project)


@click.command("export-memory")
@verbosity
@click.argument("courses", nargs=-1)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The TMX file to write.",
)
@project_option
@click.pass_obj
def export_memory_command(
    state: State, courses: tuple[str, ...], output: Path, project: Path
) -> None:
    """Write a TMX translation memory of the courses' translated messages, every language."""
    from packager.i18n.workflow import export_memory

    loaded = load_or_exit(state, project, courses)
    problems = Problems()
    written = export_memory(project, loaded, output, problems)
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
                    **({"glossary": s.glossary} if s.glossary is not None else {}),
                    **({"interface": s.interface.as_dict()} if s.interface is not None else {}),
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
    # The glossary column only where the project keeps a glossary: the messages that lack a term.
    glossary = any(s.glossary is not None for s in langs)
    names = ["done", "messages", "translated", "fuzzy", "untranslated", "words left"]
    for name in [*names, "glossary"] if glossary else names:
        table.add_column(name, justify="right", no_wrap=True)
    for s in langs:
        rows = [(s.lang, s.total)] + (
            [(f"  {page}", counts) for page, counts in sorted(s.pages.items())] if pages else []
        )
        if s.interface is not None:
            rows.append(("  interface (ui.po)", s.interface))
        for row, (name, counts) in enumerate(rows):
            cells = [
                name,
                f"{counts.percent:.0f}%",
                str(counts.total),
                str(counts.translated),
                str(counts.fuzzy),
                str(counts.untranslated),
                str(counts.words_fuzzy + counts.words_untranslated),
            ]
            if glossary:
                cells.append(str(s.glossary or 0) if row == 0 else "")
            table.add_row(*cells)
    from rich.console import Console

    terminal = state.out.is_terminal
    console = Console(width=10_000, force_terminal=terminal, no_color=not terminal)
    console.width = Measurement.get(console, console.options, table).maximum
    with console.capture() as captured:
        console.print(table)
    for line in captured.get().splitlines():
        click.echo(line.rstrip(), color=terminal)
