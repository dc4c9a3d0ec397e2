"""The command line as users run it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from packager.formats.registry import FORMATS
from tests.conftest import INTRO, REPO, CourseFactory


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "packager", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_build_prints_where_the_site_is(make_course: CourseFactory) -> None:
    project = make_course()
    result = run("build", "-v", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "built demo [en] html: build/demo/en/html/index.html" in result.stdout
    assert "built demo [en] epub: build/demo/en/demo-en.epub" in result.stdout
    assert "built demo [en] olx: build/demo/en/demo-en.olx.tar.gz" in result.stdout
    assert "built demo [en] mbz: build/demo/en/demo-en.mbz" in result.stdout
    assert "built demo [en] wxr: build/demo/en/demo-en.xml" in result.stdout
    assert f"{len(FORMATS)} built, 0 unchanged, 0 failed" in result.stdout
    assert "catalogue: build/index.html" in result.stdout
    assert (project / "build/demo/en/html/index.html").is_file()


def test_bad_course_exits_1_with_located_errors_and_no_output(make_course: CourseFactory) -> None:
    project = make_course({"pages/intro.md": INTRO + "\n![x](media/none.png)\n[y](javascript:x)\n"})
    result = run("build", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "courses/demo/pages/intro.md:10:6: error[missing-media]: the image file 'media/none.png' does not exist",
        "courses/demo/pages/intro.md:11:5: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:x)",
        "2 errors, 0 warnings",
        f"build failed: {len(FORMATS)} of {len(FORMATS)} outputs failed; their previous versions are unchanged",
    ]
    assert "Traceback" not in result.stderr
    assert f"0 built, 0 unchanged, {len(FORMATS)} failed" in result.stdout
    assert sorted(p.name for p in (project / "build").iterdir()) == [".packager"]


def test_check_writes_nothing_and_counts(make_course: CourseFactory) -> None:
    project = make_course()
    result = run("check", cwd=project)
    assert result.returncode == 0
    assert result.stdout.strip() == "ok: 1 course, 2 pages, 0 published translations"
    assert not (project / "build").exists()


def test_strict_check_fails_on_warnings(make_course: CourseFactory) -> None:
    project = make_course({"pages/extra.md": INTRO})
    assert run("check", cwd=project).returncode == 0
    result = run("check", "--strict", cwd=project)
    assert result.returncode == 1
    assert "warning[orphan-page]" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = run("build", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr


def test_unknown_course_is_an_input_error(make_course: CourseFactory) -> None:
    result = run("build", "nope", cwd=make_course())
    assert result.returncode == 1
    assert (
        "courses/nope/course.yaml:1:1: error[missing-course]: no course 'nope': courses/nope/course.yaml does not exist"
        in result.stderr
    )


def test_empty_project(tmp_path: Path) -> None:
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "error[no-courses]" in result.stderr


def test_version_and_help() -> None:
    assert run("--version", cwd=REPO).stdout.startswith("packager, version ")
    for command in ("build", "check", "new"):
        result = run(command, "--help", cwd=REPO)
        assert result.returncode == 0 and "Usage:" in result.stdout


def test_new_course_builds_at_once(tmp_path: Path) -> None:
    result = run("new", "my-course", "--title", 'A "quoted" title', cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    build = run("build", "--strict", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    index = (tmp_path / "build/my-course/en/html/index.html").read_text()
    assert "<h1>A &#34;quoted&#34; title</h1>" in index
    # media/ holds an example figure (an empty folder would not even survive git), credited.
    assert [p.name for p in (tmp_path / "courses/my-course/media").iterdir()] == ["course-map.svg"]
    welcome = (tmp_path / "build/my-course/en/html/welcome.html").read_text()
    assert "<figcaption>" in welcome and "The pages of this course" in welcome


def test_new_refuses_bad_id_and_existing_course(tmp_path: Path) -> None:
    assert run("new", "Bad Id", cwd=tmp_path).returncode == 1
    assert run("new", "ok", cwd=tmp_path).returncode == 0
    again = run("new", "ok", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_build_py_builds_like_the_cli(make_course: CourseFactory) -> None:
    project = make_course()
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--project", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (project / "build/demo/en/html/intro.html").is_file()


def test_quiet_after_the_command_prints_nothing(make_course: CourseFactory) -> None:
    result = run("build", "-q", cwd=make_course())
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_a_refused_stylesheet_font_fails_cleanly(make_course: CourseFactory) -> None:
    """Regression: a stylesheet ``@font-face`` left a font folder whose clean-up printed a
    traceback at interpreter exit."""
    css = '@font-face { font-family: X; src: url("https://example.org/x.woff2") }\n'
    project = make_course({"templates/static/print.css": css})
    result = run("build", "--format", "pdf", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "error[pdf-fetch]" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_an_interrupted_build_says_so_in_its_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: an interrupt before any output ended with "nothing to do: 0 outputs up to date"."""
    from packager.api import BuildOptions
    from packager.cli.build import print_summary
    from packager.cli.common import State
    from packager.engine.runner import Report

    print_summary(State(), Report(interrupted=True), BuildOptions(tmp_path, tmp_path / "out"))
    assert capsys.readouterr().out == "interrupted after 0 built, 0 unchanged, 0 failed (0.0 s)\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="./dev calls apt-get only as root")
