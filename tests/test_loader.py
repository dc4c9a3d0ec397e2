"""Loading and checking courses: each problem with its exact location and message.

One-problem cases are rows of the corpus in ``test_corpus.py``; these tests need more than a row.
"""

from __future__ import annotations

from tests.conftest import COURSE_YAML, INTRO, CourseFactory, load

Y = "courses/demo/course.yaml"
INTRO_MD = "courses/demo/pages/intro.md"


def test_valid_course_loads(make_course: CourseFactory) -> None:
    course, problems = load(make_course())
    assert problems == []
    assert course is not None
    assert [p.id for p in course.pages] == ["intro", "quiz"]
    assert course.license.spdx == "CC-BY-4.0"
    assert course.modules[0].duration == 15
    assert course.pages[1].document.questions[0].options[0].correct is True


def test_norwegian_is_a_language_not_false(make_course: CourseFactory) -> None:
    course, problems = load(
        make_course({"course.yaml": COURSE_YAML.replace("language: en", "language: no")})
    )
    assert problems == []
    assert course is not None and course.language == "no"


def test_orphan_page_is_a_warning_only(make_course: CourseFactory) -> None:
    course, problems = load(make_course({"pages/extra.md": INTRO}))
    assert problems == [
        "courses/demo/pages/extra.md:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built"
    ]
    assert course is not None


def test_front_matter_problems(make_course: CourseFactory) -> None:
    page = "---\ntitle: Intro\nduraton: 10\nkind: lesson\n---\n\nText.\n"
    _course, problems = load(make_course({"pages/intro.md": page}))
    assert problems == [
        f"{INTRO_MD}:3:1: error[unknown-key]: unknown key 'duraton' in the front matter (did you mean 'duration'?)",
        f"{INTRO_MD}:4:7: error[page-kind]: unknown page kind 'lesson'; use one of: page, quiz, discussion, weblink",
    ]


def test_weblink_needs_url(make_course: CourseFactory) -> None:
    page = "---\ntitle: Read it\nkind: weblink\nduration: 5\n---\n\nRead this.\n"
    _course, problems = load(make_course({"pages/intro.md": page}))
    assert problems == [f"{INTRO_MD}:2:1: error[missing-key]: a weblink page needs the key 'url'"]


def test_all_problems_are_reported_together(make_course: CourseFactory) -> None:
    yaml_text = COURSE_YAML.replace("language: en", "language: zz-Qq").replace(
        "license: CC-BY-4.0", "license: GPL"
    )
    page = INTRO + "\n[bad](gone.md)\n"
    _course, problems = load(make_course({"course.yaml": yaml_text, "pages/intro.md": page}))
    assert [p.split(": ")[1].split("[")[1].rstrip("]") for p in problems] == [
        "invalid-language",
        "unknown-license",
        "broken-link",
    ]
