"""Hostile and sloppy input: each case a regression test for a defect found in review."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from lxml import html as lxml_html

from packager.api import BuildOptions, build
from packager.diagnostics import InputError, Problems
from tests.conftest import COURSE_YAML, INTRO, CourseFactory, load
from tests.test_cli import run

INTRO_MD = "courses/demo/pages/intro.md"


def _page(body: str, front: str = "---\ntitle: Introduction\nduration: 10\n---\n\n") -> str:
    return front + body


def _build(project: Path) -> Path:
    (output,) = [
        o
        for o in build(
            BuildOptions(project=project, out=project / "build", formats=("html",)), Problems()
        )
        if o.lang == "en" and o.format == "html"
    ]
    return output.path


def _codes(project: Path) -> list[str]:
    _course, problems = load(project)
    return [p.split(": ")[1] for p in problems]


def test_links_to_html_in_media_are_refused_and_not_published(make_course: CourseFactory) -> None:
    project = make_course(
        {
            "media/evil.html": "<script>alert(1)</script>",
            "pages/intro.md": _page("See [it](media/evil.html).\n"),
        }
    )
    _course, problems = load(project)
    assert problems == [
        "courses/demo/media/evil.html:1:1: warning[media-type]: this type of file is not published (only images, documents, audio and video)",
        f"{INTRO_MD}:6:10: error[media-type]: the link 'media/evil.html' must be a document, image, audio or video file",
    ]


def test_hidden_media_files_are_not_published(make_course: CourseFactory) -> None:
    site = _build(make_course({"media/.git/config": "[core]"}))
    assert not (site / "media/.git").exists()


def test_svg_with_script_is_refused(make_course: CourseFactory) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>x</script></svg>'
    assert _codes(make_course({"media/bad.svg": svg})) == ["error[unsafe-svg]"]


def test_course_templates_are_sandboxed(make_course: CourseFactory) -> None:
    project = make_course(
        {
            "templates/credits.html": '{% extends "base.html" %}{% block main %}{{ cycler.__init__.__globals__.os.popen("id").read() }}{% endblock %}'
        }
    )
    result = run("build", cwd=project)
    assert result.returncode == 1
    assert (
        "courses/demo/templates/credits.html:1:1: error[template]: template error: access to attribute '__init__'"
        in result.stderr
    )
    assert "uid=" not in result.stderr + result.stdout


def test_yaml_alias_bomb_is_refused_at_once(make_course: CourseFactory) -> None:
    bomb = "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
        for name, prev in zip("abcdefgh", ["", *"abcdefg"], strict=True)
    )
    started = time.perf_counter()
    codes = _codes(
        make_course({"course.yaml": COURSE_YAML + "media:\n  x: 1\n" + bomb.replace("\n", "\n")})
    )
    assert time.perf_counter() - started < 5
    assert "error[yaml-alias]" in codes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_page_does_not_hang(make_course: CourseFactory) -> None:
    project = make_course(
        {"course.yaml": COURSE_YAML.replace("[intro, quiz]", "[intro, quiz, pipe]")}
    )
    os.mkfifo(project / "courses/demo/pages/pipe.md")
    _course, problems = load(project)
    assert (
        "courses/demo/pages/pipe.md:1:1: error[not-a-file]: the page is not a regular file"
        in problems
    )


def test_media_names_that_need_encoding_keep_their_credit(make_course: CourseFactory) -> None:
    yaml_text = (
        COURSE_YAML
        + "media:\n  café map.svg:\n    title: Cafés\n    author: Jane Third\n    license: CC-BY-NC-4.0\n"
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"></svg>'
    page = _page('![A map](<media/café map.svg> "Cafés of the town")\n')
    site = _build(
        make_course({"course.yaml": yaml_text, "media/café map.svg": svg, "pages/intro.md": page})
    )
    root = lxml_html.parse(str(site / "intro.html")).getroot()
    (img,) = root.find(".//main").iter("img")
    assert img.get("src") == "media/caf%C3%A9%20map.svg" and img.get("width") == "30"
    assert "“Cafés” by Jane Third, CC BY-NC 4.0" in root.find(".//figcaption").text_content()
    credits = (site / "credits.html").read_text()
    assert 'href="media/caf%C3%A9%20map.svg"' in credits


@pytest.mark.parametrize("name", ["index", "credits"])
def test_reserved_page_names(make_course: CourseFactory, name: str) -> None:
    project = make_course({f"pages/{name}.md": INTRO})
    _course, problems = load(project)
    assert (
        f"courses/demo/pages/{name}.md:1:1: error[reserved-page]: '{name}' is the name of a page the site makes itself; rename the file"
        in problems
    )


def test_a_long_code_fence_inside_a_box(make_course: CourseFactory) -> None:
    body = "::: note How to write a box\n````text\n```\n:::\n````\nAfter the example.\n:::\n\nLast words.\n"
    site = _build(make_course({"pages/intro.md": _page(body)}))
    html = (site / "intro.html").read_text()
    assert "<p>After the example.</p>" in html and "<p>Last words.</p>" in html


def test_short_answer_with_a_wrong_marker(make_course: CourseFactory) -> None:
    quiz = "---\ntitle: Quiz\nkind: quiz\nduration: 5\n---\n\n::: question short-answer\nYear? ___\n\n- [x] 2019\n- [ ] 2002\n:::\n"
    assert _codes(make_course({"pages/quiz.md": quiz})) == ["error[option-marker]"]


def test_option_without_text(make_course: CourseFactory) -> None:
    quiz = "---\ntitle: Quiz\nkind: quiz\nduration: 5\n---\n\n::: question single-choice\nPick.\n\n- [x]\n- [ ] B\n:::\n"
    assert _codes(make_course({"pages/quiz.md": quiz})) == ["error[option-text]"]


def test_absurd_svg_sizes_do_not_crash(make_course: CourseFactory) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e400 10"></svg>'
    site = _build(
        make_course({"media/huge.svg": svg, "pages/intro.md": _page("![x](media/huge.svg)\n")})
    )
    assert '<img src="media/huge.svg" alt="x" loading' in (site / "intro.html").read_text()


def test_heading_ids_never_take_the_pages_own_ids(make_course: CourseFactory) -> None:
    body = "## Main\n\n## fn1\n\n## Question 1 option 1\n\nText[^a].\n\n[^a]: Note.\n"
    quiz_body = "::: question single-choice\nPick.\n\n- [x] A[^b]\n\n  Because.\n- [ ] B\n:::\n\n[^b]: Note b.\n"
    site = _build(make_course({"pages/intro.md": _page(body + "\n" + quiz_body)}))
    root = lxml_html.parse(str(site / "intro.html")).getroot()
    ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"main-h", "fn1-h", "question-1-option-1-h"} <= set(ids)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("## Start <small>here\n", "error[raw-html]: <small> is never closed in this paragraph"),
        ("Text <span/> more.\n", "error[raw-html]: write <span>...</span>, not <span/>"),
        ("Text </sup> more.\n", "error[raw-html]: </sup> closes a tag that is not open"),
    ],
)
def test_inline_tags_must_balance(make_course: CourseFactory, body: str, message: str) -> None:
    _course, problems = load(make_course({"pages/intro.md": _page(body)}))
    assert [p.split(": ", 1)[1] for p in problems] == [message]


def test_objectives_are_checked_like_page_text(make_course: CourseFactory) -> None:
    front = "---\ntitle: Introduction\nduration: 10\nobjectives:\n  - '![p](//evil.example/pixel.png) and [q](nope.md)'\n---\n\n"
    codes = _codes(make_course({"pages/intro.md": _page("Text.\n", front)}))
    assert codes == ["error[broken-link]", "error[remote-media]"]


def test_half_hours_are_fine(make_course: CourseFactory) -> None:
    course, problems = load(
        make_course({"course.yaml": COURSE_YAML.replace("hours: 1", "hours: .5")})
    )
    assert problems == [] and course is not None and course.hours == 0.5


def test_project_option_before_the_command(make_course: CourseFactory, tmp_path: Path) -> None:
    project = make_course()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run("-C", str(project), "check", cwd=elsewhere).returncode == 0


def test_build_error_in_a_template_is_an_input_error(make_course: CourseFactory) -> None:
    project = make_course(
        {
            "templates/credits.html": "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}"
        }
    )
    with pytest.raises(InputError) as caught:
        build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    (problem,) = caught.value.diagnostics
    assert problem.format().startswith(
        "courses/demo/templates/credits.html:1:1: error[template]: template error: 'nope' is undefined"
    )


@pytest.mark.parametrize("name", ["templates/static/style.css", "templates/credits.html"])
def test_a_course_template_linking_out_of_the_course_is_refused(
    make_course: CourseFactory, tmp_path: Path, name: str
) -> None:
    """Review finding: a symlinked course template or static file published any file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    project = make_course()
    link = project / "courses/demo" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    result = run("build", "--format", "html", cwd=project)
    assert result.returncode == 1
    assert (
        f"courses/demo/{name}:1:1: error[path-outside-course]: the template is a link to a file "
        "outside the course's templates/ folder"
    ) in result.stderr
    assert not any(
        "SECRET" in p.read_text(errors="replace")
        for p in project.rglob("*.*")
        if p.is_file() and "build" in p.parts
    )
