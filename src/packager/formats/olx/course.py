"""The Open edX course export (OLX) output format: one ``.olx.tar.gz`` per course and language,
which Studio's Import takes.

``course/course.xml`` points at ``course/course/<run>.xml`` (display name, language, licence,
image), whose chapters are the outline's modules; each page is a sequential holding one vertical
(unit). A unit holds HTML components (body content only, inside ``<div lang dir>`` so
right-to-left text stays right to left), the page's questions as problems where they stand, a
discussion page's discussion component after its prompt, a web link page's link. Media are in
``static/`` with ``/static/`` links, links between pages are ``/jump_to_id/<unit>`` links.
Everything is rendered from the same edition, by the same renderer, as the site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from pathlib import Path
from urllib.parse import unquote

import jinja2
from lxml import etree
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, InputError, Problems
from packager.formats.archive import safe_name, zip_time
from packager.formats.olx.container import check_olx, tar_gz
from packager.formats.olx.problems import fragment, problem
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_span
from packager.render.settings import RenderContext
from packager.render.templates import environment, search_path
from packager.source.document import Span
from packager.source.licenses import License
from packager.source.media import image_size
from packager.source.model import Page, PageKind

TEMPLATES = ("olx-page.html", "olx-about.html")
STATICS: tuple[str, ...] = ()  # Open edX styles the units itself; the site's stylesheet would clash
JUMP = "/jump_to_id/"
NAMESPACE = uuid.UUID("5b1e4f4e-7d0a-5c2e-9b8e-2f6c1d3a4b70")  # packager's, for discussion ids
#: The course's end: olxcleaner requires one, Open edX needs none; this one never comes.
END = "2100-01-01T00:00:00Z"
GRADING = {
    "GRADER": [
        {"type": "Homework", "short_label": "HW", "min_count": 1, "drop_count": 0, "weight": 1.0}
    ],
    "GRADE_CUTOFFS": {"Pass": 0.5},
}


def open_edx_license(license: License) -> str | None:
    """The licence as Open edX writes it (``creative-commons: ver=4.0 BY SA``); None for a
    licence Open edX cannot state (it then shows none)."""
    match = re.fullmatch(r"CC-(BY(?:-NC)?(?:-ND|-SA)?)-(\d\.\d)", license.spdx)
    if match:
        return f"creative-commons: ver={match.group(2)} {match.group(1).replace('-', ' ')}"
    if license.spdx == "CC0-1.0":
        return "creative-commons: ver=1.0"  # no option: Open edX shows it as CC0
    return None


def slug(text: str) -> str:
    """A url_name part: ASCII letters, digits, ``-_``; a short hash keeps changed names unique."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"
    return (
        cleaned if cleaned == text else f"{cleaned}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    )


def static_name(media: str) -> str:
    """A media file's name in ``static/``: flat (Studio keeps no folders) and safe."""
    name = safe_name(media)
    if "/" not in name:
        return name
    stem, dot, suffix = name.replace("/", "-").rpartition(".")
    digest = hashlib.sha256(media.encode()).hexdigest()[:8]
    return f"{stem}-{digest}.{suffix}" if dot else f"{name.replace('/', '-')}-{digest}"


class _Export:
    """Builds the files of one export; see :func:`olx_files`."""

    def __init__(self, edition: Edition, project: Path) -> None:
        self.edition, self.project = edition, project
        self.course = course = edition.course
        self.lang, self.dir = edition.lang, languages.direction(edition.lang)
        folders = search_path(project, course.root)
        self.env = environment(folders, edition.ui, sandboxed=(course.root / "templates").is_dir())
        self.gettext = edition.ui.translations().gettext
        self.localized = localized_media(course, self.lang)
        self.ctx = RenderContext(
            gettext=self.gettext,
            image_sizes={
                f"media/{m}": size
                for m in course.media_files
                if (size := image_size(course.root / "media" / m)) is not None
            },
            credit_for=course.credit_for,
            source_lang=course.language,
            source_dir=languages.direction(course.language),
            localized_media=self.localized,
            media_names={f"media/{m}": static_name(m) for m in course.media_files},
            media_prefix="/static/",
            page_prefix=JUMP,
            page_fragments=False,  # a jump_to_id link names a block, not a place in it
        )
        self.common = template_context(edition, self.ctx, badge="")
        self.units = {page.id: f"unit-{slug(page.id)}" for page in course.pages}
        self.files: dict[str, bytes] = {}
        # The run: the version, and the language (each edition is a course of its own there).
        self.run = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{course.version}_{self.lang}")

    # -- text -----------------------------------------------------------------------------

    def _template(self, name: str, **values: object) -> str:
        try:
            return self.env.get_template(name).render(**self.common, **values)
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, self.project)]) from None

    def _html(self, html: str) -> etree._Element:
        """Rendered HTML in ``<div lang dir>``, its page links turned into jump_to_id links."""
        root = fragment(html, lang=self.lang, dir=self.dir)
        self._links(root)
        return root

    def _links(self, root: etree._Element) -> None:
        for a in root.iter("a"):
            href = a.get("href", "")
            if href.startswith(JUMP) and href.endswith(".html"):
                page = unquote(href.removeprefix(JUMP).removesuffix(".html"))
                a.set("href", JUMP + self.units.get(page, page))

    @staticmethod
    def _xml(root: etree._Element) -> bytes:
        return etree.tostring(root, encoding="utf-8", method="xml", pretty_print=True)

    # -- files ----------------------------------------------------------------------------

    def build(self) -> dict[str, bytes]:
        course = self.course
        top = etree.Element("course", url_name=self.run, org=self._org(), course=slug(course.id))
        self.files["course.xml"] = self._xml(top)
        root = etree.Element("course", display_name=course.title, language=self.lang)
        licence = open_edx_license(course.license)
        if licence:
            root.set("license", licence)
        if course.cover:
            root.set("course_image", self._static(course.cover))
        for number, module in enumerate(course.modules, 1):
            name = f"chapter-{number}"
            etree.SubElement(root, "chapter", url_name=name)
            chapter = etree.Element("chapter", display_name=module.title)
            for page in module.pages:
                sequential = f"seq-{slug(page.id)}"
                etree.SubElement(chapter, "sequential", url_name=sequential)
                block = etree.Element("sequential", display_name=page.title)
                etree.SubElement(block, "vertical", url_name=self.units[page.id])
                self.files[f"sequential/{sequential}.xml"] = self._xml(block)
                self._unit(page, module.title)
            self.files[f"chapter/{name}.xml"] = self._xml(chapter)
        self.files[f"course/{self.run}.xml"] = self._xml(root)
        self._policies()
        self._about()
        for media in self._media():
            self._static(f"media/{media}")
        return self.files

    def _org(self) -> str:
        """Who gives the course: its first author's organisation (Studio replaces it with the
        organisation of the course imported into)."""
        author = self.course.authors[0] if self.course.authors else None
        name = (author.affiliation or author.name) if author else "packager"
        return re.sub(r"[^A-Za-z0-9]+", "", name) or "packager"

    def _unit(self, page: Page, module_title: str) -> None:
        """A page's vertical: HTML components and problems in the page's order."""
        unit = etree.Element("vertical", display_name=page.title)
        document = page.document
        parts: list[etree._Element | str] = []  # rendered HTML, or a problem
        start = 0
        for question in document.questions:
            if document.tokens[question.open].level != 0:
                continue  # a question inside a box stays in its HTML, answer and all
            parts.append(render_span(document, Span(start, question.open), self.ctx))
            parts.append(problem(page, question, self.ctx, self.gettext, self.lang, self.dir))
            start = question.close + 1
        parts.append(render_span(document, Span(start, len(document.tokens)), self.ctx))
        top = self._template("olx-page.html", page=page, part="top")
        end = self._template("olx-page.html", page=page, part="end")
        if isinstance(parts[0], str):
            parts[0] = top + parts[0]
        else:
            parts.insert(0, top)
        if isinstance(parts[-1], str):
            parts[-1] += end
        else:
            parts.append(end)
        number = questions = 0
        for part in parts:
            if isinstance(part, str):
                if not part.strip():
                    continue
                number += 1
                name = f"html-{slug(page.id)}-{number}"
                body = etree.tostring(self._html(part), encoding="unicode", method="html")
                self.files[f"html/{name}.html"] = (body + "\n").encode("utf-8")
                component = etree.Element("html", filename=name, display_name=page.title)
                self.files[f"html/{name}.xml"] = self._xml(component)
                etree.SubElement(unit, "html", url_name=name)
            else:
                questions += 1
                self._links(part)
                name = f"problem-{slug(page.id)}-{questions}"
                self.files[f"problem/{name}.xml"] = self._xml(part)
                etree.SubElement(unit, "problem", url_name=name)
        if page.kind is PageKind.DISCUSSION:
            ident = uuid.uuid5(NAMESPACE, f"{self.course.id}/{self.lang}/{page.id}").hex
            etree.SubElement(
                unit,
                "discussion",
                url_name=f"discussion-{slug(page.id)}",
                display_name=page.title,
                discussion_category=module_title,
                discussion_target=page.title,
                discussion_id=ident,
            )
        self.files[f"vertical/{self.units[page.id]}.xml"] = self._xml(unit)

    def _media(self) -> list[str]:
        """The media this edition shows: each file in the language's version where there is one."""
        return sorted(
            {
                self.localized.get(f"media/{m}", f"media/{m}").removeprefix("media/")
                for m in self.course.media_files
                if not is_language_variant(self.course, m)
            }
        )

    def _static(self, path: str) -> str:
        """Put ``media/...`` (in this language's version) into ``static/``; its name there."""
        path = self.localized.get(path, path)
        name = static_name(path.removeprefix("media/"))
        self.files[f"static/{name}"] = (self.course.root / path).read_bytes()
        return name

    def _policies(self) -> None:
        when = dt.datetime(*zip_time(self.course), tzinfo=dt.UTC)
        policy = {
            f"course/{self.run}": {
                "start": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end": END,
                "self_paced": True,
                "discussion_topics": {self.gettext("Discussion"): {"id": f"course-{self.run}"}},
            }
        }
        for name, value in (("policy.json", policy), ("grading_policy.json", GRADING)):
            text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
            self.files[f"policies/{self.run}/{name}"] = (text + "\n").encode("utf-8")

    def _about(self) -> None:
        course = self.course
        credits = [
            course.credit_for(m) for m in course.media_files if not is_language_variant(course, m)
        ]
        html = self._template("olx-about.html", credits=credits)
        body = etree.tostring(self._html(html), encoding="unicode", method="html")
        self.files["about/overview.html"] = (body + "\n").encode("utf-8")
        short = etree.tostring(
            self._html(f"<p>{Markup.escape(course.description)}</p>"),
            encoding="unicode",
            method="html",
        )
        self.files["about/short_description.html"] = (short + "\n").encode("utf-8")


def olx_files(edition: Edition, project: Path) -> dict[str, bytes]:
    """Every file of the export of one edition (path inside ``course/`` to bytes)."""
    return _Export(edition, project).build()


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the export as ``.tar.gz`` bytes, unchecked (``check`` follows)."""
    course = request.edition.course
    files = olx_files(request.edition, request.project)
    return tar_gz(files, dt.datetime(*zip_time(course)))


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    """The structural check (olxcleaner, the full validation, runs in the tests): the archive
    reads back, course.xml parses, every pointer, url_name and link resolves."""
    assert isinstance(output, bytes)
    problems = Problems()
    edition = request.edition
    check_olx(output, f"{edition.course.id}-{edition.lang}.olx.tar.gz", problems)
    return problems.errors
