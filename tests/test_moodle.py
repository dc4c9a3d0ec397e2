"""The Moodle backup output format: read back, complete, in the language's direction, with links
between pages in Moodle's encoded form, correct grading, and reproducible."""

from __future__ import annotations

import io
import re
import tarfile

import lxml.html
import pytest
from lxml import etree

from packager.api import check_all
from packager.diagnostics import Problems
from packager.formats.moodle.backup import backup_files
from packager.formats.moodle.files import tar_gz
from packager.i18n.editions import Edition
from packager.languages import direction
from packager.render.document import render_span
from packager.render.settings import RenderContext
from packager.source.model import PageKind
from tests.conftest import QUIZ, REPO, CourseFactory

SAMPLE = "oer-recommendation"
LANGS = ("en", "ar")


@pytest.fixture(scope="module")
def editions() -> dict[str, Edition]:
    problems = Problems()
    found = check_all(REPO, (SAMPLE,), problems)
    assert not problems.errors
    return {e.lang: e for e in found if e.lang in LANGS}


@pytest.fixture(scope="module")
def backups(editions: dict[str, Edition]) -> dict[str, dict[str, bytes]]:
    archives = {lang: tar_gz(backup_files(e), e.course) for lang, e in editions.items()}
    read = {}
    for lang, data in archives.items():
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            read[lang] = {
                m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers()
            }
    return read


