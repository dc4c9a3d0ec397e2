"""What the commands share: the state the group passes down, options, progress, languages, and
how problems and written files are reported."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.api import check
from packager.diagnostics import Diagnostic, InputError, Problems, Severity, display_path

if TYPE_CHECKING:
    from rich.console import Console

    from packager.i18n.workflow import Written
    from packager.source.model import Course


EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


MAX_CARTRIDGE = 1024 * 2**20


class State:
    def __init__(self, quiet: bool = False, verbose: int = 0) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.project: Path | None = None

    # Made when first used: importing rich costs about 30 ms of CPU, which a build that prints
    # nothing (-q, --json, as in CI) need not pay.
    @cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    @cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True)

    def report(self, diagnostics: list[Diagnostic], strict: bool) -> None:
        """Print problems, then a one-line count."""
        for diagnostic in diagnostics:
            style = "bold red" if diagnostic.severity is Severity.ERROR or strict else "yellow"
            if self.quiet and diagnostic.severity is Severity.WARNING and not strict:
                continue
            self.err.print(diagnostic.format(), style=style, markup=False)
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = len(diagnostics) - errors
        if diagnostics and not self.quiet:
            note = " (--strict: warnings count as errors)" if strict and warnings else ""
            self.err.print(
                f"{plural(errors, 'error')}, {plural(warnings, 'warning')}{note}", markup=False
            )


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def check_source_date() -> None:
    """Refuse a bad ``SOURCE_DATE_EPOCH`` before a command that dates what it writes starts.

    Checked here rather than where it is read so that every such command (serve too, which
    would report a failure inside a rebuild as a bug) stops with the same usage error.
    """
    from packager.sourcedate import SourceDateError, source_date

    try:
        source_date()
    except SourceDateError as exc:
        raise EnvironmentProblem(str(exc)) from None


class EnvironmentProblem(click.ClickException):
    """Wrong usage through the environment: no usage line, as no option of the command is wrong."""

    exit_code = EXIT_USAGE


@contextmanager
def progress(state: State, enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar with the job in hand on a terminal; silent elsewhere."""
    if not enabled or state.quiet or not state.err.is_terminal:
        yield lambda _text, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=state.err,
        transient=True,
    ) as bar:
        task = bar.add_task("planning", total=None)

        def show(text: str, done: int, total: int) -> None:
            bar.update(task, description=text, completed=done, total=total)

        yield show


def set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(State).quiet = True


def set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        ctx.ensure_object(State).verbose += value


def verbosity(command: Callable[..., None]) -> Callable[..., None]:
    """``-q``/``-v`` after the command name too (``packager build -q``)."""
    command = click.option(
        "-v", "--verbose", count=True, expose_value=False, callback=set_verbose, help="Print more."
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=set_quiet,
        help="Print only errors.",
    )(command)


def resolve_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """``-C`` after the command, else ``-C`` before it, else the current folder."""
    if value is not None:
        return value
    state = ctx.find_object(State)
    return state.project if state is not None and state.project is not None else Path()


project_option = click.option(
    "--project",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=resolve_project,
    help="The project folder (holding courses/, locales/, templates/) [default: .].",
)


class Language(click.ParamType[str]):
    """A ``--lang`` value: a BCP 47 code Babel knows, in its usual case.

    An unknown code is wrong usage (exit 2, like any bad option); ``zh-hans`` is taken as
    ``zh-Hans`` with a warning, as course.yaml's languages are, so one spelling reaches every
    catalogue folder and output.
    """

    name = "language"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from packager import languages

        text = str(value)
        if not languages.is_known(text):
            self.fail(
                f"unknown language code {text!r} (use BCP 47, like 'fr' or 'zh-Hans')", param, ctx
            )
        tag = languages.canonical(text)
        if tag != text:
            click.echo(
                f"warning[language-case]: --lang {text!r} is read as {tag!r}; write it so "
                "(BCP 47's usual case, which catalogue folders and outputs use)",
                err=True,
            )
        return tag


LANGUAGE = Language()


def shard_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[int, int]:
    if value is None:
        return (1, 1)
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("expected K/N with 1 <= K <= N, like 2/4")
    return (int(k), int(n))


def load_or_exit(
    state: State, project: Path, courses: tuple[str, ...], strict: bool = False
) -> list[Course]:
    """Load and check courses for a translation command; exit 1 on problems."""
    problems = Problems()
    try:
        loaded = check(project, courses, problems)
    except InputError as exc:
        state.report(list(exc.diagnostics), strict)
        sys.exit(EXIT_INPUT)
    if problems.fails(strict):
        state.report(problems.sorted(), strict)
        sys.exit(EXIT_INPUT)
    return loaded


def report_written(state: State, problems: Problems, written: list[Written], project: Path) -> None:
    """Problems, then the files written; any error exits non-zero."""
    state.report(problems.sorted(), False)
    print_written(state, written, project)
    if problems.errors:
        sys.exit(EXIT_INPUT)


def print_written(state: State, written: list[Written], project: Path) -> None:
    if state.quiet:
        return
    for item in written:
        shown = display_path(item.path, project)
        if item.report is not None:
            r = item.report
            summary = f"{r.kept} kept, {r.normalised} kept after a markup or spacing change, {r.fuzzy} fuzzy, {r.new} new, {r.obsolete} made obsolete"
            if item.memory:
                summary += f"; {item.memory.summary()}"
            if item.drafted:
                summary += f"; {item.drafted} drafted by Apertium (fuzzy)"
            state.out.print(
                f"{'updated' if item.changed else 'up to date'} {shown}: {summary}", markup=False
            )
        else:
            memory = f": {item.memory.summary()}" if item.memory else ""
            state.out.print(
                f"{'wrote' if item.changed else 'unchanged'} {shown}{memory}", markup=False
            )
