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
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from packager import languages
from packager.diagnostics import (
    Diagnostic,
    InputError,
    Problems,
    Severity,
)
from packager.formats.pdf import glyphs, parts, svgtext
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_document, render_inline_at, render_span
from packager.render.settings import FALLBACK_NOTE, RenderContext
from packager.render.templates import environment, find_static, search_path
from packager.resources import builtin_templates
from packager.source.document import Question
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Course, Page, PageKind

if TYPE_CHECKING:  # pragma: no cover
    pass
from packager.formats.pdf.checks import check_glyphs, check_size, image_problem
from packager.formats.pdf.fetch import (
    ROOT,
    LogProblems,
    fetcher_class,
    locate,
    refusal,
    stylesheet,
)

TEMPLATES, STATICS = ("book.html",), ("print.css",)  # what a book renders


@dataclass(frozen=True)
class AnswerKey:
    """One question's answers for the book's key."""

    page: Page
    question: Question
    answers: tuple[Markup, ...]
    feedback: Markup


# A font configuration removes its temporary folder when collected; at interpreter shutdown
# that fails noisily, so drop the cached ones while the interpreter is still whole.
atexit.register(stylesheet.cache_clear)


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
                svgtext.shaped_svg(data, lang) is None
            ):
                continue
        out[source] = target
    return out


def book_html(edition: Edition, project: Path) -> str:
    """The book as one HTML document (what WeasyPrint lays out)."""
    return _Book(edition, project).html()


def pdf_bytes(edition: Edition, project: Path) -> bytes:
    """The PDF of one edition. Raises :class:`InputError` on missing glyphs or refused resources."""
    from lxml import html as lxml_html
    from weasyprint import CSS, HTML

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
    css, fonts = stylesheet(css_path.read_text(encoding="utf-8"), media, where)
    fetcher = fetcher_class()(
        edition.course.root / "media",
        {"assets/badge.svg": badge_svg(edition.course.license).encode()},
        functools.partial(svgtext.shaped, lang=edition.lang),
    )
    course = edition.course
    identifier = (
        hashlib.sha256(f"{course.id}/{edition.lang}/{course.version}".encode())
        .hexdigest()[:32]
        .encode()
    )
    log = logging.getLogger("weasyprint")
    handler = LogProblems()
    log.addHandler(handler)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": identifier, "uncompressed_pdf": False}
    # One image cache for all the parts, as for one layout. It also bounds memory: a drawing
    # (WeasyPrint's SVGImage) keeps the layout context it was loaded in, and with it the style of
    # every element that layout held; shared, each drawing keeps one part's, not every part's.
    images: dict[str, Any] = {}

    def lay_out(text: str, extra: str = "") -> Any:
        sheets = [css, CSS(string=extra, font_config=fonts)] if extra else [css]
        html_doc = HTML(string=text, base_url=ROOT, url_fetcher=fetcher)
        return html_doc.render(stylesheets=sheets, font_config=fonts, cache=images, **options)

    # In parts only with the packager's own template and stylesheet: they break the page before
    # every module, where the parts are cut (a course's own may not).
    own = _own_layout(folders, css_path)
    try:
        book = parts.split(html) if own else None
        document = (parts.lay_out(book, lay_out) if book else None) or lay_out(html)
        data: bytes = document.write_pdf(**options)
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
        refusal(url, *next(((w, t) for w, t in sources if locate(url, w, t)), ("templates", "")))
        for url in refused
    ]
    for message in dict.fromkeys(handler.messages):  # the front matter is laid out twice
        if any(f"'{url}'" in message for url in refused):
            continue  # the refusal above says it already
        address = re.search(r"at '([^']*)'", message)
        located = address and next(
            (loc for w, t in sources if (loc := locate(address.group(1), w, t))), None
        )
        if located:  # an address of the stylesheet or template
            found.append(Diagnostic(located, Severity.ERROR, "pdf-image", message))
        else:  # an image of the course: at the page that uses it, with the reason
            found.append(image_problem(edition, project, message))
    if found:
        raise InputError(sorted(found, key=lambda d: d.sort_key()))
    return data


def _own_layout(folders: tuple[Path, ...], css_path: Path) -> bool:
    """Whether the book is the packager's own ``book.html`` and ``print.css`` (not a course's or a
    project's), whose page breaks :mod:`parts` cuts at."""
    builtin = builtin_templates().resolve()
    template = next((f / TEMPLATES[0] for f in folders if (f / TEMPLATES[0]).is_file()), None)
    return (
        template is not None
        and template.resolve().parent == builtin
        and css_path.resolve().parent.parent == builtin
    )


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
    stylesheet.cache_clear()
