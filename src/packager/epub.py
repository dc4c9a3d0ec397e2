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

import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import jinja2
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from packager import languages
from packager.cartridge import safe_name, zip_time
from packager.diagnostics import Diagnostic, InputError, Location, Severity
from packager.editions import Edition, is_language_variant, localized_media
from packager.htmlsite import template_context, template_problem
from packager.media import image_size
from packager.model import Course
from packager.render import RenderContext, render_document
from packager.templates import environment, find_static, search_path

TEMPLATES: tuple[str, ...] = ("epub-cover.html", "epub-title.html", "epub-nav.html")
TEMPLATES += ("epub-page.html", "epub-credits.html")
STATICS = ("epub.css",)
BOOK_PARTS = ("cover.xhtml", "title.xhtml", "nav.xhtml", "credits.xhtml")
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
NAMESPACE = uuid.UUID("9d0c5e1e-4a51-5d3c-9a37-0c6f2b7e5f10")  # packager's, for book identifiers
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css",
}
CONTAINER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
    b"</rootfiles>\n</container>\n"
)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


SUMMARY = N_(
    "This book has a table of contents, headings in order, a text alternative for every image "
    "and self-check questions whose answers open without scripts; its text reflows and takes "
    "the reader's fonts and sizes."
)


@dataclass(frozen=True)
class _Document:
    """One XHTML document of the book: its file name, bytes and package item properties."""

    name: str
    data: bytes
    properties: str = ""


def epub_bytes(edition: Edition, project: Path, published: tuple[str, ...]) -> bytes:
    """The EPUB of one edition, checked; raises :class:`InputError` on a template's mistake or
    on a book that fails the structural check (so a broken book is never written)."""
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

    def document(name: str, template: str, **values: object) -> _Document:
        try:
            html = env.get_template(template).render(**common, pages=pages, **values)
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, project)]) from None
        return _Document(name, xhtml(html, links, direction))

    cover = ctx.media_url(course.cover) if course.cover else None
    documents = []
    if cover:
        size = sizes.get(localized.get(course.cover or "", course.cover or ""))
        documents.append(document("cover.xhtml", "epub-cover.html", cover=cover, cover_size=size))
    documents.append(document("title.xhtml", "epub-title.html"))
    nav = document("nav.xhtml", "epub-nav.html", cover=cover)
    documents.append(_Document(nav.name, nav.data, "nav"))
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
    conforms = all(_alt_texts(d.data) for d in documents)
    when = zip_time(course)
    files["EPUB/package.opf"] = package(edition, documents, images, cover, conforms, when)
    data = zip_epub(files, when)
    check_epub(data, f"{course.id}-{lang}.epub")
    return data


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
    for item in _classed(root, "footnote-item"):
        item.set("epub:type", "footnote")
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


