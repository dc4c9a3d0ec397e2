"""``packager serve``: the command; the server itself (:mod:`serve`) is imported only when it
runs, so other commands start without http.server."""

from __future__ import annotations

import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.diagnostics import InputError, Severity, display_path
from packager.engine.options import BuildOptions
from packager.formats.registry import names

if TYPE_CHECKING:
    pass
from packager.cli.common import (
    EXIT_INPUT,
    LANGUAGE,
    State,
    check_source_date,
    project_option,
    verbosity,
)


@click.command("serve")
@verbosity
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
@project_option
@click.pass_obj
def serve_command(
    state: State,
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
    from packager.cli.serve import Generation, start_server, watch
    from packager.engine.runner import default_jobs, run

    check_source_date()
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
