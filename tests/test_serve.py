"""``packager serve`` (loopback preview with live reload) and ``--preview`` highlighting."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from tests.conftest import INTRO, REPO, CourseFactory
from tests.test_engine import _sample


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_serve_rebuilds_on_save_and_tells_the_page_to_reload(make_course: CourseFactory) -> None:
    project = make_course()
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "serve", "--port", "0"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        port = int(found.group(1))
        status, page = _get(port, "/demo/en/html/intro.html")
        assert status == 200
        assert '<script src="/__packager/reload.js" defer></script>\n</body>' in page
        assert "reload.js" not in (project / "build/demo/en/html/intro.html").read_text()
        assert "EventSource" in _get(port, "/__packager/reload.js")[1]
        events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        events.request("GET", "/__packager/events")
        stream = events.getresponse()
        first = int(stream.readline().removeprefix(b"data: "))
        (project / "courses/demo/pages/intro.md").write_text(INTRO + "\nA sentence saved later.\n")
        assert stream.readline() == b"\n"
        assert stream.readline() == f"data: {first + 1}\n".encode()
        events.close()
        assert "A sentence saved later." in _get(port, "/demo/en/html/intro.html")[1]
        assert _get(port, "/../../../etc/passwd")[0] == 404
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert "Traceback" not in err


def _lines(stream: IO[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """The lines of ``stream`` as they come, read by a thread (a blocking read cannot time out)."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True)
    reader.start()
    return lines, reader


def _line_with(lines: queue.Queue[str], text: str, seconds: float = 60) -> str:
    """The first line holding ``text`` within ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {seconds} s")


def test_serve_says_when_a_broken_build_works_again(make_course: CourseFactory) -> None:
    project = make_course()
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "serve", "--port", "0"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    page = project / "courses/demo/pages/intro.md"
    try:
        assert process.stdout is not None and process.stderr is not None
        (out, out_reader), (err, err_reader) = _lines(process.stdout), _lines(process.stderr)
        _line_with(out, "serving ")
        page.write_text(INTRO + "\n![x](media/none.png)\n")
        assert _line_with(err, "error[missing-media]").startswith(
            "courses/demo/pages/intro.md:10:6: error[missing-media]"
        )
        page.write_text(INTRO)  # back as it was: every output is up to date, nothing is built
        assert _line_with(err, "ok: ") == "ok: the build works again\n"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        for reader, stream in ((out_reader, process.stdout), (err_reader, process.stderr)):
            reader.join(timeout=30)
            stream.close()
    assert not any("Traceback" in line for line in list(err.queue))


def test_serve_listens_on_loopback_only(make_course: CourseFactory) -> None:
    from packager.cli.serve import Generation, start_server

    project = make_course()
    server = start_server(project, 0, Generation())
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()


def test_preview_highlights_fuzzy_and_untranslated_text(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    po = project / "locales/fr/LC_MESSAGES/oer-recommendation.po"
    text = po.read_text(encoding="utf-8")
    # One objective of a page becomes fuzzy, the next one untranslated.
    text = text.replace(
        '#, md-text\nmsgid "Explain what an open licence allows you to do."',
        '#, fuzzy, md-text\nmsgid "Explain what an open licence allows you to do."',
        1,
    )
    text = text.replace(
        'msgstr ""\n"Vérifier la licence d’une ressource trouvée en ligne, et créditer son auteur."',
        'msgstr ""',
        1,
    )
    po.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "packager",
            "build",
            "--preview",
            "--format",
            "html",
            "--lang",
            "fr",
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = (project / "build/preview/oer-recommendation/fr/html/what-are-oer.html").read_text()
    assert '<body class="preview">' in page
    assert '<span class="fuzzy">Expliquer ce qu’une licence ouverte' in page
    assert 'class="fallback">Check the licence of a resource' in page
    assert not (project / "build/oer-recommendation").exists()  # never where the real site goes
    # Without --preview, the fuzzy translation is not used at all.
    subprocess.run(
        [sys.executable, "-m", "packager", "build", "--format", "html", "--lang", "fr"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=True,
        capture_output=True,
    )
    real = (project / "build/oer-recommendation/fr/html/what-are-oer.html").read_text()
    assert 'class="fuzzy"' not in real and "Expliquer ce qu’une licence" not in real
    assert 'class="fallback">Explain what an open licence' in real
