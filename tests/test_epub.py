"""The EPUB output format: valid (EPUBCheck), accessible (axe), complete, reproducible."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from packager.api import BuildOptions, check_all
from packager.diagnostics import InputError, Problems
from packager.engine.runner import run
from packager.formats.epub.book import SUMMARY, epub_bytes
from packager.formats.epub.container import CONFORMS_TO, book_id, check_epub, zip_epub
from packager.formats.site import site_files
from packager.i18n.editions import Edition
from packager.languages import direction
from tests.conftest import REPO, CourseFactory
from tests.test_browser import AXE_JS, LANGS, _serve, need

SAMPLE = "oer-recommendation"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
EPUBCHECK_JAR = Path(__import__("epubcheck").__file__).parent / "epubcheck.jar"
SCRIPTS = {"ar": "[\u0600-\u06ff]", "zh-Hans": "[\u4e00-\u9fff]", "ru": "[\u0400-\u04ff]"}


@pytest.fixture(scope="module")
def books(sample_editions: dict[str, Edition]) -> dict[str, bytes]:
    published = tuple(sample_editions)
    return {lang: epub_bytes(e, REPO, published) for lang, e in sample_editions.items()}


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _package(data: bytes) -> etree._Element:
    return etree.fromstring(_entries(data)["EPUB/package.opf"])


def _spine(data: bytes) -> list[str]:
    opf = _package(data)
    hrefs = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
    return [str(hrefs[r.get("idref")]) for r in opf.iter(f"{OPF}itemref")]


def _epubcheck(path: Path) -> list[dict[str, Any]]:
    java = shutil.which("java")
    need(java, "a Java runtime (apt-get install default-jre-headless)")
    report = path.with_suffix(".json")
    command = [str(java), "-jar", str(EPUBCHECK_JAR), str(path), "--json", str(report)]
    subprocess.run(command, capture_output=True, timeout=300, check=False)
    messages: list[dict[str, Any]] = json.loads(report.read_text())["messages"]
    return messages


def test_epubcheck_finds_no_error_or_warning_in_any_language(
    books: dict[str, bytes], tmp_path: Path
) -> None:
    """EPUBCheck 5 (bundled by the `epubcheck` package) on all six books; a book spoilt on
    purpose shows it looked."""
    assert list(books) == list(LANGS)
    for lang, data in books.items():
        path = tmp_path / f"{SAMPLE}-{lang}.epub"
        path.write_bytes(data)
        found = [m for m in _epubcheck(path) if m["severity"] in ("FATAL", "ERROR", "WARNING")]
        assert found == [], (lang, json.dumps(found, indent=1, ensure_ascii=False))
    files = {k: v for k, v in _entries(books["en"]).items() if k.startswith("EPUB/")}
    files["EPUB/welcome.xhtml"] = files["EPUB/welcome.xhtml"].replace(b"<main", b"<main><p/>", 1)
    files["EPUB/welcome.xhtml"] = files["EPUB/welcome.xhtml"].replace(b"<p/>", b"<p><div/></p>", 1)
    spoilt = tmp_path / "spoilt.epub"
    spoilt.write_bytes(zip_epub(files, (2020, 1, 1, 0, 0, 0)))
    assert any(m["severity"] == "ERROR" for m in _epubcheck(spoilt))


def test_two_builds_give_identical_bytes_and_mimetype_comes_first_stored(
    books: dict[str, bytes], sample_editions: dict[str, Edition]
) -> None:
    again = epub_bytes(sample_editions["ar"], REPO, tuple(sample_editions))
    assert again == books["ar"]
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", 0, b"")
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}
        assert archive.namelist()[1] == "META-INF/container.xml"
    assert again[30:38] == b"mimetype" and again[38:58] == b"application/epub+zip"


@pytest.mark.parametrize("lang", LANGS)
def test_the_package_carries_dublin_core_and_accessibility_metadata(
    books: dict[str, bytes], sample_editions: dict[str, Edition], lang: str
) -> None:
    opf = _package(books[lang])
    edition = sample_editions[lang]
    course = edition.course
    rtl = direction(lang) == "rtl"
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    spine = next(opf.iter(f"{OPF}spine"))
    assert spine.get("page-progression-direction") == ("rtl" if rtl else "ltr")
    assert next(opf.iter(f"{DC}language")).text == lang
    assert next(opf.iter(f"{DC}identifier")).text == book_id(course, lang)
    assert book_id(course, lang) == book_id(course, lang) != book_id(course, "xx")
    assert next(opf.iter(f"{DC}title")).text == course.title
    assert [c.text for c in opf.iter(f"{DC}creator")] == [a.name for a in course.authors]
    if lang != "en":
        assert [c.text for c in opf.iter(f"{DC}contributor")] != []
    assert "CC BY-SA 4.0" in str(next(opf.iter(f"{DC}rights")).text)
    meta: dict[str, list[str]] = {}
    for m in opf.iter(f"{OPF}meta"):
        meta.setdefault(str(m.get("property")), []).append(str(m.text))
    assert meta["dcterms:modified"] == ["2026-11-27T00:00:00Z"]
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= set(
        meta["schema:accessibilityFeature"]
    )
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert meta["dcterms:conformsTo"] == [CONFORMS_TO]
    (summary,) = meta["schema:accessibilitySummary"]
    assert (summary == SUMMARY) == (lang == "en")  # translated in every language of the sample
    if lang in SCRIPTS:
        assert re.search(SCRIPTS[lang], summary)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _parts(root: Any, ns: str) -> dict[str, list[str]]:
    """What the read-back compares, found by class in a page's article."""
    found: dict[str, list[str]] = {}
    for cls in ("figure", "footnote-item", "question-prompt", "question-answer", "box"):
        found[cls] = [
            _text(e) for e in root.iter(f"{ns}*") if cls in (e.get("class") or "").split()
        ]
    found["headings"] = [_text(e) for e in root.iter(*[f"{ns}h{n}" for n in range(1, 7)])]
    found["alt"] = [str(e.get("alt")) for e in root.iter(f"{ns}img")]
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_read_back_every_page_figure_footnote_question_and_credit_in_order(
    books: dict[str, bytes], sample_editions: dict[str, Edition], lang: str
) -> None:
    """The book holds what the source and the site hold, in outline order, in the language's
    script and direction; questions keep their texts and answers, without a form or script."""
    edition = sample_editions[lang]
    course = edition.course
    entries = _entries(books[lang])
    pages = [f"{p.id}.xhtml" for p in course.pages]
    assert _spine(books[lang]) == [
        "cover.xhtml",
        "title.xhtml",
        "nav.xhtml",
        *pages,
        "credits.xhtml",
    ]
    site = site_files(edition, REPO, tuple(sample_editions))
    nav = etree.fromstring(entries["EPUB/nav.xhtml"])
    toc = [a.get("href") for a in nav.iter(f"{X}a")]
    assert list(dict.fromkeys(h for h in toc if h in pages)) == pages  # modules link their first
    for page in course.pages:
        book = etree.fromstring(entries[f"EPUB/{page.id}.xhtml"])
        assert book.get("lang") == book.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert book.get("dir") == direction(lang)
        web = lxml_html.document_fromstring(site[page.filename]).find(".//main")
        mine, theirs = _parts(book, X), _parts(web, "")
        assert mine == theirs, page.id
        assert len(mine["alt"]) == len(page.document.images)
        notes = sum(t.type == "footnote_open" for t in page.document.tokens)
        assert len(mine["footnote-item"]) == notes
        assert len(mine["question-prompt"]) == len(page.document.questions)
        assert all(mine["alt"]), page.id
        assert _text(next(book.iter(f"{X}h1"))) == _text(web.find(".//h1"))
        if lang in SCRIPTS:
            assert re.search(SCRIPTS[lang], _text(next(book.iter(f"{X}h1"))))
        for forbidden in ("input", "button", "script", "fieldset"):
            assert next(book.iter(f"{X}{forbidden}"), None) is None
        options = [
            _text(li) for ol in book.iter(f"{X}ol") if ol.get("class") == "options" for li in ol
        ]
        assert options == [
            _text(label)
            for label in web.iter("label")
            if label.getparent().get("class") == "option"
        ]
        refs = [a for a in book.iter(f"{X}a") if a.get(EPUB_TYPE) == "noteref"]
        inline = [c for t in page.document.tokens for c in t.children or ()]
        assert len(refs) == sum(c.type == "footnote_ref" for c in inline), page.id
        items = [e for e in book.iter(f"{X}aside") if e.get(EPUB_TYPE) == "footnote"]
        assert len(items) == notes
    credits = _text(etree.fromstring(entries["EPUB/credits.xhtml"]))
    for media in course.media:
        assert media.title in credits and media.author in credits
    quiz = etree.fromstring(entries["EPUB/quiz.xhtml"])
    assert len(list(quiz.iter(f"{X}details"))) == len(
        next(p for p in course.pages if p.id == "quiz").document.questions
    )


