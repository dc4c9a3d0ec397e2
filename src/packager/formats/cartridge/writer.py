"""The IMS Common Cartridge output format: one ``.imscc`` per course and language.

Every page becomes a complete HTML document (webcontent) that reads well on its own, since
Canvas imports webcontent as files; web link pages become web links, discussion pages discussion
topics, and quiz pages QTI 1.2 assessments in the Common Cartridge profile. Shared files (the
stylesheet, the licence badge, media) sit in ``web_resources/`` as one resource the pages depend
on. All text comes from the same translated edition as the HTML site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, InputError, Problems
from packager.formats.archive import safe_name, zip_bytes, zip_time
from packager.formats.cartridge.profile import (
    DEFAULT_VERSION,
    VERSIONS,
    WEBCONTENT,
    XSI,
    CcVersion,
)
from packager.formats.cartridge.qti import QtiTexts, assessment
from packager.formats.cartridge.xml import element
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.site import STATICS as SITE_STATICS
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import render_document, render_inline_text
from packager.render.settings import RenderContext
from packager.render.templates import environment, find_static, search_path
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Page, PageKind

FILEBASE = "$IMS-CC-FILEBASE$"
TEMPLATES = ("cartridge.html",)  # what a cartridge renders, and its stylesheets:
STATICS = tuple(name for name in SITE_STATICS if name.endswith(".css"))


@dataclass(frozen=True)
class _Resource:
    identifier: str
    type: str
    files: tuple[str, ...]
    href: str | None = None
    dependencies: tuple[str, ...] = ()


def _xml(root: etree._Element) -> bytes:
    body: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


class _Cartridge:
    """Builds the files of one cartridge; see :func:`cartridge_files`."""

    def __init__(self, edition: Edition, project: Path, version: CcVersion) -> None:
        self.edition = edition
        self.course = edition.course
        self.lang = edition.lang
        self.version = version
        self.project = project
        self.folders = search_path(project, self.course.root)
        self.env = environment(
            self.folders, edition.ui, sandboxed=(self.course.root / "templates").is_dir()
        )
        self.gettext = edition.ui.translations().gettext
        self.files: dict[str, bytes] = {}
        self.resources: list[_Resource] = []
        localized = localized_media(self.course, self.lang)
        used = sorted(
            {
                localized.get(f"media/{m}", f"media/{m}").removeprefix("media/")
                for m in self.course.media_files
                if not is_language_variant(self.course, m)
            }
        )
        self.media = {f"media/{name}": safe_name(name) for name in used}
        sizes = {}
        for name in used:
            size = image_size(self.course.root / "media" / name)
            if size is not None:
                sizes[f"media/{name}"] = size
        # Pages sit in pages/, descriptors each in a folder of their own; both reach the shared
        # files in web_resources/, descriptors through the $IMS-CC-FILEBASE$ token.
        self.page_ctx = RenderContext(
            gettext=self.gettext,
            image_sizes=sizes,
            credit_for=self.course.credit_for,
            source_lang=self.course.language,
            source_dir=languages.direction(self.course.language),
            localized_media=localized,
            media_names={name: f"media/{safe}" for name, safe in self.media.items()},
            media_prefix="../web_resources/",
            page_fragments=False,
        )
        self.descriptor_ctx = replace(
            self.page_ctx,
            media_prefix=f"{FILEBASE}../web_resources/",
            page_prefix=f"{FILEBASE}../pages/",
        )
        self.quiz_ctx = replace(self.descriptor_ctx, questions=False)
        # Moodle rewrites $IMS-CC-FILEBASE$ in a question's text only: links in feedback to
        # other pages would break, so there they are plain text.
        self.feedback_ctx = replace(self.descriptor_ctx, page_links=False)
        self.dir = languages.direction(self.lang)
        self.qti = QtiTexts(
            version,
            self.gettext,
            self.quiz_ctx,
            self.descriptor_ctx,
            self.feedback_ctx,
            lang=self.lang,
            dir=self.dir,
        )

    # -- text -----------------------------------------------------------------------------

    def _(self, message: str) -> str:
        return self.gettext(message)

    # -- files ----------------------------------------------------------------------------

    def build(self) -> dict[str, bytes]:
        shared = self._web_resources()
        deps = (shared.identifier,)
        items: list[tuple[str, list[tuple[str, str]]]] = []
        self._page_document("index", None, deps)
        for module in self.course.modules:
            entries = []
            for page in module.pages:
                self._page_document(page.id, page, deps)
                entries.append((page.title, self._page_resource(page, deps)))
            items.append((module.title, entries))
        self._page_document("credits", None, deps)
        self.resources.append(shared)
        self.files["imsmanifest.xml"] = self._manifest(items)
        return self.files

    def _web_resources(self) -> _Resource:
        files = []
        for name in STATICS:
            path = f"web_resources/{name}"
            self.files[path] = find_static(self.folders, name).read_bytes()
            files.append(path)
        badge = f"web_resources/{self.course.license.badge_file}"
        self.files[badge] = badge_svg(self.course.license).encode("utf-8")
        files.append(badge)
        for source, target in self.media.items():
            path = f"web_resources/media/{target}"
            self.files[path] = (self.course.root / source).read_bytes()
            files.append(path)
        return _Resource("R_web_resources", WEBCONTENT, tuple(sorted(files)))

    def _render_template(self, name: str, **values: object) -> bytes:
        badge = f"../web_resources/{self.course.license.badge_file}"
        context = template_context(self.edition, self.page_ctx, badge=badge)
        try:
            html = self.env.get_template(name).render(**context, **values)
        except jinja2.TemplateError as exc:
            raise InputError([template_problem(exc, self.project)]) from None
        return html.encode("utf-8")

    def _page_document(self, page_id: str, page: Page | None, deps: tuple[str, ...]) -> None:
        """``pages/<id>.html``: the page as a document of its own (quizzes as self-checks)."""
        path = f"pages/{page_id}.html"
        if page is None:
            credits = [
                self.course.credit_for(m)
                for m in self.course.media_files
                if not is_language_variant(self.course, m)
            ]
            self.files[path] = self._render_template(
                "cartridge.html", page=None, kind=page_id, credits=credits
            )
            identifier = f"R_{page_id}"
        else:
            body = Markup(render_document(page.document, self.page_ctx))
            self.files[path] = self._render_template(
                "cartridge.html", page=page, kind="page", body=body, credits=[]
            )
            identifier = f"R_page_{page.id}"
        self.resources.append(
            _Resource(identifier, WEBCONTENT, (path,), href=path, dependencies=deps)
        )

    def _page_resource(self, page: Page, deps: tuple[str, ...]) -> str:
        """The resource an outline item points at: the page itself or its LMS activity."""
        v = self.version
        if page.kind is PageKind.WEBLINK and page.url:
            path = f"wl_{page.id}/weblink.xml"
            root = etree.Element(
                f"{{{v.weblink_ns}}}webLink",
                nsmap={None: v.weblink_ns, "xsi": XSI},  # type: ignore[dict-item]
            )
            root.set(
                f"{{{XSI}}}schemaLocation", f"{v.weblink_ns} {v.schema_location(v.weblink_ns)}"
            )
            element(root, f"{{{v.weblink_ns}}}title", page.title)
            element(root, f"{{{v.weblink_ns}}}url", href=page.url, target="_blank")
            self.files[path] = _xml(root)
            self.resources.append(_Resource(f"R_wl_{page.id}", v.weblink_type, (path,)))
            return f"R_wl_{page.id}"
        if page.kind is PageKind.DISCUSSION:
            path = f"dt_{page.id}/topic.xml"
            root = etree.Element(
                f"{{{v.discussion_ns}}}topic",
                nsmap={None: v.discussion_ns, "xsi": XSI},  # type: ignore[dict-item]
            )
            root.set(
                f"{{{XSI}}}schemaLocation",
                f"{v.discussion_ns} {v.schema_location(v.discussion_ns)}",
            )
            element(root, f"{{{v.discussion_ns}}}title", page.title)
            html = self._objectives_html(page) + render_document(page.document, self.descriptor_ctx)
            forum = page.forum_url or self.course.forum_url
            if forum:
                html += f'<p><a href="{escape(forum)}">{escape(forum)}</a></p>'
            # The topic's text has no document around it to say its language and direction.
            html = f'<div lang="{self.lang}" dir="{self.dir}">{html}</div>'
            element(root, f"{{{v.discussion_ns}}}text", html, texttype="text/html")
            self.files[path] = _xml(root)
            self.resources.append(
                _Resource(f"R_dt_{page.id}", v.discussion_type, (path,), dependencies=deps)
            )
            return f"R_dt_{page.id}"
        if page.kind is PageKind.QUIZ and page.document.questions:
            path = f"qz_{page.id}/assessment.xml"
            self.files[path] = _xml(assessment(page, self.qti))
            self.resources.append(
                _Resource(f"R_qz_{page.id}", v.quiz_type, (path,), dependencies=deps)
            )
            return f"R_qz_{page.id}"
        return f"R_page_{page.id}"

    def _objectives_html(self, page: Page) -> str:
        if not page.objectives:
            return ""
        items = "".join(
            f"<li>{render_inline_text(o, self.descriptor_ctx)}</li>" for o in page.objectives
        )
        heading = escape(self._("On this page you will"))
        return f"<p><strong>{heading}</strong></p><ul>{items}</ul>"

    # -- manifest -------------------------------------------------------------------------

    def _manifest(self, modules: list[tuple[str, list[tuple[str, str]]]]) -> bytes:
        v, course = self.version, self.course
        lom = f"{{{v.lom_manifest}}}"
        root = etree.Element(
            f"{{{v.namespace}}}manifest",
            nsmap={
                None: v.namespace,  # type: ignore[dict-item]
                "lomimscc": v.lom_manifest,
                "lom": v.lom_resource,
                "xsi": XSI,
            },
        )
        root.set("identifier", f"M_{course.id}_{self.lang}")
        locations = [v.namespace, v.lom_manifest, v.lom_resource]
        root.set(
            f"{{{XSI}}}schemaLocation",
            " ".join(f"{ns} {v.schema_location(ns)}" for ns in locations),
        )
        metadata = element(root, f"{{{v.namespace}}}metadata")
        element(metadata, f"{{{v.namespace}}}schema", "IMS Common Cartridge")
        element(metadata, f"{{{v.namespace}}}schemaversion", v.schemaversion)
        general = element(element(metadata, f"{lom}lom"), f"{lom}general")
        lom_root = general.getparent()
        assert lom_root is not None
        element(element(general, f"{lom}title"), f"{lom}string", course.title, language=self.lang)
        element(general, f"{lom}language", self.lang)
        element(
            element(general, f"{lom}description"),
            f"{lom}string",
            course.description,
            language=self.lang,
        )
        for keyword in course.keywords:
            element(element(general, f"{lom}keyword"), f"{lom}string", keyword, language=self.lang)
        life = element(lom_root, f"{lom}lifeCycle")
        people: list[tuple[str, str, str | None]] = [
            ("author", a.name, None) for a in course.authors
        ]
        people += [
            ("editor", name, credit.lang)
            for credit in course.translations
            if credit.lang == self.lang  # this edition's own translators
            for name in credit.translators
        ]
        for role, name, translated in people:
            contribute = element(life, f"{lom}contribute")
            element(element(contribute, f"{lom}role"), f"{lom}value", role)
            note = f"NOTE:translation into {translated}\n" if translated else ""
            element(
                contribute,
                f"{lom}entity",
                f"BEGIN:VCARD\nVERSION:3.0\nFN:{_vcard(name)}\n{note}END:VCARD",
            )
        rights = element(lom_root, f"{lom}rights")
        element(element(rights, f"{lom}copyrightAndOtherRestrictions"), f"{lom}value", "yes")
        licence = f"{self._(course.license.name)} ({course.license.label}): {course.license.url}"
        element(element(rights, f"{lom}description"), f"{lom}string", licence, language=self.lang)
        ns = f"{{{v.namespace}}}"
        organization = element(
            element(root, f"{ns}organizations"),
            f"{ns}organization",
            identifier="O_1",
            structure="rooted-hierarchy",
        )
        top = element(organization, f"{ns}item", identifier="I_root")
        # Course home and credits share the first folder: each item directly under the root
        # becomes a section of its own in Moodle (and a chapter in Open edX), and the credits
        # are no module. Moodle makes the first one its general section.
        general = element(top, f"{ns}item", identifier="I_general")
        element(general, f"{ns}title", course.title)
        home = element(general, f"{ns}item", identifier="I_home", identifierref="R_index")
        element(home, f"{ns}title", self._("Course home"))
        credits = element(general, f"{ns}item", identifier="I_credits", identifierref="R_credits")
        element(credits, f"{ns}title", self._("Credits"))
        for number, (title, entries) in enumerate(modules, start=1):
            folder = element(top, f"{ns}item", identifier=f"I_module_{number}")
            element(folder, f"{ns}title", title)
            for page_title, target in entries:
                item = element(
                    folder, f"{ns}item", identifier=f"I_{target[2:]}", identifierref=target
                )
                element(item, f"{ns}title", page_title)
        resources = element(root, f"{ns}resources")
        for resource in self.resources:
            attrs = {"identifier": resource.identifier, "type": resource.type}
            if resource.href:
                attrs["href"] = resource.href
            node = element(resources, f"{ns}resource", **attrs)
            for path in resource.files:
                element(node, f"{ns}file", href=path)
            for dependency in resource.dependencies:
                element(node, f"{ns}dependency", identifierref=dependency)
        return _xml(root)


def _vcard(text: str) -> str:
    """A name as vCard text: commas, semicolons and backslashes escaped, one line."""
    return re.sub(r"([\\,;])", r"\\\1", text).replace("\n", " ")


def cartridge_files(edition: Edition, project: Path, version: CcVersion) -> dict[str, bytes]:
    """Every file of the cartridge of one edition (path inside the zip to bytes)."""
    return _Cartridge(edition, project, version).build()


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the cartridge as zip bytes, in the version the course (or the
    build's options) asks for."""
    course = request.edition.course
    version = VERSIONS[request.options.cc_version or course.cc_version or DEFAULT_VERSION]
    return zip_bytes(cartridge_files(request.edition, request.project, version), zip_time(course))


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    """The cartridge against the official schemas and the profile rules: an invalid cartridge
    is never written."""
    from packager.formats.cartridge.check import check_cartridge

    assert isinstance(output, bytes)
    problems = Problems()
    edition = request.edition
    check_cartridge(output, f"{edition.course.id}-{edition.lang}.imscc", problems, own=True)
    return problems.errors
