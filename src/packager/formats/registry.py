"""The output formats the build knows: one light declaration each, the code in its own module.

The engine, the jobs, the command line, ``report.json`` and the catalogue page learn the formats
from :data:`FORMATS` and nothing else. A declaration is cheap (no import of its module), so the
planner of a build with nothing to do still starts in a fraction of a second; a worker imports a
format's module only when it renders that format.

A format's module provides (see :class:`FormatModule`):

- ``TEMPLATES`` and ``STATICS``: the template and static file names it renders with, which
  count in its outputs' digests (a course may override any of them);
- ``extra_inputs()``: anything else its bytes depend on (the PDF's fonts, a renderer's version);
- ``render(request)``: the output's bytes (one file) or ``{relative path: bytes}`` (a folder);
- ``check(output, request)``: the problems that forbid writing it (an invalid cartridge).

Adding a format is one module and one :func:`register` line below (plus templates and tests).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from packager.diagnostics import Diagnostic
    from packager.engine.options import BuildOptions
    from packager.i18n.editions import Edition

Rendered = bytes | Mapping[str, bytes]

#: The catalogue page's column groups, in order.
ONLINE, DOCUMENT, PLATFORM = 0, 1, 2


@dataclass(frozen=True)
class RenderRequest:
    """What a format renders: one edition (a course in one language) and the build's options."""

    edition: Edition
    options: BuildOptions
    published: tuple[str, ...]  # every published language of the course, for switchers

    @property
    def project(self) -> Path:
        return self.options.project


class FormatModule(Protocol):
    """What a format's module provides (module attributes and functions)."""

    TEMPLATES: tuple[str, ...]
    STATICS: tuple[str, ...]

    def extra_inputs(self) -> tuple[object, ...]: ...

    def render(self, request: RenderRequest) -> Rendered: ...

    def check(self, output: Rendered, request: RenderRequest) -> list[Diagnostic]: ...


@dataclass(frozen=True)
class Format:
    """One output format, as the build, the command line and the catalogue page see it."""

    name: str  # the ``--format`` value and the key in ``report.json``
    heading: str  # the catalogue page's column
    label: str  # a download link's text ("" for a site: its link shows the course's title)
    module: str  # the module that renders it (imported only when it renders)
    suffix: str = ""  # the file's extension; "" for a folder (a site)
    index: str = ""  # in a folder, the page a link opens
    group: int = ONLINE  # the catalogue page's columns: ONLINE, DOCUMENT, PLATFORM
    own_job: bool = False  # slow to render: a job of its own, so the work spreads over workers
    offered: str = ""  # how the catalogue page's introduction names it ("a printable PDF")

    def path(self, course: str, lang: str) -> str:
        """Where an output goes, relative to the output folder."""
        if not self.suffix:
            return f"{course}/{lang}/{self.name}"
        return f"{course}/{lang}/{course}-{lang}.{self.suffix}"

    def entry(self, path: str) -> str:
        """What a link to the output at ``path`` opens."""
        return f"{path}/{self.index}" if self.index else path

    def implementation(self) -> FormatModule:
        return cast("FormatModule", importlib.import_module(self.module))


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format (a test may add its own); the order of registration is the order shown."""
    FORMATS[fmt.name] = fmt
    return fmt


def names() -> tuple[str, ...]:
    return tuple(FORMATS)


def selected(asked: tuple[str, ...]) -> tuple[str, ...]:
    """The formats to build: those asked for, else every one; in the registry's order."""
    return tuple(f for f in FORMATS if f in asked) if asked else names()


def columns() -> list[Format]:
    """The formats in the catalogue page's order: by group, then as registered."""
    return sorted(FORMATS.values(), key=lambda f: f.group)


def offered() -> str:
    """Every format in words, in the catalogue's order: "a website, a printable PDF and ..."."""
    words = [f.offered or f.label or f.name for f in columns()]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


register(
    Format(
        "html",
        "Website",
        "",
        "packager.formats.site",
        index="index.html",
        offered="a website",
    )
)
register(
    Format(
        "imscc",
        "Cartridge",
        "Common Cartridge",
        "packager.formats.cartridge.writer",
        "imscc",
        group=PLATFORM,
        offered="an IMS Common Cartridge for learning platforms",
    )
)
register(
    Format(
        "pdf",
        "PDF",
        "PDF",
        "packager.formats.pdf.book",
        "pdf",
        group=DOCUMENT,
        own_job=True,
        offered="a printable PDF",
    )
)
register(
    Format(
        "epub",
        "EPUB",
        "EPUB",
        "packager.formats.epub.book",
        "epub",
        group=DOCUMENT,
        offered="an EPUB e-book",
    )
)
register(
    Format(
        "olx",
        "Open edX",
        "Open edX course (OLX)",
        "packager.formats.olx.course",
        "olx.tar.gz",
        group=PLATFORM,
        offered="an Open edX course export",
    )
)
register(
    Format(
        "scorm12",
        "SCORM 1.2",
        "SCORM 1.2",
        "packager.formats.scorm.scorm12",
        "scorm12.zip",
        group=PLATFORM,
        offered="a SCORM 1.2 package",
    )
)
register(
    Format(
        "scorm2004",
        "SCORM 2004",
        "SCORM 2004",
        "packager.formats.scorm.scorm2004",
        "scorm2004.zip",
        group=PLATFORM,
        offered="a SCORM 2004 package",
    )
)
register(
    Format(
        "mbz",
        "Moodle",
        "Moodle backup",
        "packager.formats.moodle.backup",
        "mbz",
        group=PLATFORM,
        offered="a Moodle course backup",
    )
)
register(
    Format(
        "wxr",
        "WordPress",
        "WordPress export",
        "packager.formats.wordpress.wxr",
        "xml",
        group=PLATFORM,
        offered="a WordPress export file",
    )
)
