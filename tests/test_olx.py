"""The Open edX course export (OLX): valid (olxcleaner), complete, reproducible, checked."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from packager.api import BuildOptions
from packager.diagnostics import Problems
from packager.engine.runner import run
from packager.formats.olx.container import OlxChecker, check_olx, tar_gz
from packager.formats.olx.course import open_edx_license, render
from packager.formats.registry import RenderRequest
from packager.i18n.editions import Edition
from packager.languages import direction
from packager.render.document import render_document, render_inline_at, render_span
from packager.render.settings import alternatives
from packager.source.document import plain_text
from packager.source.licenses import LICENSES, other_license
from packager.source.model import PageKind
from tests.conftest import REPO

SAMPLE = "oer-recommendation"
LANGS = ("en", "fr", "es", "ar", "zh-Hans", "ru")
SCRIPTS = {"ar": "[\u0600-\u06ff]", "zh-Hans": "[\u4e00-\u9fff]", "ru": "[\u0400-\u04ff]"}
RESPONSES = {
    "single-choice": "multiplechoiceresponse",
    "true-false": "multiplechoiceresponse",
    "multiple-response": "choiceresponse",
    "short-answer": "stringresponse",
}


def _render(edition: Edition, published: tuple[str, ...]) -> bytes:
    options = BuildOptions(project=REPO, out=REPO / "build")
    return render(RenderRequest(edition, options, published))


@pytest.fixture(scope="module")
def exports(sample_editions: dict[str, Edition]) -> dict[str, bytes]:
    return {lang: _render(e, tuple(sample_editions)) for lang, e in sample_editions.items()}


def _files(data: bytes) -> dict[str, bytes]:
    """The export's files, read back by the same safe reader ``packager check`` uses."""
    checker = OlxChecker("x.olx.tar.gz", Problems())
    checker.check(data)
    assert not checker.problems.errors, [d.format() for d in checker.problems]
    return {name.removeprefix("course/"): data for name, data in checker.files.items()}


def _olxcleaner(data: bytes, folder: Path) -> tuple[list[Any], dict[str, Any]]:
    from olxcleaner import validate

    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(folder, filter="data")
    _, store, url_names = validate(str(folder / "course"), steps=8)
    return store.errors, url_names


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _html_text(html: str) -> str:
    return _text(lxml_html.fragment_fromstring(html, create_parent="div")) if html.strip() else ""


@pytest.mark.parametrize("lang", LANGS)
def test_olxcleaner_finds_nothing_in_any_language(
    exports: dict[str, bytes], sample_editions: dict[str, Edition], lang: str, tmp_path: Path
) -> None:
    """No error, no warning, and the whole course was read: every block and its links."""
    errors, url_names = _olxcleaner(exports[lang], tmp_path / "ok")
    assert [(e.level, e.name, e.filename, e.description) for e in errors] == []
    course = sample_editions[lang].course
    units = {f"unit-{p.id}" for p in course.pages}
    assert units <= set(url_names)
    questions = sum(len(p.document.questions) for p in course.pages)
    assert sum(o.type == "problem" for o in url_names.values()) == questions
    # The same checker does see a link to a block that is not there.
    files = _files(exports[lang])
    files["html/html-quiz-1.html"] = files["html/html-quiz-1.html"].replace(
        b"</div>\n", b'<a href="/jump_to_id/unit-gone">x</a></div>\n', 1
    )
    errors, _ = _olxcleaner(tar_gz(files, __import__("datetime").datetime(2020, 1, 1)), tmp_path)
    assert [e.name for e in errors] == ["BadJumpToLink"]


def test_two_renders_give_identical_bytes_and_fixed_headers(
    exports: dict[str, bytes], sample_editions: dict[str, Edition]
) -> None:
    again = _render(sample_editions["ar"], tuple(sample_editions))
    assert again == exports["ar"]
    assert exports["ar"][4:8] == b"\0\0\0\0"  # gzip time 0
    assert exports["ar"][3] & 0x08 == 0  # and no file name
    with tarfile.open(fileobj=io.BytesIO(exports["ar"])) as archive:
        members = archive.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names) and names[0] == "course"
    assert "course/course.xml" in names
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    assert {m.mtime for m in members} == {1795737600}  # the course's `updated` day, 2026-11-27
    assert {m.mode for m in members if m.isfile()} == {0o644}
    assert {m.mode for m in members if m.isdir()} == {0o755}


