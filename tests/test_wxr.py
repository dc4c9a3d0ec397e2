"""WordPress markup and the WXR export file: pages in reading order under their modules, the
OERu theme's panels (or blocks), static self-checks, the WEnotes feed, reproducible bytes."""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from packager.api import check_all
from packager.diagnostics import Problems
from packager.formats.registry import FORMATS
from packager.formats.wordpress.markup import course_media, course_pages, digest, read_marker
from packager.formats.wordpress.wxr import wxr_bytes
from packager.i18n.editions import Edition
from tests.conftest import INTRO, REPO, CourseFactory

SAMPLE = "oer-recommendation"
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture(scope="module")
def editions() -> dict[str, Edition]:
    problems = Problems()
    found = check_all(REPO, (SAMPLE,), problems)
    assert not problems.errors
    return {e.lang: e for e in found if e.lang in ("en", "ar")}


def _items(data: bytes) -> list[etree._Element]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return root.findall("channel/item")


def test_wxr_is_registered_and_reproducible(editions: dict[str, Edition]) -> None:
    assert FORMATS["wxr"].path(SAMPLE, "ar") == f"{SAMPLE}/ar/{SAMPLE}-ar.xml"
    assert wxr_bytes(editions["ar"]) == wxr_bytes(editions["ar"])


def test_wxr_pages_in_reading_order_under_their_modules(editions: dict[str, Edition]) -> None:
    course = editions["en"].course
    items = _items(wxr_bytes(editions["en"]))
    ids = {i.findtext(f"{WP}post_id"): i for i in items}
    titles = [i.findtext("title") for i in items]
    expected: list[str] = []
    for module in course.modules:
        expected += [module.title, *(p.title for p in module.pages)]
    assert titles == expected
    post_ids = [int(i.findtext(f"{WP}post_id") or 0) for i in items]
    assert post_ids == sorted(post_ids)  # the theme's menu sorts by id
    for item in items:
        parent = item.findtext(f"{WP}post_parent")
        name = item.findtext(f"{WP}post_name")
        if name and name.startswith("module-"):
            assert parent == "0"
        else:
            module = ids[parent or ""]
            page = next(p for p in course.pages if p.id == name)
            owner = next(m for m in course.modules if page in m.pages)
            assert module.findtext("title") == owner.title
        assert item.findtext(f"{WP}post_type") == "page"
        assert item.findtext(f"{WP}status") == "publish"
        key = item.find(f"{WP}postmeta/{WP}meta_value")
        assert key is not None and key.text and key.text.startswith(f"{SAMPLE}/en/")
        found = read_marker(item.findtext(CONTENT) or "")
        assert found is not None and found[0] == key.text  # publish finds imported pages
        assert found[1] == digest(item.findtext("title") or "", found[2])


def test_wxr_links_resolve_to_pages_of_the_file(editions: dict[str, Edition]) -> None:
    items = _items(wxr_bytes(editions["en"]))
    paths = {}
    for item in items:
        parent = item.findtext(f"{WP}post_parent")
        parent_name = next(
            (i.findtext(f"{WP}post_name") for i in items if i.findtext(f"{WP}post_id") == parent),
            None,
        )
        name = item.findtext(f"{WP}post_name") or ""
        paths[item.findtext(f"{WP}post_id")] = (
            f"/{parent_name}/{name}/" if parent_name else f"/{name}/"
        )
    known = set(paths.values())
    checked = 0
    for item in items:
        here = paths[item.findtext(f"{WP}post_id")]
        body = lxml_html.fragment_fromstring(item.findtext(CONTENT) or "", "div")
        for a in body.iter("a"):
            href = a.get("href") or ""
            if href.startswith(("http", "#")):
                continue
            target = posixpath.normpath(posixpath.join(here, href.split("#")[0])) + "/"
            assert target in known, (here, href)
            checked += 1
    assert checked > 10


