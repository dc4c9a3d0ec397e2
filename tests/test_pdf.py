"""The PDF book: real WeasyPrint output, read back with pypdf."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from packager.api import BuildOptions, build
from packager.diagnostics import Diagnostic, InputError, Problems
from packager.formats.pdf.book import book_html, pdf_bytes
from packager.formats.pdf.fetch import fetcher_class
from packager.formats.pdf.svgtext import shaped
from packager.i18n.editions import editions
from tests.conftest import COURSE_YAML, QUIZ, REPO, SVG, CourseFactory, load

SAMPLE = "oer-recommendation"


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    out = tmp_path_factory.mktemp("pdf")
    outputs = build(
        BuildOptions(project=REPO, out=out, courses=(SAMPLE,), formats=("pdf",)), Problems()
    )
    return {o.lang: PdfReader(o.path) for o in outputs}


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _pdf_errors(project: Path) -> list[Diagnostic]:
    """The errors that stop the demo course's PDF."""
    course, _problems = load(project)
    assert course is not None
    (edition,) = editions(project, course, Problems())
    with pytest.raises(InputError) as caught:
        pdf_bytes(edition, project)
    return list(caught.value.diagnostics)


def test_every_language_has_its_text(sample_pdfs, sample_editions) -> None:  # type: ignore[no-untyped-def]
    assert sorted(sample_pdfs) == sorted(["en", "fr", "es", "ar", "zh-Hans", "ru"])
    for lang, reader in sample_pdfs.items():
        course = sample_editions[lang].course
        text = re.sub(r"\s+", "", _text(reader))  # layout splits lines; compare without spaces
        for title in [course.title] + [p.title for p in course.pages]:
            words = re.sub(r"\s+", "", title)
            if lang == "ar":
                words = words[:8]  # Arabic shaping changes joined forms in extracted text
            assert words in text, (lang, title)
        assert len(reader.pages) >= 12, lang


def test_language_metadata_and_tagging(sample_pdfs, sample_editions) -> None:  # type: ignore[no-untyped-def]
    for lang, reader in sample_pdfs.items():
        course = sample_editions[lang].course
        root = reader.trailer["/Root"]
        assert root["/Lang"] == lang
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        info = reader.metadata
        assert info.title == course.title
        assert info.author == ", ".join(a.name for a in course.authors)
        assert info.subject == course.description
        assert course.keywords[0] in info["/Keywords"]


def test_bookmarks_are_modules_then_pages(sample_pdfs, sample_editions) -> None:  # type: ignore[no-untyped-def]
    reader = sample_pdfs["fr"]
    course = sample_editions["fr"].course
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    for module in course.modules:
        assert module.title in titles
    nested = [item for item in outline if isinstance(item, list)]
    pages = [entry.title for group in nested for entry in group]
    assert pages == [p.title for p in course.pages]


def test_contents_page_numbers_match(sample_pdfs, sample_editions) -> None:  # type: ignore[no-untyped-def]
    reader = sample_pdfs["en"]
    course = sample_editions["en"].course
    contents = reader.pages[1].extract_text()
    where = {}
    for group in reader.outline:
        for item in group if isinstance(group, list) else [group]:
            where[item.title] = reader.get_destination_page_number(item) + 1
    for page in course.pages:
        match = re.search(re.escape(page.title) + r"[ .]*?(\d+)\s*$", contents, re.M)
        assert match, page.title
        assert int(match.group(1)) == where[page.title], page.title


def test_fonts_are_embedded_subsets(sample_pdfs) -> None:  # type: ignore[no-untyped-def]
    for lang in ("en", "ar", "zh-Hans"):
        names = set()
        for page in sample_pdfs[lang].pages:
            fonts = page.get("/Resources", {}).get("/Font", {})
            for ref in fonts.values():
                font = ref.get_object()
                names.add(str(font["/BaseFont"]))
                descriptor = (
                    font.get("/FontDescriptor")
                    or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                )
                assert any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ), font
        assert names and all(re.match(r"^/[A-Z]{6}\+", n) for n in names), (lang, names)


def test_answer_key(sample_pdfs, sample_editions) -> None:  # type: ignore[no-untyped-def]
    text = _text(sample_pdfs["en"])
    assert "Question 1: D. 2019" in text and "Question 5: 4 · four · SDG 4 · SDG4" in text


