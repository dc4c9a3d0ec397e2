"""The Jinja2 environment: template search path, autoescaping, interface translations.

Templates are looked up in the course's own ``templates/`` folder, then the project's
``templates/``, then the packager's built-in ones, so a course repository can override any
template or static file by giving a file of the same name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from packager.locales import UiCatalogue
from packager.model import SourceText

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "_templates"
SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def builtin_templates() -> Path:
    """The packager's own templates: the repository's ``templates/`` or the installed copy."""
    return SOURCE_TEMPLATES if SOURCE_TEMPLATES.is_dir() else BUILTIN_TEMPLATES


def search_path(project: Path, course_root: Path) -> tuple[Path, ...]:
    """Folders searched for a template, first match wins."""
    candidates = (course_root / "templates", project / "templates", builtin_templates())
    seen: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in [s.resolve() for s in seen]:
            seen.append(folder)
    return tuple(seen)


@functools.cache
def environment(folders: tuple[Path, ...], ui: UiCatalogue, sandboxed: bool) -> jinja2.Environment:
    """An autoescaping environment over ``folders`` speaking ``ui``'s language.

    One per search path and language, cached: a build renders many pages with each.
    ``sandboxed`` when a course brings templates of its own: a course is untrusted input, and
    the sandbox keeps its templates from reaching Python internals (``os``, files) through
    objects. The packager's and the project's own templates run unsandboxed, which is faster.
    """
    kind = ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; skip a stat per page
    )
    env.install_gettext_translations(ui.translations(html=True), newstyle=True)  # type: ignore[attr-defined]
    env.filters["lang"] = mark_source_text
    return env


@jinja2.pass_context
def mark_source_text(context: jinja2.runtime.Context, value: object) -> object:
    """The ``lang`` filter: an untranslated text (:class:`SourceText`) marked with its language."""
    if isinstance(value, SourceText):
        return source_span(str(value), context["source_lang"], context["source_dir"])
    return value


def source_span(text: str, lang: str, direction: str) -> Markup:
    """``text`` (escaped) in a span that says it is in the source language."""
    return Markup('<span lang="{}" dir="{}" class="fallback">{}</span>').format(
        lang, direction, text
    )


def find_static(folders: tuple[Path, ...], name: str) -> Path:
    """The first ``static/<name>`` on the search path."""
    for folder in folders:
        candidate = folder / "static" / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"static file {name!r} not found in {', '.join(map(str, folders))}")


Gettext = Callable[[str], str]
