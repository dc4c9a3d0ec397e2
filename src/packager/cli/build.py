"""``packager build`` and ``packager index``: run the build engine, report its outcome."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.diagnostics import InputError, Severity, display_path
from packager.engine.options import BuildOptions
from packager.formats.registry import FORMATS, names

if TYPE_CHECKING:
    from packager.engine.runner import Report
from packager.cli.common import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    LANGUAGE,
    State,
    check_source_date,
    plural,
    progress,
    project_option,
    shard_option,
    verbosity,
)


@click.command("build")
@verbosity
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
    callback=shard_option,
    metavar="K/N",
    help="Build only the K-th of N stable shares of the outputs (for a CI matrix; "
    "merge with 'packager index').",
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@project_option
@click.pass_obj
def build_command(
    state: State,
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
    from packager.engine.runner import default_jobs, run

    check_source_date()
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
        with progress(state, enabled=not as_json) as on_event:
            report = run(options, on_event)
    except InputError as exc:
        state.report(list(exc.diagnostics), strict)
        sys.exit(EXIT_INPUT)
    state.report(report.diagnostics(), strict)
    if as_json:
        click.echo(json.dumps(json_report(report), indent=1, ensure_ascii=False))
    elif not state.quiet:
        print_summary(state, report, options)
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


def json_report(report: Report) -> dict[str, object]:
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


def print_summary(state: State, report: Report, options: BuildOptions) -> None:
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
            f"build failed: {len(report.failed)} of {plural(len(report.results), 'output')} "
            "failed; their previous versions are unchanged",
            style="bold red",
            markup=False,
        )
    if report.removed:
        state.out.print(
            f"removed {plural(len(report.removed), 'output')} no longer published: "
            + ", ".join(sorted(report.removed)),
            markup=False,
        )
    built, unchanged, failed = (report.count(s) for s in ("built", "unchanged", "failed"))
    if report.interrupted:  # not "nothing to do": the outputs not reached were not looked at
        line = f"interrupted after {built} built, {unchanged} unchanged, {failed} failed"
    elif not built and not failed:
        line = f"nothing to do: {plural(unchanged, 'output')} up to date"
    else:
        line = f"{built} built, {unchanged} unchanged, {failed} failed"
    state.out.print(f"{line} ({report.seconds:.1f} s)", markup=False)
    if options.shard == (1, 1) and (options.out / "index.html").is_file():
        shown = display_path(options.out / "index.html", options.project)
        state.out.print(f"catalogue: {shown}", markup=False)


@click.command("index")
@verbosity
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output folder holding shards/ [default: PROJECT/build].",
)
@project_option
@click.pass_obj
def index_command(state: State, out: Path | None, project: Path) -> None:
    """Merge the reports of a sharded build (shards/K-of-N.json) into index.html and report.json."""
    from packager.engine.catalogue_page import merge_shards

    folder = out if out is not None else project / "build"
    try:
        count = merge_shards(folder)
    except InputError as exc:
        state.report(list(exc.diagnostics), False)
        sys.exit(EXIT_INPUT)
    if not state.quiet:
        state.out.print(
            f"merged {plural(count, 'shard')}: {display_path(folder / 'index.html', project)}",
            markup=False,
        )
