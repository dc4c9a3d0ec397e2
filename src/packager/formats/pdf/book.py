"""The PDF output format: a printable book of one course in one language, made with WeasyPrint.

The book is one HTML document (cover, contents with page numbers, the modules and their pages,
an answer key, credits and licence) laid out by the print stylesheet. WeasyPrint is imported only
when a PDF is made, and a worker keeps one font configuration and the parsed stylesheet for all
the PDFs it makes. Resources come through a confined fetcher: the course's own media and
``data:`` URIs, nothing else, never the network. The same sources give the same bytes.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from packager import languages
from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Problems,
    Severity,
    display_path,
)
from packager.formats.pdf import glyphs, svgtext
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n import locales
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_document, render_inline_at, render_span
from packager.render.settings import FALLBACK_NOTE, RenderContext
from packager.render.templates import environment, find_static, search_path
from packager.source.document import Question
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Course, Page, PageKind

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint.urls import URLFetcher

ROOT = "file:///__course__/"
# WeasyPrint's time and memory grow with the book (1 MB of text: about 300 pages, 50 s and 280 MB
# on one core; 10 MB did not finish in 10 minutes and 1.5 GB). A book over this many characters
# of text is refused before WeasyPrint starts; the site and the cartridge still build. The
# sample course's books hold 10,000 to 31,000.
MAX_BOOK_TEXT = 1_000_000
TEMPLATES, STATICS = ("book.html",), ("print.css",)  # what a book renders


@dataclass(frozen=True)
class AnswerKey:
    """One question's answers for the book's key."""

    page: Page
    question: Question
    answers: tuple[Markup, ...]
    feedback: Markup


def _fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:///__course__/media/...`` from the course's media and ``data:`` URIs;
        refuses everything else (http, https, other files, ``..``, links out) and records it."""

        def __init__(self, media: Path, extra: dict[str, bytes]) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.media = media.resolve()
            self.extra = extra
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(ROOT):
                name = unquote(urlsplit(url).path.removeprefix("/__course__/"))
                if name in self.extra:
                    return URLFetcherResponse(
                        url, body=self.extra[name], headers={"Content-Type": _mime(name)}
                    )
                if name.startswith("media/"):
                    target = (self.media.parent / name).resolve()
                    if target.is_relative_to(self.media) and target.is_file():
                        return URLFetcherResponse(
                            url, body=target.read_bytes(), headers={"Content-Type": _mime(name)}
                        )
            self.refused.append(url)
            raise ValueError(f"refused by the packager's confined fetcher: {url}")

    return ConfinedFetcher


def _mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@functools.cache
def _stylesheet(css_text: str, media: Path, where: str) -> tuple[Any, Any]:
    """The parsed print stylesheet and its font configuration, once per process and stylesheet
    (every course on the packager's own stylesheet shares one). A course may bring its own
    stylesheet: its ``@import`` and ``@font-face`` go through the confined fetcher too, and its
    fonts stay in its own font configuration, out of other courses' PDFs."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = _fetcher_class()(media, {})
    css = CSS(string=css_text, base_url=ROOT, font_config=fonts, url_fetcher=fetcher)
    if fetcher.refused:
        refused = sorted(set(fetcher.refused))
        raise InputError([_refused(url, where, css_text) for url in refused])
    return css, fonts


# A font configuration removes its temporary folder when collected; at interpreter shutdown
# that fails noisily, so drop the cached ones while the interpreter is still whole.
atexit.register(_stylesheet.cache_clear)


# An address in a stylesheet: url(x), url("x"), or @import "x".
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))|@import\s+(?:"([^"]*)"|'([^']*)')"""
)


def _locate(url: str, where: str, text: str) -> Location | None:
    """Where in ``text`` (the file at ``where``) the address ``url`` is written, as written
    (``../x.png``) or as fetched (``file:///x.png``, resolved against the book's root)."""
    from urllib.parse import urljoin

    for match in _CSS_URL.finditer(text):
        group = next(g for g in range(1, 6) if match.group(g) is not None)
        raw = match.group(group)
        if url in (raw, urljoin(ROOT, raw.strip())):
            offset = match.start(group)
            line = text.count("\n", 0, offset) + 1
            return Location(where, line, offset - text.rfind("\n", 0, offset))
    offset = text.find(url)
    if offset < 0:
        return None
    line = text.count("\n", 0, offset) + 1
    return Location(where, line, offset - text.rfind("\n", 0, offset))


