"""``packager serve``: a local preview that rebuilds what changed and reloads the page.

The server listens on the loopback interface only and serves the output folder read-only.
Every HTML page it sends gets one extra ``<script src="/__packager/reload.js">`` (the built
files are never touched): the script listens on ``/__packager/events`` (server-sent events)
and reloads the page after each rebuild. Sources, catalogues and templates are watched with
watchfiles; a save rebuilds through the same incremental engine as ``packager build``, in this
process, so the loaded courses and templates stay warm between saves.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager.build.options import BuildOptions
from packager.diagnostics import InputError, Severity, display_path
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

RELOAD_JS = b"""\
(function () {
  var source = new EventSource("/__packager/events");
  var seen = null;
  source.onmessage = function (event) {
    if (seen !== null && event.data !== seen) { location.reload(); }
    seen = event.data;
  };
})();
"""
_TAG = b'<script src="/__packager/reload.js" defer></script>\n'


class Generation:
    """A counter of finished rebuilds that threads can wait on."""

    def __init__(self) -> None:
        self.value = 0
        self._changed = threading.Condition()

    def bump(self) -> None:
        with self._changed:
            self.value += 1
            self._changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.value != seen, timeout=timeout)
            return self.value


class _Handler(SimpleHTTPRequestHandler):
    generation: Generation

    def log_message(self, format: str, *args: object) -> None:
        pass  # the console shows builds, not every request

    def do_GET(self) -> None:
        if self.path == "/__packager/reload.js":
            self._send(RELOAD_JS, "text/javascript; charset=utf-8")
            return
        if self.path == "/__packager/events":
            self._events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes()
            at = page.rfind(b"</body>")
            page = page[:at] + _TAG + page[at:] if at >= 0 else page + _TAG
            self._send(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while True:
                current = self.generation.wait_past(seen, timeout=15)
                message = f"data: {current}\n\n" if current != seen else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            return


def start_server(out: Path, port: int, generation: Generation) -> ThreadingHTTPServer:
    """Serve ``out`` on 127.0.0.1:``port`` (0: any free port) from a background thread."""
    handler = type("Handler", (_Handler,), {"generation": generation})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="packager-serve", daemon=True).start()
    return server


def watch(
    project: Path,
    rebuild: Callable[[set[str]], None],
    ready: Callable[[], None],
    stop: threading.Event | None = None,
) -> None:
    """Call ``ready`` once the watcher runs, then ``rebuild`` after each burst of saves."""
    from watchfiles import watch as watch_files

    folders = [
        str(p)
        for p in (project / "courses", project / "locales", project / "templates")
        if p.is_dir()
    ]
    waiting = True
    for changes in watch_files(
        *folders,
        stop_event=stop,
        debounce=200,
        raise_interrupt=False,
        yield_on_timeout=True,  # a first, empty yield: the watcher is in place
        rust_timeout=300,
    ):
        if waiting:
            waiting = False
            ready()  # from here on no save is missed
        if changes:
            rebuild({path for _change, path in changes})


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
    from packager.build.engine import default_jobs, run
    from packager.cli.serve import Generation, start_server, watch

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
