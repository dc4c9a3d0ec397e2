"""Shared fixtures: small courses written into a temporary project."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from packager.diagnostics import Problems
from packager.source.loader import load_course
from packager.source.model import Course

REPO = Path(__file__).resolve().parents[1]

# A suite started in the background (`nohup`, `cmd &` in a script) inherits Ctrl-C ignored, and
# Python then installs no handler of its own: the tests that interrupt a build (and every
# `packager` they start, which inherits an ignored signal) would see nothing happen. Ctrl-C is
# given back its usual meaning here, as in a terminal; the children get it as they start.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Hypothesis budgets: small by default so the suite stays fast; HYPOTHESIS_PROFILE=long for a
# longer local run. Tests that set max_examples themselves keep their own budget.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "packager", max_examples=100, deadline=None, suppress_health_check=_SLOW_OK
)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "packager"))

COURSE_YAML = """\
id: demo
title: Demo course
description: A small course for tests.
language: en
license: CC-BY-4.0
authors:
  - name: Test Author
version: 1.0.0
hours: 1
outline:
  - title: Module one
    pages: [intro, quiz]
"""

INTRO = """\
---
title: Introduction
duration: 10
---

## First section

Some *text* with a [link](quiz.md).
"""

QUIZ = """\
---
title: Quiz
kind: quiz
duration: 5
---

::: question single-choice
Pick one.

- [x] Right
- [ ] Wrong
:::
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><title>x</title></svg>\n'

CourseFactory = Callable[..., Path]


@pytest.fixture
def make_course(tmp_path: Path) -> CourseFactory:
    """Write a course ``demo`` into a project in ``tmp_path``; returns the project folder.

    ``files`` maps paths relative to the course folder to their text, replacing the defaults;
    None leaves a default file out.
    """

    def factory(files: dict[str, str | None] | None = None, course_id: str = "demo") -> Path:
        root = tmp_path / "courses" / course_id
        defaults: dict[str, str | None] = {
            "course.yaml": COURSE_YAML.replace("id: demo", f"id: {course_id}"),
            "pages/intro.md": INTRO,
            "pages/quiz.md": QUIZ,
            "media/pic.svg": SVG,
        }
        defaults.update(files or {})
        for name, text in defaults.items():
            if text is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return factory


def load(project: Path, course_id: str = "demo") -> tuple[Course | None, list[str]]:
    """Load a course; return it and its formatted problems."""
    problems = Problems()
    course = load_course(project, course_id, problems)
    return course, [d.format() for d in problems.sorted()]


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the repository's courses (the sample course) in a temporary project."""
    shutil.copytree(REPO / "courses", tmp_path / "courses")
    return tmp_path


@pytest.fixture(scope="session")
def sample_editions() -> dict[str, Any]:
    """The sample course in each of its six languages, loaded and translated once a session
    (editions are frozen; a test that needs changed ones makes its own course)."""
    from packager.api import check_all

    problems = Problems()
    found = check_all(REPO, ("oer-recommendation",), problems)
    assert not problems.errors, [d.format() for d in problems.errors]
    return {e.lang: e for e in found}


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample course's HTML site in every language, built once per session.

    Returns the course folder: ``<lang>/html/`` beside each other, as ``packager build`` lays
    them out (the language switcher links across them).
    """
    from packager.api import BuildOptions, build

    out = tmp_path_factory.mktemp("sample-sites")
    options = BuildOptions(
        project=REPO, out=out, courses=("oer-recommendation",), formats=("html",)
    )
    build(options, Problems())
    return out / "oer-recommendation"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session, shared by every browser test (two
    Playwright instances cannot run in one process: each module importing its own fixture made
    the second fail)."""
    from tests.test_browser import CHROMIUM_ARGS, need

    chromium = shutil.which("chromium")
    need(chromium, "Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras bring it
        need(False, "Playwright for Python (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
