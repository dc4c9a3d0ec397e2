"""What every template of an edition sees, whichever format renders it, and how a template's
mistake is reported."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, Location, Severity, display_path
from packager.i18n.editions import Edition
from packager.render.document import render_inline_text
from packager.render.localefmt import LocaleFormat
from packager.render.settings import RenderContext
from packager.source.model import FuzzyText, SourceText


def template_context(edition: Edition, ctx: RenderContext, *, badge: str) -> dict[str, object]:
    """What every template of an edition sees, the site's or a cartridge's."""
    course, lang = edition.course, edition.lang

    def inline(text: str) -> Markup:
        html = render_inline_text(text, ctx)
        if isinstance(text, FuzzyText):
            return Markup(f'<span class="fuzzy">{html}</span>')
        return Markup(ctx.fallback(html) if isinstance(text, SourceText) else html)

    locale = languages.locale_for(lang)
    source_locale = languages.locale_for(course.language)
    return {
        "course": course,
        "lang": lang,
        "dir": languages.direction(lang),
        "source_lang": course.language,
        "source_dir": languages.direction(course.language),
        "source_name": source_locale.get_display_name(locale)
        if source_locale and locale
        else course.language,
        "fmt": LocaleFormat(lang),
        "inline": inline,
        "badge": badge,
        "language_name": languages.native_name,
        "preview": edition.preview,
    }


def template_problem(exc: jinja2.TemplateError, project: Path) -> Diagnostic:
    """A template's mistake (a course may bring its own templates) as a located problem."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename
        if code.endswith(".html") and Path(code).is_file():
            filename, line = code, tb.tb_lineno
        tb = tb.tb_next
    where = display_path(Path(filename), project) if filename else "templates"
    message = getattr(exc, "message", None) or str(exc)
    return Diagnostic(
        Location(where, line or 1), Severity.ERROR, "template", f"template error: {message}"
    )