def book_id(course: Course, lang: str) -> str:
    """The book's identifier: the same for every build of a course in a language."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{course.id}/{lang}')}"


def package(
    edition: Edition,
    documents: list[_Document],
    images: list[str],
    cover: str | None,
    conforms: bool,
    when: tuple[int, int, int, int, int, int],
) -> bytes:
    """The package document: metadata, manifest, spine."""
    course, lang = edition.course, edition.lang
    gettext = edition.ui.translations().gettext
    e = escape
    modified = dt.datetime(*when).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = [
        f'<dc:identifier id="uid">{book_id(course, lang)}</dc:identifier>',
        f'<dc:title id="title">{e(course.title)}</dc:title>',
        '<meta refines="#title" property="title-type">main</meta>',
        f"<dc:language>{e(lang)}</dc:language>",
    ]
    if course.subtitle:
        meta += [
            f'<dc:title id="subtitle">{e(course.subtitle)}</dc:title>',
            '<meta refines="#subtitle" property="title-type">subtitle</meta>',
        ]
    people = [(a.name, "dc:creator", "aut") for a in course.authors]
    for credit in course.translations:
        if credit.lang == lang:
            names = credit.translators or ((credit.team,) if credit.team else ())
            people += [(name, "dc:contributor", "trl") for name in names]
    for n, (name, tag, role) in enumerate(people, 1):
        meta += [
            f'<{tag} id="person-{n}">{e(name)}</{tag}>',
            f'<meta refines="#person-{n}" property="role" scheme="marc:relators">{role}</meta>',
        ]
    meta.append(f"<dc:description>{e(course.description)}</dc:description>")
    meta += [f"<dc:subject>{e(k)}</dc:subject>" for k in course.keywords]
    if course.updated:
        meta.append(f"<dc:date>{course.updated.isoformat()}</dc:date>")
    meta.append(f"<dc:rights>{e(course.license.label)}: {e(course.license.url)}</dc:rights>")
    meta.append(f'<meta property="dcterms:modified">{modified}</meta>')
    # EPUB Accessibility 1.1
    modes = ["textual", "visual"] if images else ["textual"]
    meta += [f'<meta property="schema:accessMode">{m}</meta>' for m in modes]
    meta.append('<meta property="schema:accessModeSufficient">textual</meta>')
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    features += ["alternativeText"] if conforms and images else []
    features += ["displayTransformability"]
    meta += [f'<meta property="schema:accessibilityFeature">{f}</meta>' for f in features]
    meta.append('<meta property="schema:accessibilityHazard">none</meta>')
    summary = gettext(SUMMARY)
    summary_lang = "" if summary != SUMMARY or lang.split("-")[0] == "en" else ' xml:lang="en"'
    meta.append(f'<meta property="schema:accessibilitySummary"{summary_lang}>{e(summary)}</meta>')
    if conforms:
        meta.append(f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>')
    items = ['<item id="css" href="style.css" media-type="text/css"/>']
    for n, src in enumerate(images, 1):
        props = ' properties="cover-image"' if src == cover else ""
        kind = MEDIA_TYPES.get(PurePosixPath(src).suffix.lower(), "application/octet-stream")
        items.append(f'<item id="image-{n}" href="{e(src)}" media-type="{kind}"{props}/>')
    spine = []
    for n, d in enumerate(documents, 1):
        props = f' properties="{d.properties}"' if d.properties else ""
        items.append(
            f'<item id="doc-{n}" href="{e(d.name)}" media-type="application/xhtml+xml"{props}/>'
        )
        spine.append(f'<itemref idref="doc-{n}"/>')
    direction = languages.direction(lang)
    nl = "\n"
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid"'
        f' xml:lang="{e(lang)}" dir="{direction}">\n'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n{nl.join(meta)}\n</metadata>\n'
        f"<manifest>\n{nl.join(items)}\n</manifest>\n"
        f'<spine page-progression-direction="{direction}">\n{nl.join(spine)}\n</spine>\n'
        "</package>\n"
    )
    return text.encode()


def zip_epub(files: dict[str, bytes], when: tuple[int, int, int, int, int, int]) -> bytes:
    """The OCF container: ``mimetype`` first and stored, then sorted paths, fixed times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = {"mimetype": b"application/epub+zip", "META-INF/container.xml": CONTAINER}
        for name in [*entries, *sorted(files)]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries.get(name, files.get(name, b"")), compresslevel=9)
    return buffer.getvalue()


def check_epub(data: bytes, name: str) -> None:
    """The light structural check run before writing: the zip layout, ``mimetype`` first and
    stored without extra field, the container and package parse, and every manifest item is in
    the zip. (EPUBCheck, the full validation, runs in the tests.)"""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        first = infos[0] if infos else None
        if first is None or first.filename != "mimetype" or first.compress_type or first.extra:
            problems.append(
                "the first entry must be an uncompressed `mimetype` without extra field"
            )
        elif archive.read("mimetype") != b"application/epub+zip":
            problems.append("`mimetype` must hold application/epub+zip")
        present = set(archive.namelist())
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            etree.fromstring(archive.read("META-INF/container.xml"), parser)
            opf = etree.fromstring(archive.read("EPUB/package.opf"), parser)
        except (KeyError, etree.XMLSyntaxError) as exc:
            problems.append(f"the container or package document is broken: {exc}")
        else:
            for item in opf.iter("{http://www.idpf.org/2007/opf}item"):
                href = item.get("href") or ""
                if f"EPUB/{href}" not in present:
                    problems.append(f"the manifest lists {href}, which is not in the book")
    if problems:
        where = Location(name)
        raise InputError([Diagnostic(where, Severity.ERROR, "epub", p) for p in problems])