def test_fetcher_refuses_anything_but_the_course(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "ok.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = fetcher_class()(media, {})
    assert fetcher.fetch("file:///__course__/media/ok.svg").url.endswith("ok.svg")
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/x.css",
        "file:///__course__/media/../secret.txt",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_two_builds_are_byte_identical(make_course: CourseFactory, tmp_path: Path) -> None:
    project = make_course()
    digests = []
    for out in ("a", "b"):
        (output,) = build(
            BuildOptions(project=project, out=tmp_path / out, formats=("pdf",)), Problems()
        )
        digests.append(hashlib.sha256(output.path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_devanagari(make_course: CourseFactory, tmp_path: Path) -> None:
    page = "---\ntitle: परिचय\nduration: 5\n---\n\nमुक्त शैक्षिक संसाधन सबके लिए हैं।\n"
    project = make_course(
        {
            "course.yaml": COURSE_YAML.replace("language: en", "language: hi").replace(
                "[intro, quiz]", "[intro]"
            ),
            "pages/intro.md": page,
        }
    )
    (output,) = build(BuildOptions(project=project, out=tmp_path, formats=("pdf",)), Problems())
    reader = PdfReader(output.path)
    assert reader.trailer["/Root"]["/Lang"] == "hi"
    assert "परिचय" in _text(reader)


def test_a_missing_glyph_fails_naming_it_and_the_page(make_course: CourseFactory) -> None:
    page = "---\ntitle: Intro\nduration: 5\n---\n\nA face: \U0001f642.\n"
    project = make_course({"pages/intro.md": page})
    (problem,) = _pdf_errors(project)
    assert problem.format() == (
        "courses/demo/pages/intro.md:1:1: error[missing-glyph]: the PDF cannot draw U+1F642 SLIGHTLY SMILING FACE (\U0001f642); no installed font has it"
    )


def test_a_course_stylesheet_cannot_fetch_outside_the_course(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    (tmp_path / "secret.css").write_text("body { color: red }")
    css = f'@import url("file://{tmp_path}/secret.css");\n@font-face {{ font-family: X; src: url("https://example.org/x.woff2") }}\n'
    project = make_course({"templates/static/print.css": css})
    formatted = [p.format() for p in _pdf_errors(project)]
    assert any(
        f.startswith("courses/demo/templates/static/print.css:1:14: error[pdf-fetch]")
        and "secret.css" in f
        for f in formatted
    ), formatted
    assert (
        "courses/demo/templates/static/print.css:2:40: error[pdf-fetch]: the PDF may use only"
        " the course's own files, not https://example.org/x.woff2"
    ) in formatted


def test_an_image_the_pdf_cannot_draw_is_an_error(make_course: CourseFactory) -> None:
    page = "---\ntitle: Intro\nduration: 5\n---\n\n![A chart](media/broken.png)\n"
    project = make_course({"pages/intro.md": page})
    (project / "courses/demo/media/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (project / "courses/demo/media/broken.png.yaml").write_text(
        "author: Test Author\nlicense: CC-BY-4.0\n"
    )
    (problem,) = _pdf_errors(project)
    assert problem.format() == (
        "courses/demo/pages/intro.md:6:12: error[pdf-image]: the image 'media/broken.png' cannot"
        " be put in the PDF: the file cannot be read as an image (Truncated File Read)"
    )


def test_an_image_too_large_to_draw_is_refused_where_it_is_used(
    make_course: CourseFactory,
) -> None:
    """20000 x 20000 pixels in a 50 kB PNG: 1.6 GB once decoded. Refused by check, at each use."""
    from PIL import Image

    page = "---\ntitle: Intro\nduration: 5\n---\n\n![A chart](media/huge.png)\n"
    yaml = COURSE_YAML.replace("version:", "cover: media/huge.png\nversion:")
    project = make_course({"pages/intro.md": page, "course.yaml": yaml})
    Image.new("1", (20000, 20000)).save(project / "courses/demo/media/huge.png")
    Image.new("1", (16384, 3000)).save(project / "courses/demo/media/wide-but-fine.png")
    Image.new("1", (16385, 10)).save(project / "courses/demo/media/too-wide.png")
    _course, problems = load(project)
    too_large = (
        "error[image-too-large]: the image 'media/huge.png' is 20000 x 20000 pixels (400"
        " megapixels); an image may have at most 50 megapixels and 16384 pixels a side (drawing"
        " it would take too much memory): scale it down"
    )
    assert problems == [
        f"courses/demo/course.yaml:8:8: {too_large}",
        "courses/demo/media/too-wide.png:1:1: error[image-too-large]: the image 'media/too-wide.png'"
        " is 16385 x 10 pixels (0 megapixels); an image may have at most 50 megapixels and 16384"
        " pixels a side (drawing it would take too much memory): scale it down",
        f"courses/demo/pages/intro.md:6:12: {too_large}",
        "courses/demo/pages/intro.md:6:12: warning[uncredited-media]: the image 'media/huge.png'"
        " has no credit in course.yaml's 'media:', so it is credited to the course's authors under"
        " CC BY 4.0; add one if someone else made it",
    ]


def test_a_missing_glyph_in_a_module_title_points_at_course_yaml(
    make_course: CourseFactory,
) -> None:
    project = make_course({"course.yaml": COURSE_YAML.replace("Module one", "Module \U0001f642")})
    (problem,) = _pdf_errors(project)
    assert problem.format() == (
        "courses/demo/course.yaml:11:19: error[missing-glyph]: the PDF cannot draw U+1F642 SLIGHTLY SMILING FACE (\U0001f642); no installed font has it"
    )


def test_courses_share_one_font_configuration(make_course: CourseFactory, tmp_path: Path) -> None:
    """Regression: keying the parsed stylesheet on the course made every course load fonts anew."""
    from packager.formats.pdf.fetch import stylesheet

    stylesheet.cache_clear()
    first = make_course(course_id="one")
    second = make_course(course_id="two")
    assert first == second  # one project, two courses
    for course_id in ("one", "two"):
        build(
            BuildOptions(
                project=first, out=tmp_path / "out", formats=("pdf",), courses=(course_id,)
            ),
            Problems(),
        )
    assert stylesheet.cache_info().currsize == 1


def test_a_book_over_the_text_limit_fails_at_the_page_and_the_site_still_builds(
    make_course: CourseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a 10 MB page's PDF never finished; the limit is checked before WeasyPrint."""
    from packager.formats.pdf import checks as pdfchecks

    monkeypatch.setattr(pdfchecks, "MAX_BOOK_TEXT", 2_000)
    long_page = QUIZ + "\nMany words. " * 200
    project = make_course({"pages/quiz.md": long_page})
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        build(BuildOptions(project=project, out=out, formats=("html", "pdf")), Problems())
    assert [d.format() for d in caught.value.diagnostics] == [
        "courses/demo/pages/quiz.md:1:1: error[pdf-too-large]: this page takes the book past"
        " the PDF's limit of 2,000 characters of text (it has 3,098); the PDF is not made,"
        " the other formats are: shorten the course or split it into several"
    ]
    assert (out / "demo/en/html/index.html").is_file()
    assert not (out / "demo/en/demo-en.pdf").exists()


def test_a_page_just_over_the_real_limit_is_refused_before_weasyprint(
    make_course: CourseFactory,
) -> None:
    from packager.formats.pdf import checks as pdfchecks

    words = "Many words. " * (pdfchecks.MAX_BOOK_TEXT // 12 + 1)
    project = make_course({"pages/intro.md": "---\ntitle: Intro\nduration: 5\n---\n\n" + words})
    (problem,) = _pdf_errors(project)
    assert problem.code == "pdf-too-large"
    assert problem.format().startswith("courses/demo/pages/intro.md:1:1: error[pdf-too-large]")


def test_code_is_never_hyphenated_and_licence_addresses_stay_whole(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    """Regression: `sub‐lime_text.exe` in a table cell, and "by-" / "sa/4.0/)" in credits."""
    prose = "Opens the editor in a new window, whatever is already open in it. " * 2
    cells = " | ".join(["`sublime_text.exe`", prose, prose, prose])
    figures, credits = [], ["media:"]
    for n in range(16):  # credit lines of every length, so that one ends inside the address
        (tmp_path / f"courses/demo/media/pic{n}.svg").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"courses/demo/media/pic{n}.svg").write_text(SVG)
        figures.append(f'![Picture {n}](media/pic{n}.svg "Caption {n}")\n')
        title = " ".join(["Word"] * n)
        credits.append(
            f"  pic{n}.svg:\n    title: T {title}\n    author: A\n    license: CC-BY-SA-4.0"
        )
    page = (
        "---\ntitle: Intro\nduration: 5\n---\n\n| a | b | c | d |\n|---|---|---|---|\n"
        f"| {cells} |\n\n" + "\n".join(figures)
    )
    project = make_course(
        {"pages/intro.md": page, "course.yaml": COURSE_YAML + "\n".join(credits) + "\n"}
    )
    (output,) = build(
        BuildOptions(project=project, out=tmp_path / "out", formats=("pdf",)), Problems()
    )
    text = _text(PdfReader(output.path))
    assert "\u2010" not in text
    assert "sublime_text.exe" in text
    addresses = re.findall(r"licenses/by-\s*\S*", text)
    assert addresses == ["licenses/by-sa/4.0/)"] * 16


def test_the_answer_key_lists_multiple_responses_apart(make_course: CourseFactory) -> None:
    quiz = QUIZ.replace("single-choice", "multiple-response").replace(
        "- [ ] Wrong", "- [ ] Wrong\n- [x] `Also` right"
    )
    project = make_course({"pages/quiz.md": quiz})
    course, _problems = load(project)
    assert course is not None
    (edition,) = editions(project, course, Problems())
    html = book_html(edition, project)
    assert (
        '<p class="key-question">Question 1</p>\n<ul class="key-answers">\n'
        "<li>A. Right</li>\n<li>C. <code>Also</code> right</li>\n</ul>"
    ) in html


def _fonts(reader: PdfReader, number: int) -> set[str]:
    fonts = reader.pages[number].get("/Resources", {}).get("/Font", {})
    return {str(ref.get_object()["/BaseFont"]).split("+")[-1] for ref in fonts.values()}


def test_latin_words_in_an_arabic_book_are_in_noto_sans(make_course: CourseFactory) -> None:
    """Regression: the Latin author's name on an Arabic cover fell back to DejaVu Sans."""
    page = "---\ntitle: مقدمة\nduration: 5\n---\n\nنص عربي مع كلمة Latin.\n"
    course_yaml = COURSE_YAML.replace("language: en", "language: ar").replace(
        "pages: [intro, quiz]", "pages: [intro]"
    )
    project = make_course(
        {"course.yaml": course_yaml, "pages/intro.md": page, "pages/quiz.md": None}
    )
    course, _problems = load(project)
    assert course is not None
    (edition,) = editions(project, course, Problems())
    reader = PdfReader(io.BytesIO(pdf_bytes(edition, project)))
    cover = _fonts(reader, 0)
    assert "Noto-Sans" in cover and "DejaVu-Sans" not in cover, cover


def test_addresses_a_course_stylesheet_uses_while_laying_out_are_located(
    make_course: CourseFactory,
) -> None:
    """Regression: url() refusals in a course's print.css were put at templates:1:1, and each
    came again as a pdf-image error at courses/demo/media:1:1."""
    css = (
        'html { color: black }\n\nbody {\n  background: url("https://example.org/x.png");\n}\n'
        ".cover { background-image: url(../../secret.png) }\n"
        ".toc { background-image: url(media/broken.png) }\n"
    )
    project = make_course({"templates/static/print.css": css})
    (project / "courses/demo/media/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    formatted = [p.format() for p in _pdf_errors(project)]
    assert formatted[:2] == [
        "courses/demo/templates/static/print.css:4:20: error[pdf-fetch]: the PDF may use only"
        " the course's own files, not https://example.org/x.png",
        "courses/demo/templates/static/print.css:6:32: error[pdf-fetch]: the PDF may use only"
        " the course's own files, not file:///secret.png",
    ]
    (image,) = formatted[2:]
    assert image.startswith("courses/demo/templates/static/print.css:7:30: error[pdf-image]")


@pytest.mark.parametrize(("lang", "face"), [("zh-Hans", "SC"), ("zh-Hant", "TC"), ("ja", "JP")])
def test_han_characters_are_drawn_with_the_books_regional_face(
    make_course: CourseFactory, lang: str, face: str
) -> None:
    """Regression: a Chinese book drew Han characters in code with Noto Sans CJK JP."""
    page = "---\ntitle: 介绍\nduration: 5\n---\n\n中文文本，代码 `打印 文件` 和 [链接](https://example.org/中)。\n"
    course_yaml = COURSE_YAML.replace("language: en", f"language: {lang}").replace(
        "pages: [intro, quiz]", "pages: [intro]"
    )
    project = make_course(
        {"course.yaml": course_yaml, "pages/intro.md": page, "pages/quiz.md": None}
    )
    course, _problems = load(project)
    assert course is not None
    (edition,) = editions(project, course, Problems())
    reader = PdfReader(io.BytesIO(pdf_bytes(edition, project)))
    cjk = {f for n in range(len(reader.pages)) for f in _fonts(reader, n) if "CJK" in f}
    assert cjk and all(f"CJK-{face}" in f for f in cjk), cjk


def test_the_answer_key_prints_short_answers_as_written(make_course: CourseFactory) -> None:
    """Regression (issue 14 item 24): a short answer in code printed as plain text in the key."""
    quiz = QUIZ.replace("single-choice", "short-answer").replace(
        "- [x] Right\n- [ ] Wrong", "- `git commit`\n- commit"
    )
    project = make_course({"pages/quiz.md": quiz})
    course, _problems = load(project)
    assert course is not None
    (edition,) = editions(project, course, Problems())
    html = book_html(edition, project)
    assert (
        '<p class="key-question">Question 1: <bdi><code>git commit</code></bdi> · <bdi>commit</bdi></p>'
    ) in html.replace("\u2068", "").replace("\u2069", "")


def test_the_arabic_book_prints_the_arabic_timeline(sample_editions) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 14 item 19): the localized SVG was skipped (WeasyPrint cannot shape
    right-to-left text in SVG) and the Arabic book printed the English timeline. Its text is
    now shaped into outlines, which the book's fetcher serves in place of the file."""
    html = book_html(sample_editions["ar"], REPO)
    assert 'src="file:///__course__/media/timeline.ar.svg"' in html
    fetcher = fetcher_class()(
        REPO / "courses" / SAMPLE / "media", {}, functools.partial(shaped, lang="ar")
    )
    served = fetcher.fetch("file:///__course__/media/timeline.ar.svg").read()
    assert b"<text" not in served and "صياغة مصطلح".encode() in served  # in its <title>


@pytest.mark.parametrize("lang", ["zh-Hans", "ar"])
def test_simplified_chinese_is_never_drawn_in_the_japanese_face(sample_pdfs, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 14 item 20): the timeline's font-family="sans-serif" made WeasyPrint
    embed Noto Sans CJK JP in the zh-Hans book; its text is drawn in the book's SC face. The
    Arabic book's credits name the Chinese translation "中文 (简体)", marked zh-Hans now."""
    reader = sample_pdfs[lang]
    fonts = {f for n in range(len(reader.pages)) for f in _fonts(reader, n)}
    assert any("CJK-SC" in f for f in fonts) and not any("CJK-JP" in f for f in fonts), fonts


def test_a_bracketed_chinese_title_is_not_broken_across_lines(sample_pdfs) -> None:  # type: ignore[no-untyped-def]
    """Regression (issue 14 item 20): the Chinese cover broke "…组织《建" / "议书》"."""
    lines = (sample_pdfs["zh-Hans"].pages[0].extract_text() or "").splitlines()
    assert "开放式教育资源与联合国教科文组织" in lines and "《建议书》" in lines, lines
    for line in lines:
        assert line.count("《") == line.count("》"), line


def test_only_the_drawings_a_book_shows_are_shaped(
    sample_editions, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Issue 21 (PDF within 1.10x of bare WeasyPrint): every book shaped the text of every
    language's drawings (the English book shaped the Arabic and Chinese timelines), a tenth of
    the sample's PDF time. Shaping now happens as the book fetches a drawing."""
    from packager.formats.pdf import book, svgtext

    shaped_names: list[int] = []
    real = svgtext.shape_svg

    def counting(data: bytes, lang: str) -> bytes | None:
        shaped_names.append(len(data))
        return real(data, lang)

    monkeypatch.setattr(svgtext, "shape_svg", counting)
    svgtext.shaped_svg.cache_clear()  # earlier books of this module shaped the timeline already
    book.pdf_bytes(sample_editions["en"], REPO)
    assert shaped_names == []
    arabic = (REPO / "courses" / SAMPLE / "media" / "timeline.ar.svg").read_bytes()
    book.pdf_bytes(sample_editions["ar"], REPO)
    assert shaped_names == [len(arabic)]