def test_a_book_that_fails_the_structural_check_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/zip")
    broken = buffer.getvalue()
    with pytest.raises(InputError) as caught:
        check_epub(broken, "x.epub")
    assert [d.format() for d in caught.value.diagnostics] == [
        "x.epub:1:1: error[epub]: `mimetype` must hold application/epub+zip",
        "x.epub:1:1: error[epub]: the container or package document is broken: "
        "\"There is no item named 'META-INF/container.xml' in the archive\"",
    ]
    data = zip_epub({"EPUB/package.opf": _opf_listing("gone.xhtml")}, (2020, 1, 1, 0, 0, 0))
    with pytest.raises(InputError) as caught:
        check_epub(data, "x.epub")
    assert [d.format() for d in caught.value.diagnostics] == [
        "x.epub:1:1: error[epub]: the manifest lists gone.xhtml, which is not in the book"
    ]


def _opf_listing(href: str) -> bytes:
    return (
        f'<package xmlns="http://www.idpf.org/2007/opf"><manifest><item href="{href}"/>'
        "</manifest></package>"
    ).encode()


def test_the_build_writes_epubs_and_rebuilds_them_when_their_stylesheet_changes(
    sample_project: Path,
) -> None:
    shutil.copytree(REPO / "locales", sample_project / "locales")
    out = sample_project / "build"
    stylesheet = sample_project / "templates" / "static" / "epub.css"
    stylesheet.parent.mkdir(parents=True)
    stylesheet.write_text("body { margin: 0; }\n")
    options = BuildOptions(
        project=sample_project, out=out, formats=("html", "epub"), langs=("en", "ar")
    )
    built = sorted((r.lang, r.format) for r in run(options).results if r.status == "built")
    assert built == [("ar", "epub"), ("ar", "html"), ("en", "epub"), ("en", "html")]
    assert (out / SAMPLE / "ar" / f"{SAMPLE}-ar.epub").is_file()
    index = (out / "index.html").read_text()
    assert f'href="{SAMPLE}/ar/{SAMPLE}-ar.epub"' in index
    assert (
        "epub"
        in json.loads((out / "report.json").read_text())["courses"][0]["languages"][0]["outputs"]
    )
    stylesheet.write_text("body { margin: 1em; }\n")
    built = sorted((r.lang, r.format) for r in run(options).results if r.status == "built")
    assert built == [("ar", "epub"), ("en", "epub")]
    book = _entries((out / SAMPLE / "en" / f"{SAMPLE}-en.epub").read_bytes())
    assert book["EPUB/style.css"] == b"body { margin: 1em; }\n"