def test_wxr_panels_questions_wenotes_and_direction(editions: dict[str, Edition]) -> None:
    data = wxr_bytes(editions["ar"]).decode()
    assert '<div class="packager-page" lang="ar" dir="rtl">' in data
    assert 'dir="ltr"' not in data
    # The theme's iDevice panel, with its icon (oeru_course inc/shortcode.php).
    assert (
        '<div class="panel iDevice box-activity">\n<div class="panel-heading idevice-heading">\n'
        '<div><img class="pedagogicalicon" alt="" '
        'src="/wp-content/themes/oeru_course/idevices/Icon_activity.png"></div>\n'
    ) in data
    assert 'class="box ' not in data and "box-icon" not in data  # every box rewritten
    # Self-checks without a form: WordPress strips inputs; the answer opens without a script.
    assert "<input" not in data and "<button" not in data
    assert data.count('<details class="question-answer">') == sum(
        len(p.document.questions) for p in editions["ar"].course.pages
    )
    assert '[WEnotes tag="oerrec" count="20"]' in data
    assert data.count("[WEnotes") == 1  # the discussion page only


def test_wxr_blocks_theme(editions: dict[str, Edition]) -> None:
    edition = editions["en"]
    course = dataclasses.replace(edition.course, wordpress_theme="blocks")
    data = wxr_bytes(dataclasses.replace(edition, course=course)).decode()
    assert "iDevice" not in data
    assert (
        '<!-- wp:group {"className":"packager-box packager-box-activity"} -->\n'
        '<div class="wp-block-group packager-box packager-box-activity">'
        '<p class="packager-box-title"><strong>'
    ) in data
    assert "<!-- wp:shortcode -->\n[WEnotes" in data
    assert data.count("<!-- wp:group") == data.count("<!-- /wp:group -->")


def test_media_carry_alt_text_and_credit(editions: dict[str, Edition]) -> None:
    media = course_media(editions["ar"])
    assert [m.name for m in media] == ["timeline.ar.svg"]
    assert re.search("[\u0600-\u06ff]", media[0].alt)
    assert media[0].caption.endswith("OER Foundation course team, CC BY-SA 4.0")
    tree = course_pages(editions["ar"], tree=True)
    assert tree[0].key == f"{SAMPLE}/ar" and tree[0].slug == "ar"
    assert all(p.path[0] == "ar" for p in tree)


def _publish(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WORDPRESS_")}
    return subprocess.run(
        [sys.executable, "-m", "packager", "publish", "wordpress", "demo", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(REPO / "src"), **env},
        timeout=120,
    )


def test_publish_reads_the_password_from_the_environment_or_a_file_only(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project = make_course()
    site = ("--site", "http://127.0.0.1:9", "--user", "admin")
    missing = _publish(project, *site)
    assert missing.returncode == 2
    assert missing.stderr == (
        "Error: set $WORDPRESS_APP_PASSWORD or give --password-file (an application password: "
        "WordPress -> Users -> Profile -> Application Passwords)\n"
    )
    assert _publish(project, *site, "--password", "x").returncode == 2  # no such option
    empty = tmp_path / "password"
    empty.write_text("\n")
    refused = _publish(project, *site, "--password-file", str(empty))
    assert refused.stderr == f"Error: {empty}: the password file is empty\n"
    secret = "abcd efgh ijkl mnop qrst uvwx"
    unreachable = _publish(project, *site, WORDPRESS_APP_PASSWORD=secret)
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith("error: http://127.0.0.1:9: cannot reach the site (")
    assert secret not in unreachable.stdout + unreachable.stderr


def test_a_link_to_a_media_file_is_uploaded_too(make_course: CourseFactory) -> None:
    """A page may link to a media file instead of showing it: the file is published as well,
    else the link would point nowhere on the site."""
    project = make_course({"pages/intro.md": INTRO + "\nSee [the diagram](media/pic.svg).\n"})
    problems = Problems()
    (edition,) = check_all(project, ("demo",), problems)
    assert [m.name for m in course_media(edition)] == ["pic.svg"]
    data = wxr_bytes(edition).decode()
    assert '<a href="../../wp-content/uploads/packager/demo/pic.svg">the diagram</a>' in data
