"""The EPUB's container: the package document (metadata, manifest, spine), the OCF zip, and the
light structural check run before a book is written."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath

from lxml import etree

from packager import languages
from packager.diagnostics import Diagnostic, InputError, Location, Severity
from packager.i18n.editions import Edition
from packager.source.model import Course

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
    ".ttf": "font/ttf",  # --embed-fonts
    ".otf": "font/otf",
}

CONTAINER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
    b"</rootfiles>\n</container>\n"
)


def book_id(course: Course, lang: str) -> str:
    """The book's identifier: the same for every build of a course in a language."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{course.id}/{lang}')}"


def package(
    edition: Edition,
    documents: list[Document],
    images: list[str],
    cover: str | None,
    conforms: bool,
    summary: str,
    when: tuple[int, int, int, int, int, int],
) -> bytes:
    """The package document: metadata, manifest, spine. ``summary``: the accessibility summary's
    message, translated here with the edition's interface catalogue."""
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
    translated = gettext(summary)
    summary_lang = "" if translated != summary or lang.split("-")[0] == "en" else ' xml:lang="en"'
    meta.append(
        f'<meta property="schema:accessibilitySummary"{summary_lang}>{e(translated)}</meta>'
    )
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


CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class Document:
    """One XHTML document of the book: its file name, bytes and package item properties."""

    name: str
    data: bytes
    properties: str = ""
