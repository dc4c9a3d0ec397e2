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
from babel.support import NullTranslations

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
def environment(folders: tuple[Path, ...], lang: str) -> jinja2.Environment:
    """An autoescaping environment over ``folders`` speaking ``lang``; one per search path and language.

    Interface strings come from the ``ui`` catalogue of ``lang``; until one exists they stay in
    the templates' source language.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; skip a stat per page
    )
    env.install_gettext_translations(ui_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def ui_translations(lang: str) -> NullTranslations:
    """The interface translations for ``lang`` (the source strings until catalogues exist)."""
    del lang
    return NullTranslations()


def find_static(folders: tuple[Path, ...], name: str) -> Path:
    """The first ``static/<name>`` on the search path."""
    for folder in folders:
        candidate = folder / "static" / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"static file {name!r} not found in {', '.join(map(str, folders))}")


Gettext = Callable[[str], str]
