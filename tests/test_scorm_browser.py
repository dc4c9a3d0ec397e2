"""The SCORM packages played by a real SCORM runtime in headless Chromium.

A test page hosts scorm-again (from the npm registry, pinned in ``./dev``'s ``NPM_TOOLS``) as the
platform's API, the way an LMS does, and opens a package's launch page in a frame; all of it is
served from loopback. Every API call is watched: any call that leaves an error code fails the
test. axe-core checks the launch page and the package's pages in every language.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from packager.api import BuildOptions, build
from packager.diagnostics import Problems
from tests.conftest import REPO
from tests.test_browser import (
    AUDIT_JS,
    AXE_JS,
    DESKTOP,
    LANGS,
    PHONE,
    _audit_pages,
    _serve,
    need,
)

pytestmark = pytest.mark.browser

RUNTIME = REPO / ".cache/npm/scorm-again/dist"
SAMPLE = "oer-recommendation"
PAGES = [
    "welcome.html",
    "what-are-oer.html",
    "road-to-2019.html",
    "five-areas-of-action.html",
    "why-it-matters.html",
    "read-the-recommendation.html",
    "share-your-view.html",
    "quiz.html",
]

# The platform: scorm-again's API, every call watched for an error code and commits counted.
HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test platform</title>
<script src="runtime/scorm12.min.js"></script>
<script src="runtime/scorm2004.min.js"></script>
<script>
var errors = [], commits = 0, api = null;
function start(version, launch, seed) {
  var v12 = version === "1.2";
  api = v12 ? new Scorm12API({logLevel: 5}) : new Scorm2004API({logLevel: 5});
  if (seed) { api.loadFromJSON(seed); }
  var names = v12 ? ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"]
                  : ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"];
  names.forEach(function (name) {
    var original = api[name].bind(api);
    api[name] = function (key, value) {
      var result = original.apply(null, arguments);
      var code = String(v12 ? api.LMSGetLastError() : api.GetLastError());
      if (code !== "0") { errors.push([name, key, value, code]); }
      if (/Commit/.test(name)) { commits += 1; }
      return result;
    };
  });
  if (v12) { window.API = api; } else { window.API_1484_11 = api; }
  var frame = document.createElement("iframe");
  frame.id = "sco"; frame.title = "SCO"; frame.src = launch;
  frame.style.width = "100%"; frame.style.height = "800px";
  document.body.appendChild(frame);
}
function state(version) {
  var c = JSON.parse(JSON.stringify(api.cmi));  // toJSON reads write-only elements too
  if (version === "1.2") {
    return {location: c.core.lesson_location, status: c.core.lesson_status, raw: c.core.score.raw,
            min: c.core.score.min, max: c.core.score.max, exit: c.core.exit,
            time: c.core.session_time, terminated: api.isTerminated()};
  }
  return {location: c.location, completion: c.completion_status, success: c.success_status,
          scaled: c.score.scaled, raw: c.score.raw, min: c.score.min, max: c.score.max,
          exit: c.exit, time: c.session_time, terminated: api.isTerminated(),
          interactions: Object.values(c.interactions || {}).map(function (i) {
            return {id: i.id, type: i.type, response: i.learner_response, result: i.result,
                    patterns: Object.values(i.correct_responses || {}).map(function (r) { return r.pattern; })};
          })};
}
</script></head><body><h1>Test platform</h1></body></html>
"""

UNPACKED: dict[str, str] = {}  # the English 1.2 package's launch page as a file:// URL
INNER = "document.getElementById('sco').contentWindow.document.getElementById('scorm-course')"

