"""The EPUB 3 output format: an accessible, reflowable e-book per course and language.

``build/<course>/<lang>/<course>-<lang>.epub`` holds a cover, a title page, the navigation
document (modules, then pages; landmarks), one XHTML document per page in outline order and the
credits. Documents are written as HTML by the ``epub-*.html`` templates and the same renderer as
the site, then turned into XHTML here: self-check questions lose their inputs and keep their
answers in ``<details>`` (reading systems often run no script), footnotes get ``epub:type``,
links point at the book's documents. The package carries Dublin Core and EPUB Accessibility 1.1
metadata; the zip is reproducible (``mimetype`` first and stored, fixed times and order) and
checked before it is written. EPUBCheck itself (Java, slow) runs in the tests.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, InputError
from packager.formats.archive import safe_name, zip_time
from packager.formats.epub import fonts
from packager.formats.epub.container import (
    Document,
    check_epub,
    package,
    zip_epub,
)
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_document
from packager.render.settings import RenderContext
from packager.render.templates import environment, find_static, search_path
from packager.source.media import image_size

TEMPLATES: tuple[str, ...] = ("epub-cover.html", "epub-title.html", "epub-nav.html")
TEMPLATES += ("epub-page.html", "epub-credits.html")
STATICS = ("epub.css",)
BOOK_PARTS = ("cover.xhtml", "title.xhtml", "nav.xhtml", "credits.xhtml")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


SUMMARY = N_(
    "This book has a table of contents, headings in order, a text alternative for every image "
    "and self-check questions whose answers open without scripts; its text reflows and takes "
    "the reader's fonts and sizes."
)


def epub_bytes(
    edition: Edition, project: Path, published: tuple[str, ...], *, embed_fonts: bool = False
) -> bytes:
    """The EPUB of one edition, checked; raises :class:`InputError` on a template's mistake or
    on a book that fails the structural check (so a broken book is never written)."""
    data = _book(edition, project, embed_fonts=embed_fonts)
    check_epub(data, f"{edition.course.id}-{edition.lang}.epub")
    return data


def extra_inputs() -> tuple[object, ...]:
    """The installed fonts, which ``--embed-fonts`` puts in the book."""
    from packager.formats.pdf import glyphs

    return (glyphs.fonts_in_use(),)


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the book, unchecked (``check`` follows)."""
    return _book(request.edition, request.project, embed_fonts=request.options.embed_fonts)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    """The light structural check (EPUBCheck, the full validation, runs in the tests)."""
    assert isinstance(output, bytes)
    edition = request.edition
    try:
        check_epub(output, f"{edition.course.id}-{edition.lang}.epub")
    except InputError as exc:
        return list(exc.diagnostics)
    return []


def _book(edition: Edition, project: Path, *, embed_fonts: bool = False) -> bytes:
    """Every file of the book, zipped; with ``embed_fonts``, subsets of the faces too."""
    course, lang = edition.course, edition.lang
    folders = search_path(project, course.root)
    env = environment(folders, edition.ui, sandboxed=(course.root / "templates").is_dir())
    gettext = edition.ui.translations().gettext
    localized = localized_media(course, lang)
    names = {f"media/{m}": f"media/{safe_name(m)}" for m in course.media_files}
    sizes = {
        f"media/{m}": size
        for m in course.media_files
        if (size := image_size(course.root / "media" / m)) is not None
    }
    ctx = RenderContext(
        gettext=gettext,
        image_sizes=sizes,
        credit_for=course.credit_for,
        source_lang=course.language,
        source_dir=languages.direction(course.language),
        localized_media=localized,
        media_names=names,
    )
    common = template_context(edition, ctx, badge="")
    pages = {p.id: safe_name(f"{p.id}.xhtml") for p in course.pages}
    links = {p.filename: pages[p.id] for p in course.pages}
    links |= {"index.html": "title.xhtml", "credits.html": "credits.xhtml"}
    links |= {name: name for name in (*pages.values(), *BOOK_PARTS)}
    direction = languages.direction(lang)

    def document(name: str, template: str, **values: object) -> Document:
        try:
            html = env.get_template(template).render(**common, pages=pages, **values)
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, project)]) from None
        return Document(name, xhtml(html, links, direction))

    cover = ctx.media_url(course.cover) if course.cover else None
    documents = []
    if cover:
        size = sizes.get(localized.get(course.cover or "", course.cover or ""))
        documents.append(document("cover.xhtml", "epub-cover.html", cover=cover, cover_size=size))
    documents.append(document("title.xhtml", "epub-title.html"))
    nav = document("nav.xhtml", "epub-nav.html", cover=cover)
    documents.append(Document(nav.name, nav.data, "nav"))
    for module in course.modules:
        for page in module.pages:
            body = Markup(render_document(page.document, ctx))
            documents.append(
                document(
                    pages[page.id],
                    "epub-page.html",
                    page=page,
                    module_title=module.title,
                    body=body,
                )
            )
    credits = [
        course.credit_for(m) for m in course.media_files if not is_language_variant(course, m)
    ]
    documents.append(document("credits.xhtml", "epub-credits.html", credits=credits))

    files: dict[str, bytes] = {"EPUB/style.css": find_static(folders, "epub.css").read_bytes()}
    images = sorted({src for d in documents for src in _images(d.data)})
    for src in images:  # only the media the book shows (no other file can be linked to)
        source = next((k for k, v in names.items() if v == src), src)
        files[f"EPUB/{src}"] = (course.root / source).read_bytes()
    for d in documents:
        files[f"EPUB/{d.name}"] = d.data
    if embed_fonts:
        text = "".join(_text(etree.fromstring(d.data)) for d in documents)
        book = f"{course.id}-{lang}.epub"
        faces, css, problems = fonts.embedded(lang, text, book)
        if problems:
            raise InputError(problems)
        files["EPUB/style.css"] += css.encode()
        files |= {f"EPUB/{name}": data for name, data in faces.items()}
        images = [*images, *sorted(faces)]
    conforms = all(_alt_texts(d.data) for d in documents)
    when = zip_time(course)
    files["EPUB/package.opf"] = package(edition, documents, images, cover, conforms, SUMMARY, when)
    return zip_epub(files, when)