@pytest.mark.parametrize("lang", LANGS)
def test_read_back_every_page_link_question_answer_and_feedback(
    exports: dict[str, bytes], sample_editions: dict[str, Edition], lang: str
) -> None:
    """Every page, link, question, answer and feedback text of the edition is in the export,
    in the outline's order, in the language's script and direction."""
    edition = sample_editions[lang]
    course, files = edition.course, _files(exports[lang])
    dirn = direction(lang)
    top = etree.fromstring(files["course.xml"])
    run_name = top.get("url_name")
    assert (top.get("org"), top.get("course"), run_name) == (
        "OERFoundation",
        SAMPLE,
        f"1.0.0_{lang}",
    )
    root = etree.fromstring(files[f"course/{run_name}.xml"])
    assert root.get("display_name") == course.title
    assert root.get("language") == lang
    assert root.get("license") == "creative-commons: ver=4.0 BY SA"
    assert f"static/{root.get('course_image')}" in files
    url_names = {
        name.rsplit("/", 1)[-1].removesuffix(".xml")
        for name in files
        if name.endswith(".xml") and "/" in name
    }
    chapters = [etree.fromstring(files[f"chapter/{c.get('url_name')}.xml"]) for c in root]
    assert [c.get("display_name") for c in chapters] == [m.title for m in course.modules]
    ctx = _context(edition)
    for chapter, module in zip(chapters, course.modules, strict=True):
        sequentials = [
            etree.fromstring(files[f"sequential/{s.get('url_name')}.xml"]) for s in chapter
        ]
        assert [s.get("display_name") for s in sequentials] == [p.title for p in module.pages]
        for sequential, page in zip(sequentials, module.pages, strict=True):
            (pointer,) = sequential
            unit = etree.fromstring(files[f"vertical/{pointer.get('url_name')}.xml"])
            assert unit.get("display_name") == page.title
            html, problems = [], []
            for component in unit:
                name = component.get("url_name")
                if component.tag == "html":
                    text = files[f"html/{name}.html"].decode()
                    div = lxml_html.fragment_fromstring(text)
                    assert (div.tag, div.get("lang"), div.get("dir")) == ("div", lang, dirn)
                    assert not re.search(r"<!DOCTYPE|<html|<head|<body", text, re.I)
                    html.append(div)
                elif component.tag == "problem":
                    problems.append(etree.fromstring(files[f"problem/{name}.xml"]))
            links = [a.get("href") for d in html + problems for a in d.iter("a")]
            for link in links:
                if link.startswith("/jump_to_id/"):
                    assert link.removeprefix("/jump_to_id/") in url_names, link
            for d in html:
                for img in d.iter("img"):
                    assert img.get("src").removeprefix("/static/") in {
                        n.removeprefix("static/") for n in files if n.startswith("static/")
                    }
                    assert img.get("alt")
            jumps = [link for link in links if link.startswith("/jump_to_id/")]
            assert len(jumps) >= sum(1 for link in page.document.links if link.page), page.id
            text = " ".join(_text(d) for d in html)
            rendered = lxml_html.fragment_fromstring(
                render_document(page.document, ctx), create_parent="div"
            )
            headings = [_text(h) for h in rendered.iter("h2", "h3", "h4")]
            assert [_text(h) for d in html for h in d.iter("h2", "h3", "h4")] == headings
            ids = {e.get("id") for d in html for e in d.iter()}
            assert {h.anchor for h in page.document.headings} <= ids
            for objective in page.objectives:
                assert _html_text(objective.replace("*", "")) in text
            if lang in SCRIPTS:
                assert re.search(SCRIPTS[lang], text)
            if page.kind is PageKind.WEBLINK:
                assert page.url in links
            if page.kind is PageKind.DISCUSSION:
                assert [c.tag for c in unit][-2:] == ["html", "discussion"]
                discussion = unit[-1]
                assert discussion.get("discussion_target") == page.title
                assert discussion.get("discussion_category") == module.title
            top_level = [
                q for q in page.document.questions if page.document.tokens[q.open].level == 0
            ]
            assert len(problems) == len(top_level)
            for question, problem in zip(top_level, problems, strict=True):
                _compare_question(page, question, problem, ctx, lang, dirn)
    about = _text(lxml_html.fragment_fromstring(files["about/overview.html"].decode()))
    for credit in course.media:
        assert credit.title in about and credit.author in about
    for author in course.authors:
        assert author.name in about
    assert course.description.split()[0] in about


