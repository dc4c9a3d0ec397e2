"""Whole builds: the sample course, reproducibility, atomicity, and the site's own links."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from packager.api import BuildOptions, build
from packager.diagnostics import InputError, Problems
from tests.conftest import COURSE_YAML, INTRO, QUIZ, CourseFactory


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(project: Path, out: Path | None = None, **kwargs: object) -> list[Path]:
    kwargs.setdefault("formats", ("html",))
    options = BuildOptions(project=project, out=out or project / "build", **kwargs)  # type: ignore[arg-type]
    return [o.path for o in build(options, Problems())]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import REPO

    out = tmp_path_factory.mktemp("site")
    (path,) = _build(REPO, out=out, courses=("oer-recommendation",), langs=("en",))
    return path


def test_sample_course_builds_every_page(sample_site: Path) -> None:
    from tests.conftest import REPO

    pages = sorted(p.stem for p in (REPO / "courses/oer-recommendation/pages").glob("*.md"))
    built = sorted(p.stem for p in sample_site.glob("*.html"))
    assert built == sorted([*pages, "index", "credits"])
    assert (sample_site / "assets/style.css").is_file()
    assert (sample_site / "media/timeline.svg").is_file()


def test_sample_site_links_and_ids_resolve(sample_site: Path) -> None:
    """Every local href and src names a file in the site, and every #anchor exists there."""
    ids: dict[str, set[str]] = {}
    docs = {p.name: lxml_html.parse(str(p)).getroot() for p in sample_site.glob("*.html")}
    for name, root in docs.items():
        found = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
        assert len(found) == len(set(found)), f"duplicate ids in {name}"
        ids[name] = set(found)
    for name, root in docs.items():
        for el in root.iter("a", "img", "link", "script"):
            target = el.get("href") or el.get("src")
            if not target or urlsplit(target).scheme or target.startswith("../../"):
                continue
            parts = urlsplit(target)
            file = parts.path or name
            assert (sample_site / file).is_file(), f"{name}: {target} does not exist"
            if parts.fragment and file.endswith(".html"):
                assert parts.fragment in ids[file], f"{name}: #{parts.fragment} missing in {file}"


def test_sample_site_is_accessible_by_construction(sample_site: Path) -> None:
    for page in sample_site.glob("*.html"):
        root = lxml_html.parse(str(page)).getroot()
        assert root.get("lang") == "en" and root.get("dir") == "ltr"
        assert len(root.findall(".//h1")) == 1, page.name
        assert (
            root.find(".//main") is not None and root.find(".//a[@class='skip-link']") is not None
        )
        for img in root.iter("img"):
            decorative = img.get("class") == "cover"
            assert img.get("alt") == "" if decorative else img.get("alt"), (
                f"{page.name}: image without alt"
            )
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{page.name}: heading level jumps {before} -> {after}"


def test_sample_quiz_has_every_question_type(sample_site: Path) -> None:
    kinds = set()
    for page in sample_site.glob("*.html"):
        root = lxml_html.parse(str(page)).getroot()
        kinds |= {q.get("data-kind") for q in root.find_class("question")}
    assert kinds == {"single-choice", "multiple-response", "true-false", "short-answer"}


def test_two_builds_are_byte_identical(make_course: CourseFactory, tmp_path: Path) -> None:
    project = make_course()
    first = _build(project, out=tmp_path / "a")[0]
    second = _build(project, out=tmp_path / "b")[0]
    assert _tree_digest(first) == _tree_digest(second)
    assert _tree_digest(first)  # not vacuous


