"""The HTML output format: one static, offline site per course and language.

``build/<course>/<lang>/html/`` holds ``index.html`` (the course home), one file per page,
``credits.html``, ``assets/`` (style, script, licence badge) and ``media/``. Every link is
relative, so the site works from a USB stick as well as from a web server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, InputError
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_document
from packager.render.settings import RenderContext
from packager.render.templates import environment, find_static, search_path
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Course, Module, Page

TEMPLATES = ("index.html", "page.html", "credits.html", "nav.html")  # what the site renders
STATICS = ("style.css", "quiz.js")


@dataclass(frozen=True)
class LanguageLink:
    """An entry of the language switcher."""

    code: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class PageView:
    """A page as a template sees it: the model plus its place in the course."""

    page: Page
    module: Module
    body: Markup
    previous: Page | None
    next: Page | None


def site_files(edition: Edition, project: Path, published: tuple[str, ...]) -> dict[str, bytes]:
    """Every file of the site of one edition (relative path to bytes)."""
    course, lang = edition.course, edition.lang
    folders = search_path(project, course.root)
    env = environment(folders, edition.ui, sandboxed=(course.root / "templates").is_dir())
    translations = edition.ui.translations()
    sizes = _image_sizes(course)
    source_dir = languages.direction(course.language)
    ctx = RenderContext(
        gettext=translations.gettext,
        image_sizes=sizes,
        credit_for=course.credit_for,
        source_lang=course.language,
        source_dir=source_dir,
        localized_media=localized_media(course, lang),
    )

    common = template_context(edition, ctx, badge=f"assets/{course.license.badge_file}")
    files: dict[str, bytes] = {}

    navs: dict[int, str] = {}

    def course_nav(module: Module | None, filename: str) -> Markup:
        """The navigation for a page: rendered once per module, then the page's link marked."""
        key = id(module)
        if key not in navs:
            navs[key] = env.get_template("nav.html").render(**common, current_module=module)
        link = f'<a href="{filename}">'
        return Markup(navs[key].replace(link, f'<a href="{filename}" aria-current="page">', 1))

    def emit(name: str, template: str, current_module: Module | None, **values: object) -> None:
        switcher = _language_links(course, lang, published, name)
        try:
            nav = course_nav(current_module, name)
            html = env.get_template(template).render(
                **common, **values, filename=name, languages=switcher, course_nav=nav
            )
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, project)]) from None
        files[name] = html.encode("utf-8")

    pages = course.pages
    index = -1
    for module in course.modules:
        for page in module.pages:
            index += 1
            view = PageView(
                page=page,
                module=module,
                body=Markup(render_document(page.document, ctx)),
                previous=pages[index - 1] if index > 0 else None,
                next=pages[index + 1] if index + 1 < len(pages) else None,
            )
            emit(page.filename, "page.html", view=view, current_module=module)
    emit(
        "index.html",
        "index.html",
        first=pages[0],
        cover_size=sizes.get(course.cover or ""),
        current_module=None,
    )
    credits = [
        course.credit_for(m) for m in course.media_files if not is_language_variant(course, m)
    ]
    emit("credits.html", "credits.html", credits=credits, current_module=None)
    for name in STATICS:
        files[f"assets/{name}"] = find_static(folders, name).read_bytes()
    files[f"assets/{course.license.badge_file}"] = badge_svg(course.license).encode("utf-8")
    for credit in course.media:
        if credit.license.spdx:  # a licence in words has no badge
            files[f"assets/{credit.license.badge_file}"] = badge_svg(credit.license).encode("utf-8")
    for name in course.media_files:
        files[f"media/{name}"] = (course.root / "media" / name).read_bytes()
    return files


def _image_sizes(course: Course) -> Mapping[str, tuple[int, int]]:
    sizes: dict[str, tuple[int, int]] = {}
    for name in course.media_files:
        size = image_size(course.root / "media" / name)
        if size is not None:
            sizes[f"media/{name}"] = size
    return sizes


def _language_links(
    course: Course, lang: str, published: tuple[str, ...], filename: str
) -> list[LanguageLink]:
    """Links to the same page in every published language (sites sit side by side)."""
    return [
        LanguageLink(
            code, languages.native_name(code), f"../../{code}/html/{filename}", code == lang
        )
        for code in published
    ]


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> dict[str, bytes]:
    """The format's entry point: the site's files."""
    return site_files(request.edition, request.project, request.published)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    return []  # pages come from escaped templates; the browser and vnu tests check them
