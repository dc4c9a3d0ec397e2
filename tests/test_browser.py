"""The sample course's site in a real browser: accessibility, interaction and right-to-left.

Debian's headless Chromium, driven by Playwright (never its own browser download), opens the
sites built once per session and served from loopback. axe-core (from the npm registry, fetched
by ``./dev test`` into ``.cache/npm/``) checks every page in every language.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from packager.api import BuildOptions, build
from packager.diagnostics import Problems
from packager.i18n.locales import catalogue_path, load, save
from tests.conftest import REPO

pytestmark = pytest.mark.browser

LANGS = ("en", "fr", "es", "ar", "zh-Hans", "ru")
AXE_JS = REPO / ".cache/npm/axe-core/axe.min.js"
# The flags of a quiet, offline headless Chromium; Playwright adds a fresh profile folder.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def need(found: object, what: str) -> None:
    """Stop when a tool of these tests is missing: a failure in CI, a skip elsewhere."""
    if found:
        return
    message = f"{what} is missing: ./dev test installs it"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# -- the site, the server and the browser ----------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()
            thread.join()


@pytest.fixture(scope="session")
def site_url(sample_sites: Path) -> Iterator[str]:
    """The sample course's sites on loopback: ``{site_url}/<lang>/html/<page>.html``."""
    yield from _serve(sample_sites)


@pytest.fixture(scope="session")
def fallback_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Arabic site with a heading and a paragraph left untranslated, served: they show in
    English."""
    project = tmp_path_factory.mktemp("fallback")
    for folder in ("courses", "locales"):
        shutil.copytree(REPO / folder, project / folder)
    path = catalogue_path(project, "ar", "oer-recommendation")
    problems = Problems()
    catalogue = load(path, project, problems)
    assert catalogue is not None, [d.format() for d in problems]
    entries = tuple(
        replace(e, msgstr="")
        if e.msgid.startswith("Imagine that you find") or e.msgid == "A simple question"
        else e
        for e in catalogue.entries
    )
    save(path, replace(catalogue, entries=entries))
    out = project / "build"
    build(BuildOptions(project=project, out=out, formats=("html",), langs=("ar",)), Problems())
    yield from _serve(out / "oer-recommendation")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized tab; tests resize it for phones."""
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    yield tab
    context.close()


# -- axe and what every page must show -------------------------------------------------------

# Run in each page: the layout shifts so far, the page's structure, and axe's verdict.
AUDIT_JS = """async () => {
  // Shifts from the start, and for a while after load (axe's run, then 200 ms more): a late
  // script or font that moves the page counts too (review finding: read at once, it did not).
  const entries = [];
  const shifts = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  shifts.observe({type: "layout-shift", buffered: true});
  const result = await axe.run(document);
  await new Promise((done) => setTimeout(done, 200));
  entries.push(...shifts.takeRecords());
  shifts.disconnect();
  const cls = entries.reduce((sum, entry) => sum + entry.value, 0);
  const root = document.documentElement;
  const all = (selector) => [...document.querySelectorAll(selector)];
  return {
    lang: root.getAttribute("lang"),
    dir: root.getAttribute("dir"),
    headings: all("h1, h2, h3, h4, h5, h6").map((h) => [Number(h.tagName[1]), h.textContent.trim()]),
    images: all("img").map((i) => ({src: i.getAttribute("src"), alt: i.getAttribute("alt"),
                                    width: i.getAttribute("width"), height: i.getAttribute("height")})),
    fallbacks: all(".fallback").map((e) => ({lang: e.getAttribute("lang"), dir: e.getAttribute("dir"),
                                             direction: getComputedStyle(e).direction,
                                             block: getComputedStyle(e.parentElement).direction})),
    ltr: all("code, pre, kbd, .url").map((e) => getComputedStyle(e).direction),
    emphasis: all("main em").map((e) => getComputedStyle(e).fontStyle),
    overflow: root.scrollWidth - root.clientWidth,
    cls,
    rules: result.passes.length + result.violations.length,
    violations: result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.map((n) => n.target.join(" "))})),
  };
}"""


def _audit_pages(browser: Any, base: str, names: list[str]) -> dict[str, dict[str, Any]]:
    """Audit each page at phone width, in one tab with axe injected before the page's scripts."""
    need(AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(REPO)})")
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE_JS))
    tab = context.new_page()
    found = {}
    try:
        for name in names:
            tab.goto(f"{base}/{name}")
            found[name] = tab.evaluate(AUDIT_JS)
    finally:
        context.close()
    return found


