"""Loading and checking courses: each problem with its exact location and message."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            COURSE_YAML + "colour: blue\n",
            [f"{Y}:13:1: error[unknown-key]: unknown key 'colour' in course.yaml"],
        ),
        (
            COURSE_YAML.replace("title: Demo course\n", "titel: Demo course\n"),
            [
                f"{Y}:1:1: error[missing-key]: course.yaml needs the key 'title'",
                f"{Y}:2:1: error[unknown-key]: unknown key 'titel' in course.yaml (did you mean 'title'?)",
            ],
        ),
        (
            COURSE_YAML.replace("language: en", "language: xx-Nope"),
            [
                f"{Y}:4:11: error[invalid-language]: unknown language code 'xx-Nope' (use BCP 47, like 'fr' or 'zh-Hans')"
            ],
        ),
        (
            COURSE_YAML.replace("license: CC-BY-4.0", "license: CC-BY-SA"),
            [
                f"{Y}:5:10: error[unknown-license]: unknown licence 'CC-BY-SA' (did you mean 'CC-BY-SA-4.0'?); "
                "use an SPDX id: CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0, CC-BY-ND-4.0, "
                "CC-BY-NC-ND-4.0, CC0-1.0"
            ],
        ),
        (
            COURSE_YAML.replace("hours: 1", "hours: many"),
            [f"{Y}:9:8: error[type]: 'hours' must be a number, not text"],
        ),
        (
            COURSE_YAML.replace("pages: [intro, quiz]", "pages: [intro, quiz, missing]"),
            [f"{Y}:12:26: error[missing-page]: the page 'missing' has no file pages/missing.md"],
        ),
        (
            COURSE_YAML.replace("pages: [intro, quiz]", "pages: [intro, quiz, intro]"),
            [
                f"{Y}:12:26: error[duplicate-page]: the page 'intro' is already in the outline (line 12)"
            ],
        ),
        (
            COURSE_YAML + "title: Again\n",
            [f"{Y}:13:1: error[duplicate-key]: duplicate key 'title' (first given on line 2)"],
        ),
        (
            COURSE_YAML.replace("hours: 1", "hours: [1"),
            [f"{Y}:10:8: error[yaml-syntax]: invalid YAML: did not find expected ',' or ']'"],
        ),
        (
            COURSE_YAML.replace("version: 1.0.0", "\tversion: 1.0.0"),
            [
                f"{Y}:8:1: error[yaml-syntax]: invalid YAML: a tab character cannot indent YAML; use spaces"
            ],
        ),
        (
            COURSE_YAML.replace("id: demo", "id: other"),
            [f"{Y}:1:5: error[course-id]: the id 'other' must match the folder name 'demo'"],
        ),
        (
            COURSE_YAML.replace(
                "  - title: Module one\n    pages: [intro, quiz]\n",
                "  - title: Module one\n    pages: []\n",
            ),
            [
                f"{Y}:12:12: error[empty]: the module 'Module one' has no pages",
                "courses/demo/pages/intro.md:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
                "courses/demo/pages/quiz.md:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
            ],
        ),
    ],
)
def test_course_yaml_problems(
    make_course: CourseFactory, yaml_text: str, expected: list[str]
) -> None:
    course, problems = load(make_course({"course.yaml": yaml_text}))
    assert problems == expected
    assert course is None


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


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "See ![a picture](media/nothere.png).\n",
            [
                f"{INTRO_MD}:8:18: error[missing-media]: the image file 'media/nothere.png' does not exist"
            ],
        ),
        (
            "![](media/pic.svg)\n",
            [
                f"{INTRO_MD}:8:5: warning[missing-alt]: the image 'media/pic.svg' has no alt text; "
                "describe it for readers who cannot see it"
            ],
        ),
        (
            "A [link](nowhere.md).\n",
            [
                f"{INTRO_MD}:8:10: error[broken-link]: the link names a page that is not in the outline: nowhere.md"
            ],
        ),
        (
            "A [link](quiz.md#nope).\n",
            [
                f"{INTRO_MD}:8:10: error[broken-link]: the page 'quiz' has no heading with the anchor #nope"
            ],
        ),
        (
            "Up [here](#first-section) and [there](#frist-section).\n",
            [
                f"{INTRO_MD}:8:39: error[broken-link]: the page 'intro' has no heading with the anchor "
                "#frist-section (did you mean 'first-section'?)"
            ],
        ),
        (
            "![x](../../../etc/passwd)\n",
            [
                f"{INTRO_MD}:8:6: error[path-outside-course]: the image path '../../../etc/passwd' points "
                "outside the course's media/ folder"
            ],
        ),
        (
            "![x](https://example.org/x.png)\n",
            [
                f"{INTRO_MD}:8:6: error[remote-media]: images must be files in the course's media/ folder, "
                "not 'https://example.org/x.png' (the course must work offline)"
            ],
        ),
        (
            "[click](javascript:alert(1))\n",
            [
                f"{INTRO_MD}:8:9: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:alert(1))"
            ],
        ),
        (
            "Hello <script>alert(1)</script>\n",
            [
                f"{INTRO_MD}:8:7: error[raw-html]: the HTML tag <script> is not allowed; allowed: <abbr>, <bdi>, "
                "<br>, <kbd>, <mark>, <small>, <span>, <sub>, <sup>",
                f"{INTRO_MD}:8:23: error[raw-html]: the HTML tag </script> is not allowed; allowed: <abbr>, <bdi>, "
                "<br>, <kbd>, <mark>, <small>, <span>, <sub>, <sup>",
            ],
        ),
        (
            '<span onclick="x()">hi</span>\n',
            [f"{INTRO_MD}:8:1: error[raw-html]: the attribute 'onclick' is not allowed on <span>"],
        ),
        (
            "<iframe src=x></iframe>\n",
            [
                f"{INTRO_MD}:8:1: error[raw-html]: raw HTML blocks are not allowed ('<iframe src=x></iframe>'); write Markdown instead"
            ],
        ),
        (
            "::: activity\nNever closed.\n",
            [
                f"{INTRO_MD}:8:1: error[unclosed-block]: the '::: activity' block is never closed; end it with a line ':::'"
            ],
        ),
        (
            "::: actvity\nText.\n:::\n",
            [
                f"{INTRO_MD}:8:5: error[unknown-box]: unknown box type 'actvity' (did you mean 'activity'?); use one of: "
                "objectives, key-points, activity, reflection, definition, reading, case-study, note, summary, "
                "discussion, question"
            ],
        ),
        (
            "# Big title\n",
            [
                f"{INTRO_MD}:10:1: warning[heading-level]: the page title is the page's only level-1 heading; start headings at ##"
            ],
        ),
        (
            "#### Too deep\n",
            [
                f"{INTRO_MD}:10:1: warning[heading-level]: heading level 4 follows level 2; do not skip levels"
            ],
        ),
    ],
)
def test_page_body_problems(make_course: CourseFactory, body: str, expected: list[str]) -> None:
    project = make_course(
        {
            "pages/intro.md": INTRO + "\n" + body
            if body.startswith("#")
            else INTRO.replace(
                "## First section\n\nSome *text* with a [link](quiz.md).\n",
                "## First section\n\n" + body,
            )
        }
    )
    _course, problems = load(project)
    assert problems == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "::: question single-choice\nPick.\n\n- [ ] A\n- [ ] B\n:::\n",
            "error[no-correct-answer]: question 1 has no correct answer; mark one with [x]",
        ),
        (
            "::: question single-choice\nPick.\n\n- [x] A\n- [x] B\n:::\n",
            "error[too-many-correct]: question 1 is single-choice but 2 options are marked [x]",
        ),
        (
            "::: question true-false\nPick.\n\n- [x] True\n- [ ] False\n- [ ] Maybe\n:::\n",
            "error[true-false-options]: question 1 is true-false but has 3 options, not 2",
        ),
        (
            "::: question single-choice\nPick.\n:::\n",
            "error[no-options]: question 1 has no list of options",
        ),
        (
            "::: question single-choice\n- [x] A\n- [ ] B\n:::\n",
            "error[no-prompt]: question 1 has no question text before its options",
        ),
        (
            "::: question single-choice\nPick.\n\n- A\n- [x] B\n:::\n",
            "error[option-marker]: an option starts with [x] (a correct answer) or [ ] (a wrong one)",
        ),
        (
            "::: question multiple-choice\nPick.\n\n- [x] A\n- [ ] B\n:::\n",
            "error[question-type]: unknown question type 'multiple-choice' (did you mean 'single-choice'?); "
            "use one of: single-choice, multiple-response, true-false, short-answer",
        ),
    ],
)
def test_question_problems(make_course: CourseFactory, question: str, expected: str) -> None:
    quiz = "---\ntitle: Quiz\nkind: quiz\nduration: 5\n---\n\n" + question
    _course, problems = load(make_course({"pages/quiz.md": quiz}))
    assert [p.split(": ", 1)[1] for p in problems] == [expected]
    assert all(p.startswith("courses/demo/pages/quiz.md:") for p in problems)


def test_front_matter_problems(make_course: CourseFactory) -> None:
    page = "---\ntitle: Intro\nduraton: 10\nkind: lesson\n---\n\nText.\n"
    _course, problems = load(make_course({"pages/intro.md": page}))
    assert problems == [
        f"{INTRO_MD}:2:1: error[missing-key]: the front matter needs the key 'duration'",
        f"{INTRO_MD}:3:1: error[unknown-key]: unknown key 'duraton' in the front matter (did you mean 'duration'?)",
        f"{INTRO_MD}:4:7: error[page-kind]: unknown page kind 'lesson'; use one of: page, quiz, discussion, weblink",
    ]


def test_page_without_front_matter(make_course: CourseFactory) -> None:
    _course, problems = load(make_course({"pages/intro.md": "Just text.\n"}))
    assert problems == [
        f"{INTRO_MD}:1:1: error[front-matter]: a page starts with front matter between '---' lines (title, duration)"
    ]


def test_weblink_needs_url(make_course: CourseFactory) -> None:
    page = "---\ntitle: Read it\nkind: weblink\nduration: 5\n---\n\nRead this.\n"
    _course, problems = load(make_course({"pages/intro.md": page}))
    assert problems == [f"{INTRO_MD}:2:1: error[missing-key]: a weblink page needs the key 'url'"]


def test_non_utf8_page(make_course: CourseFactory) -> None:
    project = make_course()
    (project / "courses/demo/pages/intro.md").write_bytes(
        b"---\ntitle: Caf\xe9\nduration: 1\n---\n"
    )
    _course, problems = load(project)
    assert problems == [
        f"{INTRO_MD}:2:1: error[encoding]: the file is not valid UTF-8; save it as UTF-8"
    ]


def test_crlf_and_bom_are_accepted(make_course: CourseFactory) -> None:
    project = make_course()
    path = project / "courses/demo/pages/intro.md"
    path.write_bytes(b"\xef\xbb\xbf" + INTRO.replace("\n", "\r\n").encode())
    course, problems = load(project)
    assert problems == []
    assert course is not None and course.pages[0].title == "Introduction"


def test_media_symlink_out_of_course_is_refused(make_course: CourseFactory, tmp_path: Path) -> None:
    project = make_course()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    (project / "courses/demo/media/leak.png").symlink_to(secret)
    page = INTRO + "\n![leak](media/leak.png)\n"
    _course, problems = load(make_course({"pages/intro.md": page}))
    assert problems == [
        f"{INTRO_MD}:10:9: error[path-outside-course]: the image 'media/leak.png' is a link to a file outside the course"
    ]


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