def _context(edition: Edition) -> Any:
    from packager.formats.olx.course import _Export

    return _Export(edition, REPO).ctx


def _compare_question(
    page: Any, question: Any, problem: Any, ctx: Any, lang: str, dirn: str
) -> None:
    document = page.document
    (div,) = problem
    assert (div.get("lang"), div.get("dir")) == (lang, dirn)
    (response,) = div.findall(RESPONSES[question.kind])
    prompt = _html_text(render_span(document, question.prompt, ctx))
    assert prompt == _text(div).split(_text(response.find("description")))[0].strip()
    general = _html_text(render_span(document, question.feedback, ctx))
    solution = response.find("solution")
    assert (_text(solution) if solution is not None else "") == general
    if question.kind == "short-answer":
        expected = [
            a
            for o in question.options
            for a in alternatives(plain_text(document.tokens[o.inline].children))
        ]
        found = [response.get("answer")] + [
            a.get("answer") for a in response.iter("additional_answer")
        ]
        assert found == expected
        return
    choices = list(response.iter("choice"))
    assert [c.get("correct") for c in choices] == [str(o.correct).lower() for o in question.options]
    for choice, option in zip(choices, question.options, strict=True):
        hint = choice.find("choicehint")
        label = (choice.text or "") + "".join(
            etree.tostring(c, encoding="unicode", with_tail=True)
            for c in choice
            if c.tag != "choicehint"
        )
        if hint is not None:
            label = label.replace(etree.tostring(hint, encoding="unicode", with_tail=False), "")
        assert _html_text(label) == _html_text(render_inline_at(document, option.inline, ctx))
        feedback = _html_text(render_span(document, option.feedback, ctx))
        assert (_text(hint) if hint is not None else "") == feedback
        if hint is not None and question.kind == "multiple-response":
            assert hint.get("selected") == "true"


def test_licences_map_to_open_edx_values() -> None:
    values = {spdx: open_edx_license(lic) for spdx, lic in LICENSES.items()}
    assert values == {
        "CC-BY-4.0": "creative-commons: ver=4.0 BY",
        "CC-BY-SA-4.0": "creative-commons: ver=4.0 BY SA",
        "CC-BY-NC-4.0": "creative-commons: ver=4.0 BY NC",
        "CC-BY-NC-SA-4.0": "creative-commons: ver=4.0 BY NC SA",
        "CC-BY-ND-4.0": "creative-commons: ver=4.0 BY ND",
        "CC-BY-NC-ND-4.0": "creative-commons: ver=4.0 BY NC ND",
        "CC0-1.0": "creative-commons: ver=1.0",
    }
    assert open_edx_license(other_license("All rights reserved", None)) is None