# Answer every question of the quiz right or wrong, through the page's own Check buttons.
ANSWER_JS = """(right) => {
  document.querySelectorAll(".question").forEach((question) => {
    const text = question.querySelector("input[type=text]");
    if (text) {
      text.value = right ? JSON.parse(text.dataset.answers)[0] : "nothing like it";
    } else {
      const options = [...question.querySelectorAll(".option input")];
      options.forEach((input) => {
        const correct = input.hasAttribute("data-correct");
        input.checked = right ? correct : false;
      });
      if (!right) { options.find((input) => !input.hasAttribute("data-correct")).checked = true; }
    }
    question.querySelector(".question-check").click();
  });
}"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both packages of every language unpacked under ``<version>/<lang>/``, the runtime and the
    host page, served on loopback."""
    need((RUNTIME / "scorm12.min.js").is_file(), f"scorm-again ({RUNTIME.relative_to(REPO)})")
    out = tmp_path_factory.mktemp("scorm-build")
    problems = Problems()
    options = BuildOptions(
        project=REPO, out=out, courses=(SAMPLE,), formats=("scorm12", "scorm2004")
    )
    build(options, problems)
    assert not problems.errors, [d.format() for d in problems.errors]
    root = tmp_path_factory.mktemp("scorm-platform")
    for lang in LANGS:
        for version, suffix in (("1.2", "scorm12"), ("2004", "scorm2004")):
            data = (out / SAMPLE / lang / f"{SAMPLE}-{lang}.{suffix}.zip").read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.extractall(root / version / lang)
    (root / "runtime").mkdir()
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(RUNTIME / name, root / "runtime" / name)
    (root / "host.html").write_text(HOST, encoding="utf-8")
    UNPACKED["root"] = (root / "1.2" / "en" / "scorm.html").as_uri()
    yield from _serve(root)


def _open(chromium: Any, base: str, version: str, lang: str, seed: object = None) -> Any:
    context = chromium.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.goto(f"{base}/host.html")
    tab.evaluate(
        "([v, launch, seed]) => start(v, launch, seed)",
        [version, f"{version}/{lang}/scorm.html", seed],
    )
    _wait_for(tab, "index.html")
    return tab


def _wait_for(tab: Any, file: str) -> None:
    tab.wait_for_function(
        f"""() => {{ try {{ const d = {INNER}.contentDocument;
        return d.location.pathname.endsWith("/{file}") && d.readyState === "complete"; }}
        catch (e) {{ return false; }} }}"""
    )


def _inner(tab: Any) -> Any:
    return next(
        f
        for f in tab.frames
        if "/scorm.html" not in f.url and f.url.endswith(".html") and "host.html" not in f.url
    )


def _click(tab: Any, selector: str, lands_on: str) -> None:
    _inner(tab).click(selector)
    _wait_for(tab, lands_on)


def _walk_every_page(tab: Any) -> None:
    _click(tab, 'main a[href="welcome.html"]', "welcome.html")
    for file in PAGES[1:]:
        _click(tab, "a.pager-next", file)