def _xml(files: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(files[name])


def _text(html: str) -> str:
    if not html.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def _activities(files: dict[str, bytes]) -> list[tuple[int, str, str]]:
    root = _xml(files, "moodle_backup.xml")
    return [
        (
            int(a.findtext("moduleid") or 0),
            a.findtext("modulename") or "",
            a.findtext("title") or "",
        )
        for a in root.iter("activity")
        if a.find("moduleid") is not None
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_xml_is_well_formed_and_every_stored_file_is_there(
    backups: dict[str, dict[str, bytes]], lang: str
) -> None:
    files = backups[lang]
    for name, data in files.items():
        if name.endswith(".xml"):
            etree.fromstring(data)  # raises if not well formed
    records = _xml(files, "files.xml").findall("file")
    assert records
    ids = {r.get("id") for r in records}
    for record in records:
        digest = record.findtext("contenthash") or ""
        assert f"files/{digest[:2]}/{digest}" in files
    referenced = {
        f.findtext("id")
        for name in files
        if name.endswith("inforef.xml")
        for f in _xml(files, name).iter("file")
    }
    assert referenced == ids
    # every image a text shows is a file of that text's context
    for name in files:
        if not name.endswith("/page.xml"):
            continue
        root = _xml(files, name)
        context = root.get("contextid")
        stored = {r.findtext("filename") for r in records if r.findtext("contextid") == context}
        content = root.findtext("page/content") or ""
        for src in re.findall(r'src="@@PLUGINFILE@@/([^"]+)"', content):
            assert src in stored, (name, src)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_and_section_is_there_named_in_the_language_direction(
    editions: dict[str, Edition], backups: dict[str, dict[str, bytes]], lang: str
) -> None:
    course, files = editions[lang].course, backups[lang]
    opening = f'<div lang="{lang}" dir="{direction(lang)}">'
    assert _xml(files, "course/course.xml").findtext("lang") == lang
    activities = _activities(files)
    kinds = {PageKind.WEBLINK: "url", PageKind.DISCUSSION: "forum", PageKind.QUIZ: "quiz"}
    expected = [(kinds.get(p.kind, "page"), p.title) for m in course.modules for p in m.pages]
    assert [(mod, title) for _, mod, title in activities[1:]] == expected
    names = [
        _xml(files, f"sections/section_{n + 1}/section.xml").findtext("name")
        for n in range(1, len(course.modules) + 1)
    ]
    assert names == [m.title for m in course.modules]
    for cmid, mod, _ in activities:
        root = _xml(files, f"activities/{mod}_{cmid}/{mod}.xml")
        text = root.findtext(f"{mod}/content" if mod == "page" else f"{mod}/intro") or ""
        if mod != "url":
            assert text.startswith(opening), (mod, text[:80])
        if mod == "forum":  # the prompt, and the community's forum the author named
            assert course.forum_url and course.forum_url in text


@pytest.mark.parametrize("lang", LANGS)
def test_links_between_pages_use_moodles_encoded_form(
    editions: dict[str, Edition], backups: dict[str, dict[str, bytes]], lang: str
) -> None:
    files = backups[lang]
    cmids = {cmid: mod for cmid, mod, _ in _activities(files)}
    found = 0
    for name, data in files.items():
        if not name.endswith(".xml") or name.startswith("files"):
            continue
        text = data.decode()
        assert ".html" not in re.sub(r"https?://\S+", "", text), name
        assert "@@PACKAGER-PAGE@@" not in text
        for kind, cmid in re.findall(r"\$@([A-Z]+)VIEWBYID\*(\d+)@\$", text):
            found += 1
            assert kind in ("PAGE", "URL", "FORUM", "QUIZ", "COURSE")
            if kind != "COURSE":
                assert cmids[int(cmid)] == kind.lower()
    assert found >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_every_question_answer_score_and_feedback_with_full_marks_full_grade(
    editions: dict[str, Edition], backups: dict[str, dict[str, bytes]], lang: str
) -> None:
    course, files = editions[lang].course, backups[lang]
    ctx = RenderContext(gettext=str, questions=False)
    bank = {
        q.getparent().getparent().getparent().getparent().get("id"): q  # type: ignore[union-attr]
        for q in _xml(files, "questions.xml").iter("question")
    }
    quizzes = [p for m in course.modules for p in m.pages if p.kind is PageKind.QUIZ]
    assert quizzes
    for cmid, mod, _ in _activities(files):
        if mod != "quiz":
            continue
        page = quizzes.pop(0)
        quiz = _xml(files, f"activities/quiz_{cmid}/quiz.xml").find("quiz")
        assert quiz is not None
        slots = quiz.findall("question_instances/question_instance")
        marks = sum(float(s.findtext("maxmark") or 0) for s in slots)
        assert float(quiz.findtext("sumgrades") or 0) == marks == len(page.document.questions)
        assert float(quiz.findtext("grade") or 0) == 10
        grades = _xml(files, f"activities/quiz_{cmid}/grades.xml")
        assert grades.findtext("grade_items/grade_item/grademax") == "10.00000"
        for slot, question in zip(slots, page.document.questions, strict=True):
            entry = slot.findtext("question_reference/questionbankentryid")
            stored = bank[entry]
            assert stored.findtext("questiontext", "").startswith(f'<div lang="{lang}"')
            assert _text(render_span(page.document, question.prompt, ctx)) in _text(
                stored.findtext("questiontext") or ""
            )
            general = _text(render_span(page.document, question.feedback, ctx))
            assert general in _text(stored.findtext("generalfeedback") or "")
            answers = stored.findall(".//answers/answer")
            for option in question.options:
                feedback = _text(render_span(page.document, option.feedback, ctx))
                mine = [
                    a
                    for a in answers
                    if feedback and feedback in _text(a.findtext("feedback") or "")
                ]
                assert mine or not feedback, feedback
            fractions = [float(a.findtext("fraction") or 0) for a in answers]
            if question.kind == "multiple-response":
                assert sum(f for f in fractions if f > 0) == pytest.approx(1.0, abs=1e-6)
            else:
                assert max(fractions) == 1.0


def test_two_builds_are_byte_identical(editions: dict[str, Edition]) -> None:
    edition = editions["ar"]
    first = tar_gz(backup_files(edition), edition.course)
    second = tar_gz(backup_files(edition), edition.course)
    assert first == second
    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        assert tar.getnames()[0] == "moodle_backup.xml"


def test_an_image_in_a_question_is_a_file_of_the_question(make_course: CourseFactory) -> None:
    """The restore rewrites @@PLUGINFILE@@ in a question's text to the question's own files:
    the image must be stored there, or it is broken in the question bank."""
    quiz = QUIZ.replace("Pick one.", "Pick one. ![A picture](media/pic.svg)")
    project = make_course({"pages/quiz.md": quiz})
    problems = Problems()
    (edition,) = check_all(project, ("demo",), problems)
    assert not problems.errors
    files = backup_files(edition)
    question = _xml(files, "questions.xml").find(".//question")
    assert question is not None
    assert 'src="@@PLUGINFILE@@/pic.svg"' in (question.findtext("questiontext") or "")
    records = [
        (
            r.findtext("component"),
            r.findtext("filearea"),
            r.findtext("itemid"),
            r.findtext("filename"),
        )
        for r in _xml(files, "files.xml").iter("file")
    ]
    assert ("question", "questiontext", question.get("id"), "pic.svg") in records
