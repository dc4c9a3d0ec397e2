"""Template catalogues: ``locales/<course>.pot`` from a course, ``locales/ui.pot`` from templates.

Entries come in outline order with ``path:line`` references, an extracted comment that names the
kind of block and its heading breadcrumb, the URLs of reference-style links (``[1]: https://...``)
and any ``i18n:comment`` from the author. A template is rewritten only when its messages change, so
running ``extract`` twice changes no byte (the creation date moves only with the messages).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from babel.messages.extract import extract_from_file

from packager import __version__
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.messages import Message, course_messages
from packager.i18n.pofile import write_po
from packager.render.settings import BOX_TITLES, QUESTION_HINTS
from packager.source.model import Course
from packager.sourcedate import source_date

_CREATED = re.compile(r'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.M)
PACKAGE = Path(__file__).resolve().parents[1]
# Python files with interface strings (``_("...")``): the shared ones, then each format's.
# In the order the strings have always stood in (what was one module, render.py, first), so the
# catalogues keep their order across a reorganisation of the code.
SOURCE_UI = tuple(
    PACKAGE / name
    for name in (
        "render/settings.py",
        "render/document.py",
        "render/questions.py",
        "source/licenses.py",
    )
)


def _ui_sources() -> list[Path]:
    """The files to scan for interface strings: the shared ones, then each format's module (and
    the rest of its package), found without importing them."""
    from importlib.util import find_spec

    from packager.formats.registry import FORMATS

    found = list(SOURCE_UI)
    for fmt in FORMATS.values():
        spec = find_spec(fmt.module)
        if spec is None or not spec.origin:
            continue
        module = Path(spec.origin)
        # A format that is a package of its own (formats/cartridge/) has strings in any module.
        folder = module.parent
        files = sorted(folder.glob("*.py")) if folder.name != "formats" else [module]
        found += [f for f in [module, *files] if f not in found]
    return found


def now_stamp() -> str:
    """``POT-Creation-Date`` value: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    moment = source_date() or dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def template_header(project_id: str, created: str) -> tuple[tuple[str, str], ...]:
    return (
        ("Project-Id-Version", project_id),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", "LANGUAGE <LL@li.org>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("X-Generator", f"packager {__version__.split('+')[0]}"),
    )


def _comment(message: Message) -> list[str]:
    where = " › ".join(message.breadcrumb)
    lines = [f"{message.kind}" + (f" · {where}" if where else "")]
    lines += [ref.comment() for ref in message.text.refs]
    lines += [f"Translators: {c}" for c in message.comments]
    return lines


def entries_from_messages(messages: Iterable[Message]) -> tuple[Entry, ...]:
    """One entry per (context, text), merging references and comments of repeated texts."""
    merged: dict[tuple[str | None, str], Entry] = {}
    for message in messages:
        key = (message.context, message.msgid)
        reference = f"{message.source}:{message.line}"
        comments = tuple(_comment(message))
        flags = ("md-text",) if message.markdown else ()
        if key not in merged:
            merged[key] = Entry(
                message.msgid,
                msgctxt=message.context,
                references=(reference,),
                extracted=comments,
                flags=flags,
            )
            continue
        old = merged[key]
        merged[key] = replace(
            old,
            references=old.references + ((reference,) if reference not in old.references else ()),
            extracted=old.extracted + tuple(c for c in comments if c not in old.extracted),
        )
    return tuple(merged.values())


def course_template(course: Course, previous: str | None) -> Catalogue:
    """The template catalogue of a course; ``previous`` (the old file's text) keeps its date
    when nothing changed."""
    entries = entries_from_messages(course_messages(course))
    return _dated(
        Catalogue(
            header=template_header(f"{course.id} {course.version}", ""),
            entries=entries,
            header_comments=(
                f"Messages of the course “{course.title}”.",
                f"Translations are shared under the course's licence, {course.license.spdx}.",
            ),
        ),
        previous,
    )


def ui_template(template_dirs: Iterable[Path], previous: str | None) -> Catalogue:
    """The interface strings of the templates and of the renderer (``N_``)."""
    found: dict[str, list[str]] = {}
    flags: dict[str, tuple[str, ...]] = {}
    for folder in template_dirs:
        for path in sorted(folder.rglob("*.html")):
            rel = path.relative_to(folder.parent).as_posix()
            for line, message, _comments, _context in extract_from_file(
                "jinja2",
                path,
                options={"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
            ):
                if isinstance(message, str):
                    found.setdefault(message, []).append(f"{rel}:{line}")
                    if "%(" in message:
                        flags[message] = ("python-format",)
    for path in _ui_sources():
        for line, message, _comments, _context in extract_from_file(
            "python", path, keywords={"N_": None, "_": None, "gettext": None}
        ):
            if isinstance(message, str) and message:
                where = path.relative_to(PACKAGE).as_posix()
                found.setdefault(message, []).append(f"src/packager/{where}:{line}")
    for text in (*BOX_TITLES.values(), *QUESTION_HINTS.values()):
        found.setdefault(text, [])
    entries = tuple(
        Entry(msgid, references=tuple(dict.fromkeys(refs)), flags=flags.get(msgid, ()))
        for msgid, refs in found.items()
    )
    return _dated(
        Catalogue(
            header=template_header(f"packager {__version__.split('+')[0]}", ""),
            entries=entries,
            header_comments=("Interface strings of the packager's templates.",),
        ),
        previous,
    )


def _dated(template: Catalogue, previous: str | None) -> Catalogue:
    """Keep the previous file's creation date if nothing else would change; else date it now.

    ``previous`` is the old template's text: comparing texts needs no parsing of the old file.
    """
    if previous is not None:
        match = _CREATED.search(previous)
        if match:
            kept = template.with_header("POT-Creation-Date", match.group(1))
            if write_po(kept) == previous:
                return kept
    return template.with_header("POT-Creation-Date", now_stamp())