def _close(tab: Any, version: str) -> dict[str, Any]:
    tab.evaluate("document.getElementById('sco').src = 'about:blank'")
    tab.wait_for_function("() => api.isTerminated()")
    found: dict[str, Any] = tab.evaluate("(v) => state(v)", version)
    found["errors"] = tab.evaluate("errors")
    found["commits"] = tab.evaluate("commits")
    tab.context.close()
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_scorm12_reports_place_completion_score_and_status(
    browser: Any,
    platform: str,
    lang: str,
    right: bool,
) -> None:
    tab = _open(browser, platform, "1.2", lang)
    _walk_every_page(tab)
    _inner(tab).evaluate(ANSWER_JS, right)
    found = _close(tab, "1.2")
    assert found["errors"] == []
    assert found["location"] == "quiz.html"
    assert found["status"] == ("passed" if right else "failed")
    assert (found["raw"], found["min"], found["max"]) == ("100" if right else "0", "0", "100")
    assert found["exit"] == ""  # complete and scored: nothing to resume
    assert re.match(r"^\d{2,4}:\d\d:\d\d", found["time"]) and found["terminated"]
    # One commit per page, one when the quiz is done, one on leaving; not one per click.
    assert found["commits"] == len(PAGES) + 2


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_scorm2004_reports_completion_success_score_and_interactions(
    browser: Any,
    platform: str,
    lang: str,
    right: bool,
) -> None:
    tab = _open(browser, platform, "2004", lang)
    _walk_every_page(tab)
    quiz = _inner(tab)
    quiz.evaluate(ANSWER_JS, right)
    quiz.evaluate(ANSWER_JS, not right)  # a second try: recorded, but the first answer counts
    found = _close(tab, "2004")
    assert found["errors"] == []
    assert found["location"] == "quiz.html"
    assert found["completion"] == "completed"
    assert found["success"] == ("passed" if right else "failed")
    assert (found["scaled"], found["raw"], found["min"], found["max"]) == (
        ("1", "100", "0", "100") if right else ("0", "0", "0", "100")
    )
    assert found["exit"] == "normal" and re.match(r"^PT\d", found["time"])
    interactions = found["interactions"]
    assert len(interactions) == 12
    first = "correct" if right else "incorrect"
    second = "incorrect" if right else "correct"
    assert [i["result"] for i in interactions] == [first] * 6 + [second] * 6
    assert [i["id"] for i in interactions[:6]] == [f"quiz-question-{n}" for n in range(1, 7)]
    assert [i["type"] for i in interactions[:6]] == ["choice"] * 4 + ["fill-in"] * 2
    assert interactions[0]["patterns"] == ["question-1-option-4"]
    assert interactions[1]["patterns"] == [
        "question-2-option-1[,]question-2-option-2[,]question-2-option-3"
        "[,]question-2-option-5[,]question-2-option-7"
    ]
    assert len(interactions[4]["patterns"]) >= 2  # every accepted answer of the short answer
    if right:
        assert interactions[0]["response"] == "question-1-option-4"
        assert interactions[4]["response"] in interactions[4]["patterns"]
    assert found["commits"] == len(PAGES) + 2


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_completion_needs_every_page_and_the_place_is_resumed(
    browser: Any,
    platform: str,
    version: str,
) -> None:
    """The sample course completes when every page is seen: going straight to the quiz does not
    complete it; the next session opens where the learner left and completes it."""
    tab = _open(browser, platform, version, "fr")
    _click(tab, 'nav a[href="quiz.html"]', "quiz.html")
    found = _close(tab, version)
    assert found["errors"] == [] and found["location"] == "quiz.html"
    assert found["exit"] == "suspend"
    assert found.get("status", found.get("completion")) == "incomplete"
    v12 = version == "1.2"
    suspend = json.dumps({"seen": [7], "quiz": {}})
    seed = (
        {
            "cmi": {
                "core": {
                    "entry": "resume",
                    "lesson_location": "quiz.html",
                    "lesson_status": "incomplete",
                },
                "suspend_data": suspend,
            }
        }
        if v12
        else {
            "cmi": {
                "entry": "resume",
                "location": "quiz.html",
                "completion_status": "incomplete",
                "suspend_data": suspend,
            }
        }
    )
    tab = _open_resumed(browser, platform, version, seed)
    _click(tab, 'main a[href="welcome.html"]', "welcome.html")
    for file in PAGES[1:-1]:
        _click(tab, "a.pager-next", file)
    found = _close(tab, version)
    assert found["errors"] == []
    assert found.get("status", found.get("completion")) == "completed"
    assert found["exit"] == "suspend"  # complete, but the quiz is not answered yet


def _open_resumed(chromium: Any, base: str, version: str, seed: object) -> Any:
    context = chromium.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.goto(f"{base}/host.html")
    tab.evaluate(
        "([v, launch, seed]) => start(v, launch, seed)",
        [version, f"{version}/fr/scorm.html", seed],
    )
    _wait_for(tab, "quiz.html")  # where the learner left
    _click(tab, 'nav a[href="index.html"], a[href="index.html"]', "index.html")
    return tab


@pytest.mark.parametrize("how", ["served", "from-disk"])
def test_without_a_platform_the_course_reads_and_says_nothing_is_recorded(
    browser: Any,
    platform: str,
    how: str,
) -> None:
    url = f"{platform}/1.2/ar/scorm.html" if how == "served" else UNPACKED["root"]
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(url)
    notice = tab.locator("#scorm-status")
    notice.wait_for(state="visible")
    assert "nothing" in (notice.text_content() or "") or how == "served"
    tab.frame_locator("#scorm-course").locator("h1").first.wait_for()
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations_in_the_package(
    browser: Any,
    platform: str,
    lang: str,
) -> None:
    """The launch page (with the course's home in its frame, and the notice shown: no platform
    here) and every page of the package."""
    need(AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(REPO)})")
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE_JS))
    tab = context.new_page()
    tab.goto(f"{platform}/1.2/{lang}/scorm.html")
    tab.locator("#scorm-status").wait_for(state="visible")
    tab.frame_locator("#scorm-course").locator("main h1").wait_for()
    audits = {"scorm.html": tab.evaluate(AUDIT_JS)}
    context.close()
    audits |= _audit_pages(
        browser, f"{platform}/1.2/{lang}", ["index.html", "credits.html", *PAGES]
    )
    violations = {name: a["violations"] for name, a in audits.items() if a["violations"]}
    assert violations == {}
    assert all(a["rules"] > 20 for a in audits.values())