def test_an_image_without_alt_text_drops_the_conformance_claim(make_course: CourseFactory) -> None:
    """A writer's image always has alt text (the loader refuses one without), but a course's own
    template can still show one without: then the book claims no conformance."""
    template = '{% extends "epub-base.html" %}{% block main %}<img src="media/pic.svg" alt="">{% endblock %}'
    project = make_course({"templates/epub-title.html": template})
    problems = Problems()
    (edition,) = check_all(project, ("demo",), problems)
    assert not problems.errors, [d.format() for d in problems]
    opf = _package(epub_bytes(edition, project, ("en",)))
    properties = [m.get("property") for m in opf.iter(f"{OPF}meta")]
    assert "dcterms:conformsTo" not in properties
    features = [
        m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "schema:accessibilityFeature"
    ]
    assert "alternativeText" not in features


# -- in a browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unzipped(books: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every book unzipped side by side, on loopback: ``{url}/<lang>/EPUB/<doc>.xhtml``."""
    root = tmp_path_factory.mktemp("epubs")
    for lang, data in books.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(root / lang)
    yield from _serve(root)


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations_in_any_document_of_the_book(
    browser: Any,
    unzipped: str,
    books: dict[str, bytes],
    lang: str,
) -> None:
    need(AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(REPO)})")
    context = browser.new_context(viewport={"width": 600, "height": 900})
    tab = context.new_page()
    found = {}
    try:
        for name in _spine(books[lang]):
            tab.goto(f"{unzipped}/{lang}/EPUB/{name}")
            tab.add_script_tag(path=str(AXE_JS))
            result = tab.evaluate(
                "async () => { const r = await axe.run(document);"
                " return {rules: r.passes.length + r.violations.length,"
                " violations: r.violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(' '))])}; }"
            )
            found[name] = result
    finally:
        context.close()
    assert {n: r["violations"] for n, r in found.items() if r["violations"]} == {}
    assert all(r["rules"] >= 15 for r in found.values()), found