def test_dev_waits_for_the_apt_lock(tmp_path: Path) -> None:
    """Regression: `./dev build` failed at once with apt's exit code 100 while another apt-get
    held the lock. A fake apt-get records its arguments (and stops the script at install)."""
    (tmp_path / "dev").write_bytes((REPO / "dev").read_bytes())
    (tmp_path / "dev").chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")  # nothing is installed
    (bin_dir / "apt-get").write_text(
        '#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\ncase "$*" in *install*) exit 7;; esac\n'
    )
    for tool in ("dpkg-query", "apt-get"):
        (bin_dir / tool).chmod(0o755)
    result = subprocess.run(
        [str(tmp_path / "dev"), "build"],
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 7
    assert "waiting up to 300 s for it" in result.stdout
    calls = (bin_dir / "calls").read_text().splitlines()
    assert [c.split()[:4] for c in calls] == [
        ["-o", "DPkg::Lock::Timeout=300", "-o", "Acquire::Lock::Timeout=300"]
    ] * 2
    assert calls[0].endswith("update -qq") and " install -y " in calls[1]


@pytest.mark.parametrize("value", ["abc", "99999999999999", "-1", "1.5"])
@pytest.mark.parametrize(
    "command",
    [
        ("build",),
        ("serve", "--port", "0"),
        ("extract",),
        ("update",),
        ("init", "demo", "--lang", "fr"),
    ],
)
def test_a_bad_source_date_epoch_is_one_usage_error_for_every_command(
    make_course: CourseFactory, command: tuple[str, ...], value: str
) -> None:
    project = make_course()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": value}
    result = subprocess.run(
        [sys.executable, "-m", "packager", *command],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"Error: SOURCE_DATE_EPOCH={value!r} is not a date packager can use: give a whole number "
        "of seconds since 1970-01-01 00:00 UTC, from 0 to 253402300799 (9999-12-31), or unset it\n"
    )
    assert not (project / "build").exists() and not (project / "locales").exists()


def test_source_date_epoch_is_read_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from packager.sourcedate import SourceDateError, source_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert str(source_date()) == "9999-12-31 23:59:59+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300800")
    with pytest.raises(SourceDateError):
        source_date()
    sources = "".join(p.read_text() for p in (REPO / "src/packager").rglob("*.py"))
    assert sources.count('"SOURCE_DATE_EPOCH"') == 1  # sourcedate.NAME; nothing else reads it


def test_build_embeds_fonts_in_the_epub_when_asked(make_course: CourseFactory) -> None:
    """``--embed-fonts`` reaches the EPUB, and changing it rebuilds the book (it is an input)."""
    import zipfile

    project = make_course()
    book = project / "build/demo/en/demo-en.epub"
    assert run("build", "--format", "epub", cwd=project).returncode == 0
    with zipfile.ZipFile(book) as archive:
        assert not [n for n in archive.namelist() if n.startswith("EPUB/fonts/")]
    result = run("build", "--format", "epub", "--embed-fonts", cwd=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(book) as archive:
        assert sorted(n for n in archive.namelist() if n.startswith("EPUB/fonts/")) == [
            "EPUB/fonts/NotoSans-400.ttf",
            "EPUB/fonts/NotoSans-700.ttf",
        ]


def test_a_quiet_build_never_imports_rich(make_course: CourseFactory) -> None:
    """rich costs about 30 ms of CPU to import: a build that prints nothing (-q, as in CI)
    does not pay it, and a second, unchanged build (a no-op) neither."""
    project = make_course()
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('rich' in sys.modules))\n"
        "sys.argv = ['packager', 'build', '-q', '--format', 'html']\n"
        "from packager.__main__ import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    for _ in range(2):  # a build, then the no-op
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, env=env
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "False\n", "")
    assert (project / "build/demo/en/html/index.html").is_file()
