"""The command line as users run it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert "3 built, 0 unchanged, 0 failed" in result.stdout
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
        "build failed: 3 of 3 outputs failed; their previous versions are unchanged",
    ]
    assert "Traceback" not in result.stderr
    assert "0 built, 0 unchanged, 3 failed" in result.stdout
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