def test_footnotes_are_asides_in_the_book_and_a_list_on_the_site(
    books: dict[str, bytes], sample_editions: dict[str, Edition]
) -> None:
    """Regression: DAISY Ace flagged ``<li epub:type="footnote">`` (ARIA allows no footnote role
    on ``li``). The book's notes are asides with the footnote role; the site keeps its list."""
    entries = _entries(books["en"])
    book = etree.fromstring(entries["EPUB/road-to-2019.xhtml"])
    assert not [e for e in book.iter() if e.get(EPUB_TYPE) == "footnote" and e.tag != f"{X}aside"]
    asides = list(book.iter(f"{X}aside"))
    assert asides and all(
        a.get(EPUB_TYPE) == "footnote" and a.get("role") == "doc-footnote" and a.get("id")
        for a in asides
    )
    refs = {a.get("href") for a in book.iter(f"{X}a") if a.get(EPUB_TYPE) == "noteref"}
    assert refs == {f"#{a.get('id')}" for a in asides}
    assert all(a.getparent().tag == f"{X}div" for a in asides)  # no list left around them
    site = site_files(sample_editions["en"], REPO, tuple(sample_editions))[
        "road-to-2019.html"
    ].decode()
    assert '<ol class="footnotes-list">' in site and "<aside" not in site


@pytest.mark.parametrize("lang", ["ar", "zh-Hans"])
def test_embedded_fonts_cover_the_text_and_pass_epubcheck(
    sample_editions: dict[str, Edition], tmp_path: Path, lang: str
) -> None:
    """``--embed-fonts`` (was not implemented): the book carries its script's Noto faces, cut
    to its characters, declared in its stylesheet and manifest; same bytes twice; EPUBCheck
    finds nothing."""
    from fontTools.ttLib import TTFont

    data = epub_bytes(sample_editions[lang], REPO, tuple(sample_editions), embed_fonts=True)
    assert data == epub_bytes(sample_editions[lang], REPO, tuple(sample_editions), embed_fonts=True)
    entries = _entries(data)
    faces = sorted(k.removeprefix("EPUB/") for k in entries if k.startswith("EPUB/fonts/"))
    script = {"ar": "NotoSansArabic", "zh-Hans": "NotoSansCJKSC"}[lang]
    other = {"ar": "NotoSansCJKSC", "zh-Hans": "NotoSansArabic"}[lang]  # a language's name
    assert [f.removeprefix("fonts/").rsplit(".", 1)[0] for f in faces] == sorted(
        [f"{script}-400", f"{script}-700", "NotoSans-400", "NotoSans-700", f"{other}-400"]
    )
    css = entries["EPUB/style.css"].decode()
    opf = entries["EPUB/package.opf"].decode()
    for face in faces:
        assert f'src: url("{face}")' in css
        assert re.search(rf'href="{face}" media-type="font/(ttf|otf)"', opf)
    covered = set()
    for face in faces:
        with TTFont(io.BytesIO(entries[f"EPUB/{face}"])) as font:
            covered |= set(font.getBestCmap())
    text = "".join(
        "".join(etree.fromstring(v).itertext()) for k, v in entries.items() if k.endswith(".xhtml")
    )
    assert {c for c in text if c.isalpha() and ord(c) not in covered} == set()
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    found = [m for m in _epubcheck(path) if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)
    plain = _entries(epub_bytes(sample_editions[lang], REPO, tuple(sample_editions)))
    assert not [k for k in plain if k.startswith("EPUB/fonts/")]


def test_embedding_a_font_that_is_not_installed_is_an_error(
    sample_editions: dict[str, Edition], monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.formats.epub import fonts

    monkeypatch.setattr(fonts, "find_face", lambda family, weight: None)
    with pytest.raises(InputError) as caught:
        epub_bytes(sample_editions["ar"], REPO, tuple(sample_editions), embed_fonts=True)
    assert [d.format() for d in caught.value.diagnostics][:2] == [
        "oer-recommendation-ar.epub:1:1: error[epub-font]: --embed-fonts: the font"
        " 'Noto Sans Arabic' is not installed (apt-get install fonts-noto-core)",
        "oer-recommendation-ar.epub:1:1: error[epub-font]: --embed-fonts: the font"
        " 'Noto Sans' is not installed (apt-get install fonts-noto-core)",
    ]
