"""``packager new``: a small, valid course to start from."""

from __future__ import annotations

from pathlib import Path

from packager import languages
from packager.source.files import SLUG_RE


class ScaffoldError(Exception):
    """The course cannot be created (bad id, existing folder, unknown language)."""


_COURSE = """\
id: {id}
title: {title}
description: >
  One or two sentences that tell a learner what this course is about and who it is for.
language: {language}
languages: []
license: CC-BY-SA-4.0
authors:
  - name: Your Name
keywords: []
version: 0.1.0
hours: 1
outcomes:
  - Say what a learner will be able to do after the course.
outline:
  - title: Getting started
    pages: [welcome, check]
media:
  course-map.svg:
    title: The pages of this course
    author: Your Name
    license: CC-BY-SA-4.0
"""

_WELCOME = """\
---
title: Welcome
duration: 10
objectives:
  - Find your way around this course.
---

## How this course works

Write your first page here. Pages are Markdown; see `docs/authoring.md` for boxes, figures and
questions.

::: activity
Try something: an activity box gives learners a task to do.
:::

![Two boxes joined by an arrow: Welcome, then Check](media/course-map.svg "The pages of this course")

Continue with the [self-check](check.md).
"""

#: A figure in media/, so the folder is there (and stays there in git) with an example of an
#: image, its caption and its credit.
_MAP = """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80" viewBox="0 0 320 80">
  <title>Welcome, then Check</title>
  <rect x="10" y="20" width="110" height="40" rx="6" fill="#e8f0fe" stroke="#1a4d8f"/>
  <text x="65" y="45" text-anchor="middle" font-family="sans-serif" font-size="16">Welcome</text>
  <path d="M130 40 H180" stroke="#1a4d8f" stroke-width="2"/>
  <path d="M180 33 L194 40 L180 47 Z" fill="#1a4d8f"/>
  <rect x="200" y="20" width="110" height="40" rx="6" fill="#e8f0fe" stroke="#1a4d8f"/>
  <text x="255" y="45" text-anchor="middle" font-family="sans-serif" font-size="16">Check</text>
</svg>
"""

_CHECK = """\
---
title: Check your understanding
kind: quiz
duration: 5
---

::: question single-choice
Which file lists the pages of a course in order?

- [x] course.yaml

  Yes: its outline sets the order learners meet the pages.
- [ ] style.css

The outline in course.yaml is the course's table of contents.
:::
"""


def new_course(project: Path, course_id: str, title: str | None, language: str) -> Path:
    """Write ``courses/<course_id>`` and return it."""
    if not SLUG_RE.match(course_id):
        raise ScaffoldError(
            f"the course id {course_id!r} must be lower-case letters, digits and hyphens, starting with a letter"
        )
    if not languages.is_known(language):
        raise ScaffoldError(f"unknown language code {language!r}")
    folder = project / "courses" / course_id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists")
    (folder / "pages").mkdir(parents=True)
    (folder / "media").mkdir()
    title = title or course_id.replace("-", " ").capitalize()
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    (folder / "course.yaml").write_text(
        _COURSE.format(id=course_id, title=quoted, language=language), encoding="utf-8"
    )
    (folder / "pages" / "welcome.md").write_text(_WELCOME, encoding="utf-8")
    (folder / "pages" / "check.md").write_text(_CHECK, encoding="utf-8")
    (folder / "media" / "course-map.svg").write_text(_MAP, encoding="utf-8")
    return folder