def _tar(entries: list[tuple[str, bytes | None, bytes]]) -> bytes:
    """A hand-made export: (name, data or None for a symbolic link, link target)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data, target in entries:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, target.decode()
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def _check(data: bytes) -> list[str]:
    problems = Problems()
    check_olx(data, "x.tar.gz", problems)
    return [d.format() for d in problems.sorted()]


def test_the_check_refuses_unsafe_archives() -> None:
    assert _check(b"not gzip") == [
        "x.tar.gz:1:1: error[olx-archive]: this is not a gzip-compressed tar file: "
        "Not a gzipped file (b'no')"
    ]
    data = _tar([("../evil.xml", b"<x/>", b""), ("course/static/a", None, b"/etc/passwd")])
    assert _check(data) == [
        "x.tar.gz:1:1: error[olx-path]: the entry '../evil.xml' points outside the archive",
        "x.tar.gz:1:1: error[olx-path]: the entry 'course/static/a' is a link",
    ]
    assert _check(_tar([("course/about/overview.html", b"", b"")])) == [
        "x.tar.gz:1:1: error[olx-course]: no course.xml at the top of the archive or in its folder"
    ]


def test_the_check_finds_missing_blocks_links_and_policies() -> None:
    course = b'<course url_name="r" org="o" course="c"/>'
    run = b'<course display_name="C">\n<chapter url_name="ch"/>\n<chapter url_name="gone"/>\n</course>'
    chapter = b'<chapter display_name="Ch"><vertical url_name="v"/></chapter>'
    data = _tar(
        [
            ("course/course.xml", course, b""),
            ("course/course/r.xml", run, b""),
            ("course/chapter/ch.xml", chapter, b""),
            ("course/policies/r/policy.json", b"{", b""),
        ]
    )
    assert _check(data) == [
        "x.tar.gz/course/chapter/ch.xml:1:1: error[olx-structure]: <chapter> may hold <sequential>, not <vertical>",
        "x.tar.gz/course/course.xml:1:1: error[olx-policy]: no policies/r/grading_policy.json",
        "x.tar.gz/course/course/r.xml:3:1: error[olx-pointer]: <chapter url_name='gone'> points at chapter/gone.xml, which is not in the archive",
        "x.tar.gz/course/policies/r/policy.json:1:1: error[olx-policy]: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ]
    html = b'<div><a href="/jump_to_id/nowhere">x</a> <img src="/static/none.png" alt="x"></div>'
    chapter = b'<chapter display_name="Ch"><sequential url_name="s"/></chapter>'
    data = _tar(
        [
            ("course/course.xml", course, b""),
            ("course/course/r.xml", b'<course><chapter url_name="ch"/></course>', b""),
            ("course/chapter/ch.xml", chapter, b""),
            ("course/sequential/s.xml", b'<sequential><vertical url_name="v"/></sequential>', b""),
            ("course/vertical/v.xml", b'<vertical><html url_name="h"/></vertical>', b""),
            ("course/html/h.xml", b'<html filename="h" display_name="H"/>', b""),
            ("course/html/h.html", html, b""),
            ("course/policies/r/policy.json", b"{}", b""),
            ("course/policies/r/grading_policy.json", b"{}", b""),
        ]
    )
    assert _check(data) == [
        "x.tar.gz/course/html/h.html:1:1: error[olx-link]: the link /jump_to_id/nowhere names no block of the course",
        "x.tar.gz/course/html/h.html:1:1: error[olx-link]: the link /static/none.png names no file in static/",
    ]


def test_the_build_writes_the_export_beside_the_other_outputs(sample_project: Path) -> None:
    shutil.copytree(REPO / "locales", sample_project / "locales")
    out = sample_project / "build"
    options = BuildOptions(project=sample_project, out=out, formats=("olx",), langs=("en", "ar"))
    built = sorted((r.lang, r.format) for r in run(options).results if r.status == "built")
    assert built == [("ar", "olx"), ("en", "olx")]
    path = out / SAMPLE / "ar" / f"{SAMPLE}-ar.olx.tar.gz"
    assert path.is_file()
    assert f'href="{SAMPLE}/ar/{SAMPLE}-ar.olx.tar.gz"' in (out / "index.html").read_text()
    report = json.loads((out / "report.json").read_text())
    assert "olx" in report["courses"][0]["languages"][0]["outputs"]
    first = path.read_bytes()
    run(BuildOptions(project=sample_project, out=out, formats=("olx",), langs=("ar",), force=True))
    assert path.read_bytes() == first


def test_check_command_on_an_export(exports: dict[str, bytes], tmp_path: Path) -> None:
    from tests.test_cli import run

    good = tmp_path / "ar.olx.tar.gz"
    good.write_bytes(exports["ar"])
    result = run("check", str(good), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "ok: 1 Open edX export"
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(_tar([("course/../../x", b"", b"")]))
    result = run("check", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{bad}:1:1: error[olx-path]: the entry 'course/../../x' points outside the archive"
    )
    assert "Traceback" not in result.stderr