def test_page_names_may_start_with_a_digit(make_course: CourseFactory) -> None:
    """``01-basics`` is a page name authors expect to work; every output stays valid with it."""
    from packager.api import check_all
    from packager.formats.pdf.book import book_html

    yaml = COURSE_YAML.replace("[intro, quiz]", "[01-basics, 2-quiz]")
    page = INTRO.replace("quiz.md", "2-quiz.md") + "\nA note.[^1]\n\n[^1]: The note.\n"
    project = make_course(
        {"course.yaml": yaml, "pages/01-basics.md": page, "pages/2-quiz.md": QUIZ}
    )
    for name in ("intro", "quiz"):
        (project / f"courses/demo/pages/{name}.md").unlink()
    problems = Problems()
    # The cartridge is validated (identifiers are NCNames) before it is written.
    build(
        BuildOptions(project=project, out=project / "build", formats=("html", "imscc")),
        problems,
    )
    assert [d.format() for d in problems] == []
    site = project / "build/demo/en/html"
    basics = lxml_html.parse(str(site / "01-basics.html")).getroot()
    assert basics.xpath("//a[@href='2-quiz.html']")
    (edition,) = check_all(project, ("demo",), problems)
    book = lxml_html.fromstring(book_html(edition, project))
    ids = book.xpath("//@id")
    assert "page-01-basics" in ids and "page-2-quiz" in ids
    for href in book.xpath("//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids, href


OTHER_LICENCE_YAML = COURSE_YAML + (
    "media:\n"
    "  photo.svg:\n"
    "    title: Launch pad\n"
    "    author: NASA\n"
    "    license:\n"
    "      name: All rights reserved, used with permission\n"
    "  map.svg:\n"
    "    title: World map\n"
    "    author: UNESCO\n"
    "    license:\n"
    "      name: CC BY 3.0 IGO\n"
    "      url: https://creativecommons.org/licenses/by/3.0/igo/\n"
)


def test_a_media_credit_may_state_a_licence_that_is_not_open(make_course: CourseFactory) -> None:
    """Shown as written in the site, the cartridge and the book; never marked as the licence."""
    import zipfile

    from packager.api import check_all
    from packager.formats.pdf.book import book_html
    from tests.conftest import SVG

    page = INTRO + "\n![A launch pad](media/photo.svg)\n\n![A map](media/map.svg)\n"
    project = make_course(
        {
            "course.yaml": OTHER_LICENCE_YAML,
            "pages/intro.md": page,
            "media/photo.svg": SVG,
            "media/map.svg": SVG,
        }
    )
    problems = Problems()
    build(BuildOptions(project=project, out=project / "build", formats=("html", "imscc")), problems)
    assert [d.format() for d in problems] == []
    site = project / "build/demo/en/html"
    intro = (site / "intro.html").read_text()
    assert (
        '<span class="credit">“Launch pad” by NASA, All rights reserved, used with permission</span>'
        in intro
    )
    assert (
        '<span class="credit">“World map” by UNESCO, <a href="https://creativecommons.org/licenses/by/3.0/igo/">CC BY 3.0 IGO</a></span>'
        in intro
    )
    credits = (site / "credits.html").read_text()
    assert "<td>All rights reserved, used with permission</td>" in credits
    assert '<a href="https://creativecommons.org/licenses/by/3.0/igo/">CC BY 3.0 IGO</a>' in credits
    # rel="license" stays the course's: only its own licence is marked as one.
    assert 'igo/" rel' not in intro + credits
    assert sorted(p.name for p in (site / "assets").glob("license-*")) == ["license-cc-by-4.0.svg"]
    with zipfile.ZipFile(project / "build/demo/en/demo-en.imscc") as archive:
        page_names = [n for n in archive.namelist() if n.endswith("credits.html")]
        cartridge_credits = archive.read(page_names[0]).decode()
    assert "<bdi>NASA</bdi>, All rights reserved, used with permission</li>" in cartridge_credits
    assert (
        '<bdi>UNESCO</bdi>, <a href="https://creativecommons.org/licenses/by/3.0/igo/">CC BY 3.0 IGO</a></li>'
        in cartridge_credits
    )
    (edition,) = check_all(project, ("demo",), problems)
    book = book_html(edition, project).replace("\u2068", "").replace("\u2069", "")
    assert (
        "<li>Launch pad, <bdi>NASA</bdi>, <bdi>All rights reserved, used with permission</bdi></li>"
        in book
    )
    assert (
        '<li>World map, <bdi>UNESCO</bdi>, <bdi>CC BY 3.0 IGO</bdi> (<span class="url">https://creativecommons.org/licenses/by/3.0/igo/</span>)</li>'
        in book
    )


def test_the_course_licence_must_stay_open(make_course: CourseFactory) -> None:
    yaml = COURSE_YAML.replace(
        "license: CC-BY-4.0", "license:\n  name: All rights reserved\n  url: https://example.org/"
    )
    from tests.conftest import load

    _course, problems = load(make_course({"course.yaml": yaml}))
    assert problems == [
        "courses/demo/course.yaml:6:3: error[unknown-license]: the course's licence must be an open"
        " licence by SPDX id: CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0, CC-BY-ND-4.0,"
        " CC-BY-NC-ND-4.0, CC0-1.0 (a licence in words is only for media credits)"
    ]


def test_failed_build_keeps_previous_output(make_course: CourseFactory) -> None:
    project = make_course()
    (site,) = _build(project)
    before = _tree_digest(site)
    make_course({"pages/intro.md": INTRO + "\n[broken](gone.md)\n"})
    with pytest.raises(InputError) as caught:
        _build(project)
    assert [d.code for d in caught.value.diagnostics] == ["broken-link"]
    assert _tree_digest(site) == before


def test_rebuild_replaces_stale_files(make_course: CourseFactory) -> None:
    project = make_course()
    (site,) = _build(project)
    (site / "stale.html").write_text("old")
    _build(project)
    assert not (site / "stale.html").exists()
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".")], (
        "temporary folders left behind"
    )


