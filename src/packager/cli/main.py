"""The ``packager`` command line.

Exit codes: 0 success; 1 problems in the input (each printed as ``path:line:col: ...``);
2 wrong usage; 3 an internal error (a bug: please report it with the traceback); 130
interrupted (Ctrl-C or SIGTERM: every output is whole, the previous one or the new one).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from packager import __version__
from packager.api import check, check_all
from packager.build.options import BuildOptions
from packager.diagnostics import Diagnostic, InputError, Location, Problems, Severity, display_path
from packager.formats.registry import FORMATS, names

if TYPE_CHECKING:
    from packager.build.engine import Report
    from packager.i18n.stats import LanguageStats
    from packager.i18n.workflow import Written
    from packager.source.model import Course

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_CARTRIDGE = 1024 * 2**20


class _State:
    def __init__(self, quiet: bool = False, verbose: int = 0) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.project: Path | None = None
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = Console(highlight=False, soft_wrap=True)

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
                f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}{note}", markup=False
            )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_source_date() -> None:
    """Refuse a bad ``SOURCE_DATE_EPOCH`` before a command that dates what it writes starts.

    Checked here rather than where it is read so that every such command (serve too, which
    would report a failure inside a rebuild as a bug) stops with the same usage error.
    """
    from packager.sourcedate import SourceDateError, source_date

    try:
        source_date()
    except SourceDateError as exc:
        raise _EnvironmentError(str(exc)) from None


class _EnvironmentError(click.ClickException):
    """Wrong usage through the environment: no usage line, as no option of the command is wrong."""

    exit_code = EXIT_USAGE


@contextmanager
def _progress(state: _State, enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
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
    ) as progress:
        task = progress.add_task("planning", total=None)

        def show(text: str, done: int, total: int) -> None:
            progress.update(task, description=text, completed=done, total=total)

        yield show


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(_State).quiet = True


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        ctx.ensure_object(_State).verbose += value


def _verbosity(command: Callable[..., None]) -> Callable[..., None]:
    """``-q``/``-v`` after the command name too (``packager build -q``)."""
    command = click.option(
        "-v", "--verbose", count=True, expose_value=False, callback=_set_verbose, help="Print more."
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_quiet,
        help="Print only errors.",
    )(command)


def _resolve_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """``-C`` after the command, else ``-C`` before it, else the current folder."""
    if value is not None:
        return value
    state = ctx.find_object(_State)
    return state.project if state is not None and state.project is not None else Path()


_project_option = click.option(
    "--project",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_resolve_project,
    help="The project folder (holding courses/, locales/, templates/) [default: .].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="packager")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="Print more about what is done.")
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project folder [default: .].",
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int, project: Path | None) -> None:
    """Package Markdown micro-courses as HTML sites, in every language.

    Exit codes: 0 success, 1 problems in the input, 2 wrong usage, 3 internal error.
    """
    state = ctx.ensure_object(_State)
    state.quiet = state.quiet or quiet
    state.verbose += verbose
    state.project = project


class _Language(click.ParamType[str]):
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


LANGUAGE = _Language()


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int]:
    if value is None:
        return (1, 1)
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter("expected K/N with 1 <= K <= N, like 2/4")
    return (int(k), int(n))


@cli.command("build")
@_verbosity
@click.argument("courses", nargs=-1)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(names()),
    help="Output format (repeatable; default: all).",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=LANGUAGE,
    help="Build only this language (repeatable; default: all published).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: PROJECT/build].",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--preview",
    is_flag=True,
    help="Use fuzzy translations and highlight what is fuzzy or untranslated (build/preview).",
)
@click.option(
    "--cc-version",
    type=click.Choice(("1.1", "1.3")),
    default=None,
    help="Common Cartridge version [default: the course's cc_version, else 1.1, which Moodle needs].",
)
@click.option(
    "--embed-fonts",
    is_flag=True,
    help="EPUB: carry subsets of the Noto fonts of each book's script (for e-readers without them).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: the number of cores].",
)
@click.option("--force", is_flag=True, help="Rebuild every output, changed or not.")
@click.option(
    "--shard",
    default=None,
    callback=_shard,
    metavar="K/N",
    help="Build only the K-th of N stable shares of the outputs (for a CI matrix; "
    "merge with 'packager index').",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@_project_option
@click.pass_obj
def build_command(
    state: _State,
    courses: tuple[str, ...],
    formats: tuple[str, ...],
    langs: tuple[str, ...],
    out: Path | None,
    strict: bool,
    preview: bool,
    cc_version: str | None,
    embed_fonts: bool,
    jobs: int | None,
    force: bool,
    shard: tuple[int, int],
    as_json: bool,
    project: Path,
) -> None:
    """Build COURSES (default: every course in courses/), skipping outputs that are up to date.

    Each course is checked, then every language and format is built in worker processes. A
    failing output does not stop the others; the exit code is 1 if any failed.
    """
    from packager.build.engine import default_jobs, run

    _check_source_date()
    options = BuildOptions(
        project=project,
        # A preview (fuzzy translations shown) never lands where the real site is built.
        out=out if out is not None else project / "build" / ("preview" if preview else ""),
        courses=courses,
        formats=formats,
        langs=langs,
        strict=strict,
        preview=preview,
        cc_version=cc_version,
        embed_fonts=embed_fonts,
        force=force,
        jobs=jobs or default_jobs(),
        shard=shard,
    )
    try:
        with _progress(state, enabled=not as_json) as progress:
            report = run(options, progress)
    except InputError as exc:
        state.report(list(exc.diagnostics), strict)
        sys.exit(EXIT_INPUT)
    state.report(report.diagnostics(), strict)
    if as_json:
        click.echo(json.dumps(_json_report(report), indent=1, ensure_ascii=False))
    elif not state.quiet:
        _print_summary(state, report, options)
    if report.interrupted:
        state.err.print("interrupted: finished outputs are complete, the others unchanged")
        sys.exit(130)
    if report.bugs:
        for text in report.bugs:
            state.err.print(text, markup=False, highlight=False)
        state.err.print(
            "internal error: this is a bug in packager; please report it with the text above",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
    if report.failed or report.errors or (strict and report.warnings):
        sys.exit(EXIT_INPUT)


def _json_report(report: Report) -> dict[str, object]:
    return {
        **{s: report.count(s) for s in ("built", "unchanged", "failed", "unpublished")},
        "seconds": round(report.seconds, 3),
        "interrupted": report.interrupted,
        "outputs": [
            {
                "course": r.course,
                "lang": r.lang,
                "format": r.format,
                "status": r.status,
                "path": r.path,
                "bytes": r.size,
                "seconds": round(r.seconds, 3),
                "errors": [d.format() for d in r.errors],
            }
            for r in report.results
        ],
        "warnings": [d.format() for d in report.diagnostics() if d.severity is Severity.WARNING],
        "removed": sorted(report.removed),
    }


def _print_summary(state: _State, report: Report, options: BuildOptions) -> None:
    """Each built output with -v; a table per course on a terminal; the totals always."""
    for r in report.results:
        if r.status == "built" and state.verbose:
            where = FORMATS[r.format].entry(r.path)
            shown = display_path(options.out / where, options.project)
            state.out.print(f"built {r.course} [{r.lang}] {r.format}: {shown}", markup=False)
    if state.out.is_terminal and report.results:
        from rich.table import Table

        table = Table(title="build summary", title_justify="left")
        for name in ("course", "built", "unchanged", "failed", "not published", "work (s)"):
            table.add_column(name, justify="left" if name == "course" else "right")
        for course in sorted({r.course for r in report.results}):
            mine = [r for r in report.results if r.course == course]
            table.add_row(
                course,
                *(
                    str(sum(r.status == s for r in mine))
                    for s in ("built", "unchanged", "failed", "unpublished")
                ),
                f"{sum(r.seconds for r in mine):.1f}",
            )
        state.out.print(table)
    if report.failed:
        for r in report.failed if state.verbose else ():
            state.err.print(f"failed {r.course} [{r.lang}] {r.format}", markup=False)
        state.err.print(
            f"build failed: {len(report.failed)} of {_plural(len(report.results), 'output')} "
            "failed; their previous versions are unchanged",
            style="bold red",
            markup=False,
        )
    if report.removed:
        state.out.print(
            f"removed {_plural(len(report.removed), 'output')} no longer published: "
            + ", ".join(sorted(report.removed)),
            markup=False,
        )
    built, unchanged, failed = (report.count(s) for s in ("built", "unchanged", "failed"))
    if report.interrupted:  # not "nothing to do": the outputs not reached were not looked at
        line = f"interrupted after {built} built, {unchanged} unchanged, {failed} failed"
    elif not built and not failed:
        line = f"nothing to do: {_plural(unchanged, 'output')} up to date"
    else:
        line = f"{built} built, {unchanged} unchanged, {failed} failed"
    state.out.print(f"{line} ({report.seconds:.1f} s)", markup=False)
    if options.shard == (1, 1) and (options.out / "index.html").is_file():
        shown = display_path(options.out / "index.html", options.project)
        state.out.print(f"catalogue: {shown}", markup=False)


@cli.command("serve")
@_verbosity
@click.argument("courses", nargs=-1)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(names()),
    help="Formats to keep built while serving [default: html].",
)
@click.option(
    "--lang", "langs", multiple=True, type=LANGUAGE, help="Only this language (repeatable)."
)
@click.option(
    "--preview",
    is_flag=True,
    help="Show fuzzy translations and highlight fuzzy and untranslated text (translators).",
)
@_project_option
@click.pass_obj
def serve_command(
    state: _State,
    courses: tuple[str, ...],
    port: int,
    formats: tuple[str, ...],
    langs: tuple[str, ...],
    preview: bool,
    project: Path,
) -> None:
    """Preview on http://127.0.0.1:PORT/, rebuilding and reloading the page on every save.

    Only this computer can connect (the loopback interface). Stop with Ctrl-C.
    """
    from packager.build.engine import default_jobs, run
    from packager.cli.serve import Generation, start_server, watch

    _check_source_date()
    options = BuildOptions(
        project=project,
        out=project / "build" / ("preview" if preview else ""),
        courses=courses,
        formats=formats or ("html",),
        langs=langs,
        preview=preview,
        jobs=default_jobs(),
    )
    generation = Generation()

    # Whether the last build failed: its error stays the last line on screen until a build
    # succeeds, so that build says so (an author who fixed the mistake needs to see it worked).
    broken = False

    def rebuild(options: BuildOptions) -> None:
        nonlocal broken
        try:
            report = run(options)
        except InputError as exc:
            state.report(list(exc.diagnostics), False)
            broken = True
            return
        except Exception:  # a bug: say so, and keep serving the last good site
            state.err.print(traceback.format_exc(), markup=False, highlight=False)
            state.err.print("internal error: this is a bug in packager; please report it")
            broken = True
            return
        if report.interrupted:
            raise KeyboardInterrupt  # Ctrl-C during a rebuild stops serve too
        state.report(report.diagnostics(), False)
        built = report.count("built")
        if built or report.failed:
            state.err.print(
                f"{built} built, {len(report.failed)} failed ({report.seconds:.1f} s)",
                markup=False,
            )
        if built:
            generation.bump()
        failing = bool(report.failed) or any(
            d.severity is Severity.ERROR for d in report.diagnostics()
        )
        if broken and not failing:
            state.err.print("ok: the build works again", markup=False)
        broken = failing

    rebuild(options)  # the first build uses every core; later ones stay in this process
    options.out.mkdir(parents=True, exist_ok=True)
    try:
        server = start_server(options.out, port, generation)
    except OSError as exc:
        state.err.print(
            f"error[serve]: cannot listen on 127.0.0.1:{port}: {exc.strerror}", markup=False
        )
        sys.exit(EXIT_INPUT)
    in_process = replace(options, jobs=0)

    def ready() -> None:
        rebuild(in_process)  # what was saved during the first build
        state.out.print(
            f"serving {display_path(options.out, project)} on "
            f"http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)",
            markup=False,
        )

    watch(project, lambda _changed: rebuild(in_process), ready)
    server.shutdown()
    server.server_close()


@cli.command("index")
@_verbosity
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output folder holding shards/ [default: PROJECT/build].",
)
@_project_option
@click.pass_obj
def index_command(state: _State, out: Path | None, project: Path) -> None:
    """Merge the reports of a sharded build (shards/K-of-N.json) into index.html and report.json."""
    from packager.build.catalogue_page import merge_shards

    folder = out if out is not None else project / "build"
    try:
        count = merge_shards(folder)
    except InputError as exc:
        state.report(list(exc.diagnostics), False)
        sys.exit(EXIT_INPUT)
    if not state.quiet:
        state.out.print(
            f"merged {_plural(count, 'shard')}: {display_path(folder / 'index.html', project)}",
            markup=False,
        )


@cli.command("check")
@_verbosity
@click.argument("courses", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@_project_option
@click.pass_obj
def check_command(state: _State, courses: tuple[str, ...], strict: bool, project: Path) -> None:
    """Check COURSES (default: all) and their translations, or cartridges (PATH.imscc).

    Nothing is written. A cartridge is validated against the official Common Cartridge schemas
    and the profile rules LMS importers rely on, offline and without unpacking it.
    """
    cartridges = tuple(c for c in courses if c.endswith(".imscc") or Path(c).is_file())
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
        parts = [_plural(len(cartridges), "cartridge")] if cartridges else []
        if found:
            sources = [e for e in found if e.lang == e.course.language]
            pages = sum(len(e.course.pages) for e in sources)
            translations = len(found) - len(sources)
            parts += [
                _plural(len(sources), "course"),
                _plural(pages, "page"),
                _plural(translations, "published translation"),
            ]
        state.out.print(f"ok: {', '.join(parts)}", markup=False)


def _check_cartridge_file(path: Path, problems: Problems) -> None:
    shown = path.as_posix()
    try:
        if path.stat().st_size > MAX_CARTRIDGE:
            message = f"the file is larger than {MAX_CARTRIDGE // 2**20} MiB"
            problems.error(Location(shown), "cc-size", message)
            return
        data = path.read_bytes()
    except OSError as exc:
        problems.error(Location(shown), "unreadable", f"cannot read the file: {exc.strerror}")
        return
    from packager.formats.cartridge.check import check_cartridge

    check_cartridge(data, shown, problems)


@cli.command("new")
@_verbosity
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
@_project_option
@click.pass_obj
def new_command(
    state: _State, course_id: str, title: str | None, language: str, project: Path
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


def _load_or_exit(
    state: _State, project: Path, courses: tuple[str, ...], strict: bool = False
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


def _report_written(
    state: _State, problems: Problems, written: list[Written], project: Path
) -> None:
    """Problems, then the files written; any error exits non-zero."""
    state.report(problems.sorted(), False)
    _print_written(state, written, project)
    if problems.errors:
        sys.exit(EXIT_INPUT)


def _print_written(state: _State, written: list[Written], project: Path) -> None:
    if state.quiet:
        return
    for item in written:
        shown = display_path(item.path, project)
        if item.report is not None:
            r = item.report
            summary = f"{r.kept} kept, {r.normalised} kept after a markup or spacing change, {r.fuzzy} fuzzy, {r.new} new, {r.obsolete} made obsolete"
            state.out.print(
                f"{'updated' if item.changed else 'up to date'} {shown}: {summary}", markup=False
            )
        else:
            state.out.print(f"{'wrote' if item.changed else 'unchanged'} {shown}", markup=False)


@cli.command("extract")
@_verbosity
@click.argument("courses", nargs=-1)
@_project_option
@click.pass_obj
def extract_command(state: _State, courses: tuple[str, ...], project: Path) -> None:
    """Write the translation templates locales/COURSE.pot and locales/ui.pot."""
    from packager.i18n.workflow import extract

    _check_source_date()
    loaded = _load_or_exit(state, project, courses)
    _print_written(state, extract(project, loaded), project)


@cli.command("init")
@_verbosity
@click.argument("course")
@click.option(
    "--lang",
    "lang",
    required=True,
    type=LANGUAGE,
    help="The new language (BCP 47, like fr or zh-Hans).",
)
@_project_option
@click.pass_obj
def init_command(state: _State, course: str, lang: str, project: Path) -> None:
    """Start translating COURSE into a new language: locales/LANG/LC_MESSAGES/COURSE.po."""
    from packager.i18n.workflow import init

    _check_source_date()
    (loaded,) = _load_or_exit(state, project, (course,))
    problems = Problems()
    written = init(project, loaded, lang, problems)
    _report_written(state, problems, written, project)


@cli.command("update")
@_verbosity
@click.argument("courses", nargs=-1)
@_project_option
@click.pass_obj
def update_command(state: _State, courses: tuple[str, ...], project: Path) -> None:
    """Extract, then merge the templates into every catalogue (nothing a translator wrote is lost)."""
    from packager.i18n.workflow import update

    _check_source_date()
    loaded = _load_or_exit(state, project, courses)
    problems = Problems()
    written = update(project, loaded, problems)
    _report_written(state, problems, written, project)


@cli.command("stats")
@_verbosity
@click.argument("courses", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--pages/--no-pages", default=True, help="Show each page (default) or only totals.")
@_project_option
@click.pass_obj
def stats_command(
    state: _State, courses: tuple[str, ...], as_json: bool, pages: bool, project: Path
) -> None:
    """How much of each translation is done: messages and words, per language and per page."""
    from packager.i18n.stats import course_stats

    loaded = _load_or_exit(state, project, courses)
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


def _print_stats_table(state: _State, langs: list[LanguageStats], pages: bool) -> None:
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


def main() -> None:
    """Entry point: run the command line, turning unexpected exceptions into exit code 3."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        click.echo(
            "internal error: this is a bug in packager; please report it with the text above",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