@pytest.fixture(scope="session")
def audits(
    browser: Any, site_url: str, sample_sites: Path
) -> Callable[[str], dict[str, dict[str, Any]]]:
    """``audits(lang)``: every page of that language's site audited, once per session."""

    @functools.cache
    def of(lang: str) -> dict[str, dict[str, Any]]:
        names = sorted(p.name for p in (sample_sites / lang / "html").glob("*.html"))
        assert len(names) >= 10, names
        return _audit_pages(browser, f"{site_url}/{lang}/html", names)

    return of


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations_on_any_page(audits: Any, lang: str) -> None:
    found = audits(lang)
    assert all(a["rules"] >= 20 for a in found.values()), "axe ran too few rules to be trusted"
    violations = {name: a["violations"] for name, a in found.items() if a["violations"]}
    assert violations == {}, json.dumps(violations, indent=1, ensure_ascii=False)


def test_the_catalogue_page_is_accessible_and_links_every_language(
    browser: Any, sample_sites: Path
) -> None:
    """``build/index.html``: axe finds nothing, each language's row links its own site."""
    for base in _serve(sample_sites.parent):
        audit = _audit_pages(browser, base, ["index.html"])["index.html"]
        assert audit["rules"] >= 20 and audit["violations"] == [], audit["violations"]
        assert (audit["lang"], audit["overflow"]) == ("en", 0)
    page = (sample_sites.parent / "index.html").read_text()
    for lang in LANGS:
        assert f'href="oer-recommendation/{lang}/html/index.html"' in page