def test_strict_turns_warnings_into_failure(make_course: CourseFactory) -> None:
    project = make_course({"pages/intro.md": INTRO + "\n![](media/pic.svg)\n"})
    _build(project)  # a warning alone does not fail
    with pytest.raises(InputError):
        _build(project, strict=True)


def test_course_can_override_a_template(make_course: CourseFactory) -> None:
    project = make_course()
    override = project / "courses/demo/templates/credits.html"
    override.parent.mkdir()
    override.write_text(
        '{% extends "base.html" %}{% block main %}<h1>Our own credits</h1>{% endblock %}'
    )
    (site,) = _build(project)
    assert "<h1>Our own credits</h1>" in (site / "credits.html").read_text()
    assert "<h1>Introduction</h1>" in (site / "intro.html").read_text()


def test_inserted_names_and_values_are_isolated_in_every_format() -> None:
    """Regression (issue 14 item 24): an English name inserted into an Arabic sentence was not
    isolated, so the Arabic comma after it stood on the wrong side. Every format isolates names,
    titles, versions and addresses with ``<bdi>``; the PDF adds FSI/PDI, which Pango honours
    (WeasyPrint ignores ``unicode-bidi``)."""
    import io
    import zipfile

    from packager.api import check_all
    from packager.formats.cartridge.profile import VERSIONS
    from packager.formats.cartridge.writer import cartridge_files
    from packager.formats.epub.book import epub_bytes
    from packager.formats.pdf.book import book_html
    from packager.formats.site import site_files
    from tests.conftest import REPO

    (arabic,) = [e for e in check_all(REPO, ("oer-recommendation",), Problems()) if e.lang == "ar"]
    name = "<bdi>OER Foundation course team</bdi>"
    site = site_files(arabic, REPO, ("en", "ar"))["what-are-oer.html"].decode()
    assert f"من إعداد {name}، مرخَّص" in site
    assert "الإصدار <bdi>1.0.0</bdi>" in site
    credits = site_files(arabic, REPO, ("en", "ar"))["credits.html"].decode()
    assert (
        f'<li><a href="https://oerfoundation.org">{name}</a>, <bdi>OER Foundation</bdi></li>'
        in credits
    )
    cartridge = b"".join(cartridge_files(arabic, REPO, VERSIONS["1.1"]).values()).decode()
    assert f"من إعداد {name}، مرخَّص" in cartridge
    with zipfile.ZipFile(io.BytesIO(epub_bytes(arabic, REPO, ("ar",)))) as epub:
        book = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml")).decode()
    assert f'<a href="https://oerfoundation.org">{name}</a>' in book
    printed = book_html(arabic, REPO)
    assert '<p class="authors"><bdi>\u2068OER Foundation course team\u2069</bdi></p>' in printed