def _refused(url: str, where: str = "templates", text: str = "") -> Diagnostic:
    """``text``, when given, is the file at ``where``: the message points at the address in it."""
    return Diagnostic(
        _locate(url, where, text) or Location(where),
        Severity.ERROR,
        "pdf-fetch",
        f"the PDF may use only the course's own files, not {url}",
    )


class _LogProblems(logging.Handler):
    """WeasyPrint reports an image it cannot load only in its log: keep those as problems."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Failed to load" in message or "Failed to read" in message:
            self.messages.append(message)


class _Book:
    def __init__(self, edition: Edition, project: Path) -> None:
        self.edition = edition
        self.course = edition.course
        self.project = project
        self.folders = search_path(project, self.course.root)
        self.env = environment(
            self.folders, edition.ui, sandboxed=(self.course.root / "templates").is_dir()
        )
        sizes = {}
        for name in self.course.media_files:
            size = image_size(self.course.root / "media" / name)
            if size is not None:
                sizes[f"media/{name}"] = size
        gettext = edition.ui.translations().gettext
        self.ctx = RenderContext(
            gettext=gettext,
            image_sizes=sizes,
            credit_for=self.course.credit_for,
            source_lang=self.course.language,
            source_dir=languages.direction(self.course.language),
            localized_media=_printable(
                self.course, localized_media(self.course, edition.lang), edition.lang
            ),
            media_prefix=ROOT,
        )
        source_name = template_context(edition, self.ctx, badge="")["source_name"]
        self.ctx = replace(
            self.ctx, fallback_note=gettext(FALLBACK_NOTE) % {"language": source_name}
        )

    def html(self) -> str:
        course = self.course
        bodies = {}
        key: list[AnswerKey] = []
        for page in course.pages:
            ctx = replace(self.ctx, book_page=page.id)
            bodies[page.id] = Markup(render_document(page.document, ctx))
            for question in page.document.questions:
                key.append(self._answers(page, question, ctx))
        badge = "assets/badge.svg"
        context = template_context(self.edition, self.ctx, badge=ROOT + badge)
        credits = [
            course.credit_for(m) for m in course.media_files if not is_language_variant(course, m)
        ]
        try:
            return self.env.get_template("book.html").render(
                **context,
                bodies=bodies,
                answer_key=key,
                credits=credits,
                PageKind=PageKind,
                cover=self._cover(),
                bidi_marks=True,
            )
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, self.project)]) from None

    def _cover(self) -> str | None:
        cover = self.course.cover
        return ROOT + self.ctx.media_url(cover).removeprefix(ROOT) if cover else None

    def _answers(self, page: Page, question: Question, ctx: RenderContext) -> AnswerKey:
        document = page.document
        if question.kind == "short-answer":  # as written: code stays code
            answers = tuple(
                Markup(render_inline_at(document, o.inline, ctx)) for o in question.options
            )
        else:
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            answers = tuple(
                Markup(f"{letters[n]}. {render_inline_at(document, o.inline, ctx)}")
                for n, o in enumerate(question.options)
                if o.correct
            )
        feedback = Markup(render_span(document, question.feedback, ctx))
        return AnswerKey(page, question, answers, feedback)


_RTL_TEXT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _printable(course: Course, localized: dict[str, str], lang: str) -> dict[str, str]:
    """Language versions of images the PDF can draw. WeasyPrint cannot shape right-to-left text
    inside SVG: such a drawing has its text shaped into outlines (``svgtext``); one whose text
    cannot be (CSS, text on a path) is replaced by the course's own (the site keeps it)."""
    out = {}
    for source, target in localized.items():
        path = course.root / target
        if path.suffix.lower() == ".svg":
            data = path.read_bytes()
            if _RTL_TEXT.search(data.decode("utf-8", "replace")) and (
                svgtext.shape_svg(data, lang) is None
            ):
                continue
        out[source] = target
    return out


def book_html(edition: Edition, project: Path) -> str:
    """The book as one HTML document (what WeasyPrint lays out)."""
    return _Book(edition, project).html()


