"""``packager publish wordpress`` into a real WordPress (Debian's 6.1, MariaDB, PHP's server).

One site for the whole session (installing takes seconds); the tests run in order on it:
publish en and ar, read everything back over the REST API and as rendered pages, then edit a
page and re-publish, and check that a page made by hand survives.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from lxml import html as lxml_html

from packager.api import check_all
from packager.diagnostics import Problems
from packager.publish.client import Client, Site, WordPressError
from packager.publish.wordpress import Publisher
from tests.conftest import REPO
from tests.test_browser import DESKTOP, need
from tests.wpsite import WordPress, missing

pytestmark = pytest.mark.wordpress
SAMPLE = "oer-recommendation"


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    lacking = missing()
    need(not lacking, f"the Debian package {lacking or ''}")
    site = WordPress(tmp_path_factory.mktemp("wordpress"))
    try:
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample project, so a test may edit a page."""
    folder = tmp_path_factory.mktemp("project")
    for name in ("courses", "locales"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def publish(site: WordPress, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORDPRESS_APP_PASSWORD": site.password, "WORDPRESS_USER": site.user}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "packager",
            "publish",
            "wordpress",
            SAMPLE,
            "--site",
            site.url,
            "-C",
            str(project),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def rest(site: WordPress, route: str, **params: str | int) -> Any:
    query = urlencode({"rest_route": route, **params})
    token = base64.b64encode(f"{site.user}:{site.password}".encode()).decode()
    request = urllib.request.Request(
        f"{site.url}/?{query}", headers={"Authorization": f"Basic {token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def pages(site: WordPress) -> list[dict[str, Any]]:
    return list(
        rest(
            site,
            "/wp/v2/pages",
            context="edit",
            per_page=100,
            status="publish,draft",
            orderby="id",
            order="asc",
        )
    )


def test_publish_en_and_ar(wordpress: WordPress, project: Path) -> None:
    before = pages(wordpress)  # WordPress's own: a sample page, a privacy policy draft
    plan = publish(wordpress, project, "--lang", "en", "--lang", "ar", "--dry-run")
    assert plan.returncode == 0, plan.stderr
    assert "create    oer-recommendation/ar/welcome" in plan.stdout
    assert pages(wordpress) == before  # a dry run writes nothing
    done = publish(wordpress, project, "--lang", "en", "--lang", "ar")
    assert done.returncode == 0, done.stderr
    assert wordpress.password not in done.stdout + done.stderr
    assert f"published {SAMPLE} [ar] to {wordpress.url}: 1 upload, 12 create" in done.stdout
    assert [p for p in pages(wordpress) if p["id"] in {b["id"] for b in before}] == before


def test_pages_in_reading_order_under_their_modules(wordpress: WordPress) -> None:
    problems = Problems()
    editions = {e.lang: e for e in check_all(REPO, (SAMPLE,), problems)}
    found = pages(wordpress)
    by_id = {p["id"]: p for p in found}
    for lang in ("en", "ar"):
        course = editions[lang].course
        root = next(p for p in found if p["slug"] == lang and p["parent"] == 0)
        assert root["title"]["raw"] == course.title
        modules = [p for p in found if p["parent"] == root["id"]]  # ascending ids
        assert [m["title"]["raw"] for m in modules] == [m.title for m in course.modules]
        for module, source in zip(modules, course.modules, strict=True):
            children = [p for p in found if p["parent"] == module["id"]]
            assert [c["title"]["raw"] for c in children] == [p.title for p in source.pages]
            assert all(c["status"] == "publish" for c in children)
        # Every link between pages resolves to a published page of the same language.
        for page in found:
            if by_id.get(page["parent"], {}).get("parent") != root["id"]:
                continue
            for a in lxml_html.fragment_fromstring(page["content"]["raw"], "div").iter("a"):
                parts = urlsplit(a.get("href") or "")
                if parts.netloc != urlsplit(wordpress.url).netloc:
                    continue
                target = by_id[int(parse_qs(parts.query)["page_id"][0])]
                assert target["status"] == "publish"
                assert by_id[by_id[target["parent"]]["id"]]["parent"] in (root["id"], 0)


def test_media_boxes_discussion_and_direction(wordpress: WordPress) -> None:
    media = rest(wordpress, "/wp/v2/media", context="edit", per_page=100)
    # Found again by the marker in the description (WordPress renames timeline.ar.svg).
    names = {re.findall(r"media/([^\"]+)", m["description"]["raw"])[0]: m for m in media}
    assert set(names) == {"timeline.svg", "timeline.ar.svg"}
    assert re.search("[\u0600-\u06ff]", names["timeline.ar.svg"]["alt_text"])
    assert "CC BY-SA 4.0" in names["timeline.svg"]["caption"]["raw"]
    found = {p["slug"] + "/" + str(p["parent"]): p for p in pages(wordpress)}
    road = [p for k, p in found.items() if k.startswith("road-to-2019/")]
    assert len(road) == 2
    for page in road:
        content = page["content"]["raw"]
        img = lxml_html.fragment_fromstring(content, "div").find(".//figure//img")
        assert img is not None and img.get("alt")
        assert img.get("src") in {m["source_url"] for m in media}
    # The rendered Arabic page: right to left, the theme's panels, the self-checks.
    ar = next(p for p in road if 'dir="rtl"' in p["content"]["raw"])
    with urllib.request.urlopen(f"{wordpress.url}/?page_id={ar['id']}", timeout=60) as response:
        shown = response.read().decode()
    assert '<div class="packager-page" lang="ar" dir="rtl">' in shown
    assert 'class="panel iDevice box-' in shown
    discussion = [p for k, p in found.items() if k.startswith("share-your-view/")]
    assert all('[WEnotes tag="oerrec" count="20"]' in p["content"]["raw"] for p in discussion)


@pytest.mark.browser
def test_arabic_pages_read_right_to_left_in_chromium(
    wordpress: WordPress,
    browser: Any,
) -> None:
    """The published Arabic pages in a browser: right to left, figures drawn, answers open."""
    found = [p for p in pages(wordpress) if 'lang="ar"' in p["content"]["raw"]]
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    for slug in ("road-to-2019", "quiz"):
        ar = next(p for p in found if p["slug"] == slug)
        tab.goto(f"{wordpress.url}/?page_id={ar['id']}")
        body = tab.locator("div.packager-page")
        assert body.evaluate("e => getComputedStyle(e).direction") == "rtl"
        for img in tab.locator("main img:not(.pedagogicalicon)").all():
            assert img.evaluate("e => e.complete && e.naturalWidth > 0"), img.get_attribute("src")
    answer = tab.locator("details.question-answer").first
    assert not answer.locator("ul").is_visible()
    answer.locator("summary").click()
    assert answer.locator("ul").is_visible()
    context.close()


def test_republish_after_an_edit_changes_one_page(wordpress: WordPress, project: Path) -> None:
    by_hand = rest_post(
        wordpress,
        "/wp/v2/pages",
        {"title": "Office hours", "status": "publish", "content": "<p>Tuesdays.</p>"},
    )
    before = {p["id"]: p for p in pages(wordpress)}
    page = project / "courses" / SAMPLE / "pages" / "welcome.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    done = publish(wordpress, project, "--lang", "en", "--lang", "ar")
    assert done.returncode == 0, done.stderr
    # The new paragraph is not translated yet: the Arabic page shows it in English.
    for lang in ("en", "ar"):
        assert (
            f"published {SAMPLE} [{lang}] to {wordpress.url}: 1 update, 11 unchanged" in done.stdout
        )
    after = {p["id"]: p for p in pages(wordpress)}
    assert set(after) == set(before)  # nothing duplicated, nothing removed
    changed = [i for i in after if after[i]["content"]["raw"] != before[i]["content"]["raw"]]
    assert [after[i]["slug"] for i in changed] == ["welcome", "welcome"]
    assert all("One more paragraph." in after[i]["content"]["raw"] for i in changed)
    assert after[by_hand["id"]]["content"]["raw"] == "<p>Tuesdays.</p>"


def test_hand_edits_are_kept(wordpress: WordPress, project: Path) -> None:
    quiz = next(
        p for p in pages(wordpress) if p["slug"] == "quiz" and 'lang="en"' in p["content"]["raw"]
    )
    edited = quiz["content"]["raw"] + "<p>Added in WordPress.</p>"
    rest_post(wordpress, f"/wp/v2/pages/{quiz['id']}", {"content": edited})
    done = publish(wordpress, project, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "1 kept" in done.stdout
    again = rest(wordpress, f"/wp/v2/pages/{quiz['id']}", context="edit")
    assert again["content"]["raw"] == edited


def rest_post(site: WordPress, route: str, body: dict[str, Any]) -> Any:
    token = base64.b64encode(f"{site.user}:{site.password}".encode()).decode()
    request = urllib.request.Request(
        f"{site.url}/?{urlencode({'rest_route': route})}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_a_run_that_stops_part_way_is_completed_by_the_next(
    wordpress: WordPress, project: Path
) -> None:
    problems = Problems()
    french = next(e for e in check_all(project, (SAMPLE,), problems) if e.lang == "fr")
    site = Site(wordpress.url, wordpress.user, wordpress.password)

    class Failing(Client):
        """The connection drops after a few writes (the upload and six new pages)."""

        writes = 0

        def request(self, method: str, route: str, *args: Any, **kwargs: Any) -> Any:
            if method == "POST":
                Failing.writes += 1
                if Failing.writes > 8:
                    raise WordPressError("connection lost")
            return super().request(method, route, *args, **kwargs)

    first = Publisher(Failing(site), lambda line: None)
    first.load()
    with pytest.raises(WordPressError):
        first.publish(french, tree=True, dry_run=False)
    made = [p for p in pages(wordpress) if f'"{SAMPLE}/fr' in p["content"]["raw"]]
    assert len(made) == 6
    assert all(p["status"] == "draft" for p in made)  # nothing published half-rendered
    second = Publisher(Client(site), lambda line: None)
    second.load()
    steps = second.publish(french, tree=True, dry_run=False)
    assert [s.action for s in steps].count("create") == 6
    made = [p for p in pages(wordpress) if f'"{SAMPLE}/fr' in p["content"]["raw"]]
    assert len(made) == 12 and all(p["status"] == "publish" for p in made)
    assert [p["id"] for p in made] == sorted(p["id"] for p in made)


def test_a_changed_figure_is_uploaded_once(wordpress: WordPress, project: Path) -> None:
    figure = project / "courses" / SAMPLE / "media" / "timeline.svg"
    figure.write_text(figure.read_text(encoding="utf-8") + "<!-- redrawn -->\n", encoding="utf-8")
    first = publish(wordpress, project, "--lang", "en")
    assert first.returncode == 0, first.stderr
    assert "1 upload, 1 update" in first.stdout  # the new file, and the page that shows it
    second = publish(wordpress, project, "--lang", "en")
    assert second.returncode == 0, second.stderr
    assert f"published {SAMPLE} [en] to {wordpress.url}: 10 unchanged, 1 kept" in second.stdout
