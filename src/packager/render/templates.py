"""The Jinja2 environment: template search path, autoescaping, interface translations.

Templates are looked up in the course's own ``templates/`` folder, then the project's
``templates/``, then the packager's built-in ones, so a course repository can override any
template or static file by giving a file of the same name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from packager.i18n.locales import UiCatalogue
from packager.resources import builtin_templates
from packager.source.model import FuzzyText, SourceText


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
    env.filters["bdi"] = isolate
    env.filters["phrases"] = keep_phrases
    return env


# A title in CJK brackets (《建议书》, 「…」): short, and never to be broken across lines.
_BRACKETED = re.compile("[《〈「『【][^《》〈〉「」『』【】<>&]{1,20}[》〉」』】]")


def keep_phrases(value: object) -> Markup:
    """The ``phrases`` filter: Chinese, Japanese and Korean text may break between any two
    characters, so a title in brackets split across lines (a book's cover read "…组织《建" /
    "议书》"). Each bracketed phrase is kept whole (``white-space: nowrap``); the line breaks
    before it instead. Chains after ``lang``: works on the escaped text, never inside a tag."""
    html = str(Markup.escape(value))
    return Markup(_BRACKETED.sub(r'<span class="phrase">\g<0></span>', html))


# First strong isolate and pop directional isolate: WeasyPrint ignores ``unicode-bidi`` (so
# ``<bdi>`` alone isolates nothing in the PDF), but Pango's bidi algorithm honours these.
_FSI, _PDI = "\u2068", "\u2069"


@jinja2.pass_context
def isolate(context: jinja2.runtime.Context, value: object, lang: str | None = None) -> Markup:
    """The ``bdi`` filter: a value inserted into a sentence (a name, a title, a version, an
    address), isolated so that its direction does not reorder the words and punctuation around
    it (an English name in an Arabic sentence pulled the Arabic comma to its other side).
    Where the context sets ``bidi_marks`` (the PDF) the value is also framed with FSI/PDI.
    ``lang``: the value's own language (a language's name in its own script), so it is read
    and printed as that language (the Arabic book drew "中文" in the Japanese face)."""
    marks = context.get("bidi_marks", False)
    inner = Markup.escape(value)
    if marks:
        inner = Markup(_FSI) + inner + Markup(_PDI)
    if lang:
        return Markup('<bdi lang="{}">{}</bdi>').format(lang, inner)
    return Markup("<bdi>{}</bdi>").format(inner)


@jinja2.pass_context
def mark_source_text(context: jinja2.runtime.Context, value: object) -> object:
    """The ``lang`` filter: an untranslated text (:class:`SourceText`) marked with its language."""
    if isinstance(value, SourceText):
        return source_span(str(value), context["source_lang"], context["source_dir"])
    if isinstance(value, FuzzyText):
        return Markup('<span class="fuzzy">{}</span>').format(value)
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


def template_files(
    folders: tuple[Path, ...], names: tuple[str, ...], statics: tuple[str, ...]
) -> tuple[Path, ...]:
    """Every path on the search path whose content shapes an output rendered from ``names``.

    The named templates, those they extend, include or import (recursively), and the static
    files ``statics``, each in every folder of the search path (a file added in front of the one
    in use changes the output too). A reference that cannot be worked out statically (a
    computed include) makes every template count. The incremental build digests these paths.
    """
    parser = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = next((f / name for f in folders if (f / name).is_file()), None)
        if source is None:
            continue
        try:
            referenced = list(
                meta.find_referenced_templates(parser.parse(source.read_text("utf-8")))
            )
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            referenced = [None]  # the render reports the problem, with its place
        for found in referenced:
            if found is None:
                return tuple(sorted(p for f in folders for p in f.rglob("*") if p.is_file()))
            todo.append(found)
    return tuple(
        sorted(
            [f / name for f in folders for name in seen]
            + [f / "static" / name for f in folders for name in statics]
        )
    )


Gettext = Callable[[str], str]