def check_size(edition: Edition, root: Any) -> None:
    """Refuse a book over :data:`MAX_BOOK_TEXT`, pointing at the page that takes it over."""
    total = sum(len(t) for t in root.itertext())
    if total <= MAX_BOOK_TEXT:
        return
    pages = [e for e in root.iter("article") if e.get("data-source")]
    sizes = [sum(len(t) for t in page.itertext()) for page in pages]
    running = total - sum(sizes)  # the cover, contents, answer key and credits
    where = f"courses/{edition.course.id}/course.yaml"
    for page, size in zip(pages, sizes, strict=True):
        running += size
        if running > MAX_BOOK_TEXT:
            where = str(page.get("data-source"))
            break
    raise InputError(
        [
            Diagnostic(
                Location(where),
                Severity.ERROR,
                "pdf-too-large",
                f"this page takes the book past the PDF's limit of {MAX_BOOK_TEXT:,} characters"
                f" of text (it has {total:,}); the PDF is not made, the other formats are:"
                " shorten the course or split it into several",
            )
        ]
    )


def check_glyphs(edition: Edition, project: Path, html: str, problems: Problems) -> None:
    """Fail on any character no font can draw, naming it, the page and the packages to install."""
    from lxml import html as lxml_html

    missing_fonts = glyphs.missing_families()
    root = lxml_html.fromstring(html)
    # Innermost first (a page before the module around it): each character is reported once,
    # for the first part of the book that holds it.
    seen: set[str] = set()
    parts = [e for e in root.iter() if isinstance(e.tag, str) and e.get("data-source")]
    for part in reversed(parts):
        where = str(part.get("data-source"))
        for char in glyphs.missing(" ".join(str(t) for t in part.itertext())):
            if char in seen:
                continue
            seen.add(char)
            hint = (
                f"; install the fonts it needs ({glyphs.PACKAGES})"
                if missing_fonts
                else "; no installed font has it"
            )
            problems.error(
                Location(where), "missing-glyph", f"the PDF cannot draw {_char_name(char)}{hint}"
            )
        parent = part.getparent()
        if parent is not None:
            parent.remove(part)
    rest = " ".join(str(t) for t in root.itertext())  # module titles, contents, running heads
    for char in glyphs.missing(rest):
        if char not in seen:
            seen.add(char)
            problems.error(
                _first_use(edition, project, char),
                "missing-glyph",
                f"the PDF cannot draw {_char_name(char)}; no installed font has it",
            )


def _first_use(edition: Edition, project: Path, char: str) -> Location:
    """Where a character outside the pages comes from: the course file (module titles, the
    course title) or, failing that, the edition's catalogue."""
    course = edition.course
    candidates = [
        course.root / "course.yaml",
        locales.catalogue_path(project, edition.lang, course.id),
    ]
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            col = line.find(char)
            if col >= 0:
                where = path.resolve().relative_to(project.resolve()).as_posix()
                return Location(where, number, col + 1)
    return Location(f"courses/{course.id}/course.yaml")


