"""``packager serve``: a local preview that rebuilds what changed and reloads the page.

The server listens on the loopback interface only and serves the output folder read-only.
Every HTML page it sends gets one extra ``<script src="/__packager/reload.js">`` (the built
files are never touched): the script listens on ``/__packager/events`` (server-sent events)
and reloads the page after each rebuild. Sources, catalogues and templates are watched with
watchfiles; a save rebuilds through the same incremental engine as ``packager build``, in this
process, so the loaded courses and templates stay warm between saves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

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