XHTML_NS, EPUB_NS = "http://www.w3.org/1999/xhtml", "http://www.idpf.org/2007/ops"


def xhtml(html: str, links: dict[str, str], direction: str) -> bytes:
    """A document rendered as HTML, as a polyglot XHTML content document for the book."""
    root = lxml_html.document_fromstring(html)
    for question in _classed(root, "question"):
        _static_question(question)
    for a in root.iter("a"):
        parts = urlsplit(a.get("href", ""))
        if parts.scheme:
            continue
        if parts.path in links:
            a.set("href", links[parts.path] + (f"#{parts.fragment}" if parts.fragment else ""))
        elif parts.path:  # a link to a media file: the book cannot open it, so keep the text
            a.tag = "span"
            for attr in ("href", "title", "rel"):
                a.attrib.pop(attr, "")
        parent = a.getparent()
        if parent is not None and "footnote-ref" in (parent.get("class") or ""):
            a.set("epub:type", "noteref")
            a.set("role", "doc-noteref")
    for notes in _classed(root, "footnotes-list"):
        _footnote_asides(notes)
    for img in root.iter("img"):
        for attr in ("loading", "decoding"):  # meaningless in a book
            img.attrib.pop(attr, "")
    if direction == "rtl":  # the stylesheet may not say `direction` in an EPUB
        for code in root.iter("code", "pre", "kbd"):
            code.set("dir", code.get("dir", "ltr"))
    text = etree.tostring(root, method="xml", encoding="unicode")
    text = text.replace("<html ", f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" ', 1)
    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n{text}\n'.encode()
    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return data


def _footnote_asides(notes: etree._Element) -> None:
    """The site's list of notes as one ``<aside epub:type="footnote">`` each: ARIA allows no
    footnote role on ``li`` (DAISY Ace flags it), and reading systems pop up an aside. The
    stylesheet numbers them as the list did."""
    for item in notes:
        item.tag = "aside"
        item.set("epub:type", "footnote")
        item.set("role", "doc-footnote")
    notes.tag = "div"
    notes.attrib.pop("start", "")


def _classed(root: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(str(t) for t in element.itertext())


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but keep the text after it."""
    parent, previous = element.getparent(), element.getprevious()
    assert parent is not None
    if element.tail and previous is not None:
        previous.tail = (previous.tail or "") + element.tail
    elif element.tail:
        parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _static_question(question: etree._Element) -> None:
    """The site's question without its form: the hint, the options as a list, and the answer
    with its feedback in the ``<details>`` the site already has (the same texts)."""
    for fieldset in _classed(question, "question-options"):
        legend = fieldset.find("legend")
        items = lxml_html.Element("ol", {"class": "options", "type": "A"})
        for label in fieldset.iter("label"):
            item = lxml_html.Element("li")
            item.text = label.text
            item.extend(list(label))
            items.append(item)
        replacement = lxml_html.Element("p", {"class": "question-hint"})
        replacement.text = _text(legend)
        fieldset.addprevious(replacement)
        fieldset.addprevious(items)
        _drop(fieldset)
    for short in _classed(question, "short-answer"):
        hint = lxml_html.Element("p", {"class": "question-hint"})
        hint.text = _text(short.find("label"))
        short.addprevious(hint)
        _drop(short)
    for name in ("question-actions", "question-result"):
        for element in _classed(question, name):
            _drop(element)


def _images(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [unquote(img.get("src") or "") for img in root.iter(f"{{{XHTML_NS}}}img")]


def _alt_texts(data: bytes) -> bool:
    """Every image of the document says what it shows (the conformance claim needs it)."""
    root = etree.fromstring(data)
    return all((img.get("alt") or "").strip() for img in root.iter(f"{{{XHTML_NS}}}img"))