def _char_name(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')} ({char})"


def _image_problem(edition: Edition, project: Path, message: str) -> Diagnostic:
    """WeasyPrint's "Failed to load image at 'url': " (it gives no reason) as an error at the
    page line that uses the image, with the reason Pillow, which WeasyPrint reads images with,
    gives."""
    course = edition.course
    found = re.search(r"at '([^']*)'", message)
    url = found.group(1) if found else ""
    name = unquote(urlsplit(url).path.removeprefix("/__course__/")) if url.startswith(ROOT) else ""
    if not name.startswith("media/"):
        return Diagnostic(
            Location(f"courses/{course.id}/media"), Severity.ERROR, "pdf-image", message
        )
    # A language's own version (media/x.fr.png) stands where the page names media/x.png.
    base = name.replace(f".{edition.lang}.", ".", 1)
    uses = [
        image.location
        for page in course.pages
        for image in page.document.images
        if image.src in (name, base)
    ]
    where = uses[0] if uses else Location(display_path(course.root / name, project))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(course.root / name) as image:
            image.load()
        reason = "WeasyPrint could not draw it"
    except UnidentifiedImageError:  # its message holds the absolute path: say it plainly
        reason = "the file is damaged or is not the kind of image its name says"
    except Exception as exc:  # whatever Pillow (which WeasyPrint reads images with) says
        reason = f"the file cannot be read as an image ({str(exc) or type(exc).__name__})"
    return Diagnostic(
        where, Severity.ERROR, "pdf-image", f"the image {name!r} cannot be put in the PDF: {reason}"
    )


def pdf_bytes(edition: Edition, project: Path) -> bytes:
    """The PDF of one edition. Raises :class:`InputError` on missing glyphs or refused resources."""
    from lxml import html as lxml_html
    from weasyprint import HTML

    html = book_html(edition, project)
    check_size(edition, lxml_html.fromstring(html))
    problems = Problems()
    check_glyphs(edition, project, html, problems)
    if problems.errors:
        raise InputError(problems.sorted())
    folders = search_path(project, edition.course.root)
    (css_name,) = STATICS
    css_path = find_static(folders, css_name)
    css_file, root = css_path.resolve(), project.resolve()
    if css_file.is_relative_to(root):  # the course's own stylesheet
        media, where = edition.course.root / "media", css_file.relative_to(root).as_posix()
    else:  # the packager's: it fetches nothing, so keyed on one folder all courses share it
        media, where = css_path.parent, "templates/static/print.css"
    css, fonts = _stylesheet(css_path.read_text(encoding="utf-8"), media, where)
    fetcher = _fetcher_class()(
        edition.course.root / "media",
        {
            "assets/badge.svg": badge_svg(edition.course.license).encode(),
            **svgtext.shaped_media(
                edition.course.root / "media", edition.course.media_files, edition.lang
            ),
        },
    )
    course = edition.course
    identifier = (
        hashlib.sha256(f"{course.id}/{edition.lang}/{course.version}".encode())
        .hexdigest()[:32]
        .encode()
    )
    log = logging.getLogger("weasyprint")
    handler = _LogProblems()
    log.addHandler(handler)
    try:
        data: bytes = HTML(string=html, base_url=ROOT, url_fetcher=fetcher).write_pdf(
            stylesheets=[css],
            font_config=fonts,
            pdf_variant="pdf/ua-1",
            pdf_identifier=identifier,
            uncompressed_pdf=False,
        )
    finally:
        log.removeHandler(handler)
    # Addresses refused while laying out come from the stylesheet (url() of a background) or
    # the book's template: point at where they are written.
    sources = [(where, css_path.read_text(encoding="utf-8"))]
    template = next((f / TEMPLATES[0] for f in folders if (f / TEMPLATES[0]).is_file()), None)
    if template is not None:
        shown = template.resolve()
        name = (
            shown.relative_to(root).as_posix()
            if shown.is_relative_to(root)
            else "templates/book.html"
        )
        sources.append((name, template.read_text(encoding="utf-8")))
    refused = sorted(set(fetcher.refused))
    found = [
        _refused(url, *next(((w, t) for w, t in sources if _locate(url, w, t)), ("templates", "")))
        for url in refused
    ]
    for message in handler.messages:
        if any(f"'{url}'" in message for url in refused):
            continue  # the refusal above says it already
        address = re.search(r"at '([^']*)'", message)
        located = address and next(
            (loc for w, t in sources if (loc := _locate(address.group(1), w, t))), None
        )
        if located:  # an address of the stylesheet or template
            found.append(Diagnostic(located, Severity.ERROR, "pdf-image", message))
        else:  # an image of the course: at the page that uses it, with the reason
            found.append(_image_problem(edition, project, message))
    if found:
        raise InputError(sorted(found, key=lambda d: d.sort_key()))
    return data


def extra_inputs() -> tuple[object, ...]:
    """The fonts and the renderer shape a book too: an update of either rebuilds it."""
    from importlib.metadata import version

    return (version("weasyprint"), version("uharfbuzz"), glyphs.fonts_in_use())


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the book (WeasyPrint is imported here, once per worker)."""
    return pdf_bytes(request.edition, request.project)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    return []  # the book's text is checked against the fonts before it is laid out


def forget() -> None:
    """Drop the stylesheets cached for earlier builds (a process that builds again)."""
    _stylesheet.cache_clear()