def test_axe_catches_a_planted_fault(browser: Any, site_url: str) -> None:
    """The harness works: a picture without alt text and pale text are reported."""
    need(AXE_JS.is_file(), "axe-core")
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE_JS))
    tab = context.new_page()
    tab.goto(f"{site_url}/en/html/index.html")
    tab.evaluate("""() => document.querySelector("main").insertAdjacentHTML("afterbegin",
        '<img src="media/cover.svg"><p style="color:#ddd">pale</p>')""")
    impacts = {v["id"]: v["impact"] for v in tab.evaluate(AUDIT_JS)["violations"]}
    context.close()
    assert impacts == {"image-alt": "critical", "color-contrast": "serious"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_states_its_language_and_direction(audits: Any, lang: str) -> None:
    direction = "rtl" if lang == "ar" else "ltr"
    assert {(a["lang"], a["dir"]) for a in audits(lang).values()} == {(lang, direction)}
    for name, audit in audits(lang).items():
        assert set(audit["ltr"]) <= {"ltr"}, f"{name}: code or an address runs right to left"


@pytest.mark.parametrize("lang", LANGS)
def test_emphasis_is_italic_only_in_scripts_that_have_italics(audits: Any, lang: str) -> None:
    """A browser slants Arabic and Chinese letters that have no italic: bold stands in there."""
    styles = {style for audit in audits(lang).values() for style in audit["emphasis"]}
    assert styles == ({"normal"} if lang in ("ar", "zh-Hans") else {"italic"})


FONTS = {"ar": "Noto Naskh Arabic", "zh-Hans": "Noto Sans CJK SC"}


@pytest.mark.parametrize("lang", LANGS)
def test_text_is_set_in_a_face_made_for_its_script(page: Any, site_url: str, lang: str) -> None:
    """The fonts ./dev installs (Noto) draw each script, not a fallback picked by chance."""
    page.goto(f"{site_url}/{lang}/html/what-are-oer.html")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main h2 + p"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    most = max(fonts, key=lambda f: f["glyphCount"])["familyName"]
    assert most == FONTS.get(lang, "Noto Sans"), fonts


@pytest.mark.parametrize("lang", LANGS)
def test_headings_are_in_order(audits: Any, lang: str) -> None:
    """One h1 per page, and no heading skips a level on the way down."""
    for name, audit in audits(lang).items():
        levels = [level for level, _ in audit["headings"]]
        assert levels[:1] == [1] and levels.count(1) == 1, (name, audit["headings"])
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (name, audit["headings"])


@pytest.mark.parametrize("lang", LANGS)
def test_images_have_alt_text_and_a_size(audits: Any, lang: str) -> None:
    """Alt text (empty only for decoration) and width/height, so nothing moves as they load."""
    images = [(name, i) for name, a in audits(lang).items() for i in a["images"]]
    assert any(i["alt"] for _, i in images), "the sample course has described images"
    for name, image in images:
        assert image["alt"] is not None, (name, image)
        assert image["width"] and image["height"], (name, image)


@pytest.mark.parametrize("lang", LANGS)
def test_pages_fit_a_phone_and_do_not_shift(audits: Any, lang: str) -> None:
    """At 360 px nothing scrolls sideways, and nothing moves while the page loads."""
    for name, audit in audits(lang).items():
        assert audit["overflow"] <= 0, f"{name} is {audit['overflow']} px too wide at 360 px"
        assert audit["cls"] < 0.001, f"{name}: cumulative layout shift {audit['cls']}"


def test_fallback_paragraphs_keep_their_language_and_direction(
    browser: Any, fallback_site: str
) -> None:
    found = _audit_pages(browser, f"{fallback_site}/ar/html", ["what-are-oer.html"])
    audit = found["what-are-oer.html"]
    assert (audit["lang"], audit["dir"]) == ("ar", "rtl")
    # The untranslated heading and paragraph are English, and run left to right (the heading and
    # the paragraph themselves, not only their text) from their first line on.
    assert (
        audit["fallbacks"] == [{"lang": "en", "dir": "ltr", "direction": "ltr", "block": "ltr"}] * 2
    )
    assert audit["violations"] == []


# -- keyboard and interaction ----------------------------------------------------------------


def _focused(tab: Any) -> dict[str, Any]:
    """The focused element, its outline, and the colour just outside it (what the ring is on)."""
    return tab.evaluate("""() => {
      const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
      let behind = "rgb(255, 255, 255)";
      const x = Math.max(0, box.left - 3), y = box.top + box.height / 2;
      for (const under of document.elementsFromPoint(x, y)) {
        const colour = getComputedStyle(under).backgroundColor;
        if (!e.contains(under) && colour !== "rgba(0, 0, 0, 0)") { behind = colour; break; }
      }
      return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim(),
              type: e.getAttribute("type"), href: e.getAttribute("href"),
              outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
              colour: style.outlineColor, behind,
              top: box.top, bottom: box.bottom, height: box.height};
    }""")


def _contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tab_to(tab: Any, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_keyboard_focus_is_always_visible(page: Any, site_url: str, lang: str) -> None:
    """Tab through a whole page: every stop shows a thick outline that stands out from what
    it is drawn on (3:1), and is scrolled into view."""
    page.goto(f"{site_url}/{lang}/html/what-are-oer.html")
    seen: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focus = _focused(page)
        key = [focus[k] for k in ("tag", "id", "href", "text")]
        if focus["tag"] == "body" or (
            seen and key == [seen[0][k] for k in ("tag", "id", "href", "text")]
        ):
            break
        seen.append(focus)
        assert focus["outline"] != "none" and focus["width"] >= 2, focus
        assert _contrast(focus["colour"], focus["behind"]) >= 3, focus  # WCAG 1.4.11
        assert focus["bottom"] > 0 and focus["top"] < DESKTOP["height"], focus
    assert seen[0]["cls"] == "skip-link"
    assert len(seen) >= 20, "every link, radio group, button and summary is a stop"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_skip_link_shows_and_moves_focus_to_the_content(
    page: Any, site_url: str, lang: str
) -> None:
    page.goto(f"{site_url}/{lang}/html/welcome.html")
    page.keyboard.press("Tab")
    focus = _focused(page)
    assert focus["cls"] == "skip-link" and focus["top"] >= 0 and focus["height"] > 20, focus
    page.keyboard.press("Enter")
    # A same-page link moves the URL's fragment after the key press returns: wait for it
    # rather than read it at once (a busy machine showed the old URL).
    page.wait_for_function("() => location.hash === '#main'")
    assert _focused(page)["id"] == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, not the header
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def _texts(tab: Any) -> dict[str, str]:
    return json.loads(tab.locator("#quiz-texts").text_content())  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_quiz_self_check_with_the_keyboard_alone(page: Any, site_url: str, lang: str) -> None:
    page.goto(f"{site_url}/{lang}/html/quiz.html")
    texts = _texts(page)
    if lang != "en":
        assert texts["correct"] != "Correct.", "the feedback speaks the page's language"
    first = page.locator(".question").first
    result = first.locator(".question-result")
    verdict, notes = result.locator(".question-verdict"), result.locator(".question-note")
    assert result.get_attribute("role") == "status"

    _tab_to(page, "#question-1 .question-check")  # checking with no answer asks for one
    page.keyboard.press("Enter")
    assert result.text_content() == verdict.text_content() == texts["choose"]

    page.keyboard.press("Shift+Tab")  # back to the radio group: Space picks 2002, a wrong answer
    page.keyboard.press("Space")
    assert first.locator("input").nth(0).is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # The chosen option's own feedback gives the verdict ("Not quite. 2002 is..."): said once,
    # not after a "Not quite." of the interface's; then how to go on, on a line of its own.
    assert verdict.count() == 0 and "2002" in notes.text_content()
    retry = result.locator(".question-retry")
    assert retry.text_content().strip() == texts["retry"]
    assert retry.bounding_box()["y"] > notes.bounding_box()["y"]
    if lang == "en":
        assert result.text_content().count("Not quite") == 1, result.text_content()
    assert "is-wrong" in result.get_attribute("class")

    page.keyboard.press("Shift+Tab")  # the arrows move the choice: down three, to 2019
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert first.locator("input").nth(3).is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert verdict.count() == 0 and "2019" in notes.text_content()  # "Correct. The member..."
    assert result.locator(".question-retry").count() == 0
    assert "is-correct" in result.get_attribute("class")

    _tab_to(page, "#question-1 summary")  # the answer opens from the keyboard too
    page.keyboard.press("Enter")
    assert first.locator("details").get_attribute("open") is not None


def test_short_answer_accepts_the_learners_digits(page: Any, site_url: str) -> None:
    """Arabic-Indic digits typed on an Arabic keyboard are the number asked for."""
    page.goto(f"{site_url}/ar/html/quiz.html")
    texts = _texts(page)
    question = page.locator('.question[data-kind="short-answer"]').first  # answer: 4
    qid = question.get_attribute("id")
    _tab_to(page, f"#{qid} input[type=text]")
    page.keyboard.type("٤")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert question.locator(".question-result").text_content() == texts["correct"]


def test_language_switcher_lands_on_the_same_page(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/en/html/what-are-oer.html")
    for lang in [*LANGS[1:], "en"]:
        page.locator(f'.language-switcher a[hreflang="{lang}"]').click()
        assert page.url == f"{site_url}/{lang}/html/what-are-oer.html"
        root = page.locator("html")
        assert root.get_attribute("lang") == lang
        assert root.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        current = page.locator('.language-switcher [aria-current="true"]')
        assert current.get_attribute("lang") == lang
        nav = page.locator('#course-nav [aria-current="page"]')
        assert nav.get_attribute("href") == "what-are-oer.html"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_previous_and_next_walk_the_course_in_order(page: Any, site_url: str, lang: str) -> None:
    page.goto(f"{site_url}/{lang}/html/index.html")
    outline = page.eval_on_selector_all("#course-nav .module-pages a", "l => l.map(a => a.href)")
    page.locator(".button").first.click()  # "Start the course"
    walked = [page.url]
    while page.locator('.pager a[rel="next"]').count():
        page.locator('.pager a[rel="next"]').click()
        walked.append(page.url)
    assert walked == outline
    back = [page.url]
    while not page.url.endswith("/index.html"):
        page.locator('.pager a[rel="prev"]').click()
        back.append(page.url)
    assert back[:-1] == outline[::-1]


def test_module_navigation_on_a_phone(page: Any, site_url: str) -> None:
    """At 360 px the contents sit under the page; the header's link brings them into view."""
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/en/html/what-are-oer.html")
    nav, main = page.locator("#course-nav"), page.locator("main")
    assert nav.bounding_box()["y"] > main.bounding_box()["y"] + main.bounding_box()["height"]
    assert nav.bounding_box()["y"] > PHONE["height"], "the page's text comes first"
    page.locator(".contents-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#course-nav'")
    assert 0 <= nav.bounding_box()["y"] < PHONE["height"] / 2, "in view (box relative to it)"
    for link in nav.locator("a").all():
        link_box = link.bounding_box()
        assert link_box["height"] >= 24, "touch targets are at least 24 px high"
        assert link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= PHONE["width"]
    nav.get_by_role("link", name="Share your view").click()
    assert page.url.endswith("/en/html/share-your-view.html")
    assert page.locator('#course-nav [aria-current="page"]').text_content() == "Share your view"


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_is_compact_on_a_phone(page: Any, site_url: str, lang: str) -> None:
    """Regression (issue 14 item 24): at 360 px the header took 145 px of a 740 px screen. It
    keeps the skip link, the contents link and every language, each reachable, in under 100."""
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/{lang}/html/what-are-oer.html")
    assert page.locator(".site-header").bounding_box()["height"] < 100
    assert page.locator(".skip-link").count() == 1
    contents = page.locator(".contents-link").bounding_box()
    assert contents["height"] >= 20 and 0 <= contents["x"] <= PHONE["width"] - contents["width"]
    names = page.locator(".language-switcher li")
    assert names.count() == len(LANGS)
    for code in page.eval_on_selector_all(".language-switcher a", "a => a.map((l) => l.lang)"):
        _tab_to(page, f'.language-switcher a[lang="{code}"]')  # off the row's end: scrolled to
        box = page.locator(f'.language-switcher a[lang="{code}"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], code
        assert box["height"] >= 24, "touch targets are at least 24 px high"


@pytest.mark.parametrize("lang", LANGS)
def test_the_course_facts_stand_on_one_row(page: Any, site_url: str, lang: str) -> None:
    """Regression (issue 14 item 24): on a desktop the licence stood alone on a second row and
    the date broke over two lines."""
    page.goto(f"{site_url}/{lang}/html/index.html")
    tops = page.eval_on_selector_all(
        ".facts > div", "cards => cards.map((c) => c.getBoundingClientRect().top)"
    )
    assert len(tops) == 5 and len(set(tops)) == 1, tops
    lines = page.eval_on_selector_all(
        ".facts dd",
        """values => values.map((value) => {
          const range = document.createRange();
          range.selectNodeContents(value);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size;
        })""",
    )
    assert lines == [1] * 5, lines


def test_the_arabic_column_stands_where_the_english_one_does(page: Any, site_url: str) -> None:
    """Regression (issue 14 item 24): Arabic's larger rem widened the page (100-1180 px against
    160-1120 px at 1280 px)."""
    boxes = {}
    for lang in ("en", "ar"):
        page.goto(f"{site_url}/{lang}/html/what-are-oer.html")
        boxes[lang] = page.locator(".layout").bounding_box()
    assert boxes["ar"]["x"] == pytest.approx(boxes["en"]["x"], abs=1)
    assert boxes["ar"]["width"] == pytest.approx(boxes["en"]["width"], abs=1)


# -- right to left ---------------------------------------------------------------------------


def _x_of_chars(tab: Any, selector: str, text: str) -> list[float]:
    """The left edge of each character of ``text`` where it first stands inside ``selector``."""
    return tab.evaluate(  # type: ignore[no-any-return]
        """([selector, text]) => {
      const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(text);
        if (at < 0) continue;
        return [...text].map((_, i) => {
          const range = document.createRange();
          range.setStart(node, at + i); range.setEnd(node, at + i + 1);
          return range.getBoundingClientRect().left;
        });
      }
      return null;
    }""",
        [selector, text],
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_layout_mirrors_right_to_left(page: Any, site_url: str, lang: str) -> None:
    """In Arabic the navigation, the boxes' rules and the pager swap sides; nothing else."""
    rtl = lang == "ar"
    page.goto(f"{site_url}/{lang}/html/what-are-oer.html")
    nav, main = page.locator("#course-nav").bounding_box(), page.locator("main").bounding_box()
    assert (nav["x"] > main["x"]) is rtl
    rule = page.eval_on_selector(
        ".box", "b => [getComputedStyle(b).borderLeftWidth, getComputedStyle(b).borderRightWidth]"
    )
    assert rule == (["0px", "5px"] if rtl else ["5px", "0px"])
    previous = page.locator(".pager-previous").bounding_box()
    following = page.locator(".pager-next").bounding_box()
    assert (previous["x"] > following["x"]) is rtl
    for selector in ("#course-nav a[aria-current]", ".site-title a"):  # text starts on its side
        box, outer = page.locator(selector).bounding_box(), page.locator("body").bounding_box()
        start_gap = (outer["x"] + outer["width"] - box["x"] - box["width"]) if rtl else box["x"]
        assert start_gap < outer["width"] / 2, selector


def test_code_and_numbers_stay_left_to_right_in_arabic(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/ar/html/what-are-oer.html")
    tag = _x_of_chars(page, "main code", "#oerrec")
    assert tag == sorted(tag), "a code span reads left to right"
    minutes = _x_of_chars(page, ".page-meta", "25")
    assert minutes == sorted(minutes)
    page.goto(f"{site_url}/ar/html/index.html")
    version = _x_of_chars(page, ".facts", "1.0.0")
    assert version == sorted(version) and len(set(version)) == 5
