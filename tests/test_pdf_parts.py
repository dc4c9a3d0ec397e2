"""A long book laid out in parts (formats/pdf/parts.py): the joined pages are the book laid out
whole, page numbers run on, links and the contents point at the right pages."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packager.api import check_all
from packager.diagnostics import InputError, Problems
from packager.formats.pdf import parts
from packager.formats.pdf.book import book_html, pdf_bytes
from packager.i18n.editions import Edition
from tests.conftest import COURSE_YAML, REPO, CourseFactory

MODULES = 4


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of pages of each WeasyPrint layout, in order."""
    import weasyprint

    done: list[int] = []
    render = weasyprint.HTML.render

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        document = render(self, *args, **kwargs)
        done.append(len(document.pages))
        return document

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    yield done


def _in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module a part of its own, however short the book."""
    monkeypatch.setattr(parts, "SPLIT_ABOVE", 0)
    monkeypatch.setattr(parts, "PART_TEXT", 0)


def _whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "SPLIT_ABOVE", 10**9)


def _edition(project: Path, course: str = "demo") -> Edition:
    (edition,) = check_all(project, (course,), Problems())
    return edition


@pytest.fixture
def modules(make_course: CourseFactory) -> Path:
    """A course of four modules of two pages; each page links to a page two modules back."""
    names = [f"m{m}p{p}" for m in range(MODULES) for p in range(2)]
    files: dict[str, str | None] = {"pages/intro.md": None, "pages/quiz.md": None}
    for n, name in enumerate(names):
        target = names[(n - 4) % len(names)]
        body = "\n\n".join(
            f"Paragraph {k} of {name}, long enough to fill lines. " * 6 for k in range(9)
        )
        files[f"pages/{name}.md"] = (
            f"---\ntitle: Page {name}\nduration: 5\n---\n\nSee [page {target}]({target}.md).\n\n{body}\n"
        )
    outline = "".join(
        f"  - title: Module {m}\n    pages: [{', '.join(names[2 * m : 2 * m + 2])}]\n"
        for m in range(MODULES)
    )
    files["course.yaml"] = COURSE_YAML.split("outline:")[0] + "outline:\n" + outline
    return make_course(files)


def test_the_sample_book_in_parts_is_byte_for_byte_the_book_laid_out_whole(
    monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    for lang in ("en", "ar", "zh-Hans"):  # left to right, right to left, CJK
        (edition,) = [
            e for e in check_all(REPO, ("oer-recommendation",), Problems()) if e.lang == lang
        ]
        _whole(monkeypatch)
        whole = pdf_bytes(edition, REPO)
        _in_parts(monkeypatch)
        layouts.clear()
        joined = pdf_bytes(edition, REPO)
        book = parts.split(book_html(edition, REPO))
        assert book is not None
        # the front matter twice (its length, then the contents' numbers), every other part once
        assert len(layouts) == len(book.parts) + 1 > 4, lang
        assert joined == whole, lang


def test_a_book_in_parts_numbers_its_pages_on_and_links_land_on_their_page(
    modules: Path, monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    _in_parts(monkeypatch)
    edition = _edition(modules)
    data = pdf_bytes(edition, modules)
    # front matter twice, four modules, the credits: each part laid out alone
    assert len(layouts) == MODULES + 3
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    # the footer: every page after the cover ends with its own number, and the running header
    # (the course's title, set on the cover) is carried into every part
    for number, text in enumerate(texts[1:], start=2):
        assert text.rstrip().splitlines()[-1].endswith(str(number)), number
        assert "Demo course" in text, number
    # bookmarks: the modules in order, each with its two pages, pointing at their pages
    outline = reader.outline
    assert [o.title for o in outline if not isinstance(o, list)][1 : MODULES + 1] == [
        f"Module {m}" for m in range(MODULES)
    ]
    where = {}
    for group in outline:
        for item in group if isinstance(group, list) else [group]:
            where[item.title] = reader.get_destination_page_number(item)
            assert item.title in texts[where[item.title]], item.title
    pages = [t for g in outline if isinstance(g, list) for t in (i.title for i in g)]
    assert pages == [f"Page m{m}p{p}" for m in range(MODULES) for p in range(2)]
    # the contents' numbers (target-counter into later parts) are the pages' numbers
    for title, index in where.items():
        if title.startswith("Page "):
            match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", texts[1], re.M)
            assert match and int(match.group(1)) == index + 1, title
    # a link in one module to a page of another lands on that page
    checked = 0
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            name = link.get("/Dest") or link.get("/A", {}).get("/D")
            if not name or not str(name).startswith("page-m"):
                continue
            target = reader.named_destinations[str(name)]
            title = f"Page {str(name).removeprefix('page-')}"
            assert reader.get_destination_page_number(target) == where[title], (index, name)
            checked += 1
    assert checked >= 2 * MODULES * 2  # contents and text


def test_a_book_in_parts_is_the_same_book_and_reproducible(
    modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition = _edition(modules)
    _whole(monkeypatch)
    whole = pdf_bytes(edition, modules)
    _in_parts(monkeypatch)
    assert pdf_bytes(edition, modules) == pdf_bytes(edition, modules) == whole


def test_a_course_with_its_own_stylesheet_is_laid_out_whole(
    modules: Path, monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    css = (REPO / "templates" / "static" / "print.css").read_text(encoding="utf-8")
    static = modules / "courses" / "demo" / "templates" / "static"
    static.mkdir(parents=True)
    (static / "print.css").write_text(css, encoding="utf-8")  # may not break before modules
    _in_parts(monkeypatch)
    pdf_bytes(_edition(modules), modules)
    assert len(layouts) == 1


def test_a_short_book_is_not_cut() -> None:
    """The sample course's books are short: one layout, as they always were."""
    for edition in check_all(REPO, ("oer-recommendation",), Problems()):
        assert parts.split(book_html(edition, REPO)) is None, edition.lang


def test_a_carried_running_header_is_a_valid_css_string() -> None:
    assert (
        parts._css_string('A "quoted" \\ title\nend') == '"A \\22 quoted\\22  \\5c  title\\a end"'
    )


def test_an_image_that_cannot_be_drawn_in_two_parts_is_one_error(
    modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = modules / "courses" / "demo" / "media"
    (media / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (media / "broken.png.yaml").write_text("author: Test Author\nlicense: CC-BY-4.0\n")
    for name in ("m0p0", "m3p0"):  # the first and the last module: two parts
        page = modules / "courses" / "demo" / "pages" / f"{name}.md"
        page.write_text(page.read_text() + "\n![A chart](media/broken.png)\n")
    found = []
    for lay_out in (_whole, _in_parts):
        lay_out(monkeypatch)
        with pytest.raises(InputError) as caught:
            pdf_bytes(_edition(modules), modules)
        found.append([d.format() for d in caught.value.diagnostics])
    assert found[1] == found[0]
    assert found[0] == [
        "courses/demo/pages/m0p0.md:26:12: error[pdf-image]: the image 'media/broken.png' cannot"
        " be put in the PDF: the file cannot be read as an image (Truncated File Read)"
    ]
