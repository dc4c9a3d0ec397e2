"""The IMS Common Cartridge output format: one ``.imscc`` per course and language.

Every page becomes a complete HTML document (webcontent) that reads well on its own, since
Canvas imports webcontent as files; web link pages become web links, discussion pages discussion
topics, and quiz pages QTI 1.2 assessments in the Common Cartridge profile. Shared files (the
stylesheet, the licence badge, media) sit in ``web_resources/`` as one resource the pages depend
on. All text comes from the same translated edition as the HTML site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path, PurePosixPath

import jinja2
from lxml import etree
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, InputError, Problems
from packager.formats.cartridge.profile import (
    DEFAULT_VERSION,
    QTI_NS,
    SAFE_PATH_CHARS,
    VERSIONS,
    WEBCONTENT,
    XSI,
    CcVersion,
)
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.site import STATICS as SITE_STATICS
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.context import template_context, template_problem
from packager.render.document import (
    RenderContext,
    alternatives,
    render_document,
    render_inline_at,
    render_inline_text,
    render_span,
)
from packager.render.templates import environment, find_static, search_path
from packager.source.document import Question, Span, plain_text
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Course, Page, PageKind
from packager.sourcedate import source_date

FILEBASE = "$IMS-CC-FILEBASE$"
TEMPLATES = ("cartridge.html",)  # what a cartridge renders, and its stylesheets:
STATICS = tuple(name for name in SITE_STATICS if name.endswith(".css"))
SCORE_MAX = "100"


def safe_name(path: str) -> str:
    """A path every LMS accepts: ASCII letters, digits, ``-_.``; a short hash keeps it unique."""
    parts = PurePosixPath(path).parts
    cleaned = "/".join(
        re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-.") or "file" for part in parts
    )
    if cleaned == path:
        return path
    stem, dot, suffix = cleaned.rpartition(".")
    digest = hashlib.sha256(path.encode()).hexdigest()[:8]
    return f"{stem}-{digest}.{suffix}" if dot else f"{cleaned}-{digest}"


@dataclass(frozen=True)
class _Resource:
    identifier: str
    type: str
    files: tuple[str, ...]
    href: str | None = None
    dependencies: tuple[str, ...] = ()


def _element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    child = etree.SubElement(parent, tag, {k.replace("__", ":"): v for k, v in attrs.items()})
    if text is not None:
        child.text = text
    return child


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
            _element(root, f"{{{v.weblink_ns}}}title", page.title)
            _element(root, f"{{{v.weblink_ns}}}url", href=page.url, target="_blank")
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
            _element(root, f"{{{v.discussion_ns}}}title", page.title)
            html = self._objectives_html(page) + render_document(page.document, self.descriptor_ctx)
            forum = page.forum_url or self.course.forum_url
            if forum:
                html += f'<p><a href="{escape(forum)}">{escape(forum)}</a></p>'
            _element(root, f"{{{v.discussion_ns}}}text", html, texttype="text/html")
            self.files[path] = _xml(root)
            self.resources.append(
                _Resource(f"R_dt_{page.id}", v.discussion_type, (path,), dependencies=deps)
            )
            return f"R_dt_{page.id}"
        if page.kind is PageKind.QUIZ and page.document.questions:
            path = f"qz_{page.id}/assessment.xml"
            self.files[path] = _xml(self._assessment(page))
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

    # -- QTI ------------------------------------------------------------------------------

    def _assessment(self, page: Page) -> etree._Element:
        root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})  # type: ignore[dict-item]
        root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {self.version.schema_location(QTI_NS)}")
        q = f"{{{QTI_NS}}}"
        assessment = _element(root, f"{q}assessment", ident=f"A_{page.id}", title=page.title)
        _metadata(
            assessment,
            {
                "cc_profile": "cc.exam.v0p1",
                "qmd_assessmenttype": "Examination",
                "cc_maxattempts": "unlimited",
            },
        )
        first = page.document.questions[0].open
        intro = render_span(page.document, Span(0, first), self.quiz_ctx).strip()
        if intro:
            flow = _element(_element(assessment, f"{q}presentation_material"), f"{q}flow_mat")
            _mattext(_element(flow, f"{q}material"), intro)
        section = _element(assessment, f"{q}section", ident=f"S_{page.id}")
        for question in page.document.questions:
            self._item(section, page, question)
        return root

    def _item(self, section: etree._Element, page: Page, question: Question) -> None:
        q = f"{{{QTI_NS}}}"
        document = page.document
        ident = f"Q_{page.id}_{question.number}"
        title = self._("Question %(number)s") % {"number": question.number}
        item = _element(section, f"{q}item", ident=ident, title=title)
        profiles = {
            "single-choice": "cc.multiple_choice.v0p1",
            "multiple-response": "cc.multiple_response.v0p1",
            "true-false": "cc.true_false.v0p1",
            "short-answer": "cc.fib.v0p1",
        }
        _metadata(
            _element(item, f"{q}itemmetadata"),
            {"cc_profile": profiles[question.kind], "cc_weighting": "1"},
        )
        presentation = _element(item, f"{q}presentation")
        _mattext(
            _element(presentation, f"{q}material"),
            render_span(document, question.prompt, self.descriptor_ctx),
        )
        response = "response1"
        if question.kind == "true-false":
            # Moodle reads a true/false item by these two idents; the True option comes first.
            labels = ["true", "false"][: len(question.options)]
        else:
            labels = [f"{ident}_A{n}" for n in range(1, len(question.options) + 1)]
        if question.kind == "short-answer":
            fib = _element(
                _element(presentation, f"{q}response_str", ident=response, rcardinality="Single"),
                f"{q}render_fib",
            )
            _element(fib, f"{q}response_label", ident=f"{ident}_blank")
        else:
            cardinality = "Multiple" if question.kind == "multiple-response" else "Single"
            choice = _element(
                _element(
                    presentation, f"{q}response_lid", ident=response, rcardinality=cardinality
                ),
                f"{q}render_choice",
            )
            for label, option in zip(labels, question.options, strict=True):
                choice_label = _element(choice, f"{q}response_label", ident=label)
                _mattext(
                    _element(choice_label, f"{q}material"),
                    render_inline_at(document, option.inline, self.descriptor_ctx),
                )
        # The layout of Moodle's own exporter, which Moodle and cc2olx read back: general feedback
        # (continue), then the scoring condition (stop) with the right answer's feedback, then
        # each wrong option's feedback.
        processing = _element(item, f"{q}resprocessing")
        _element(
            _element(processing, f"{q}outcomes"),
            f"{q}decvar",
            varname="SCORE",
            vartype="Decimal",
            minvalue="0",
            maxvalue=SCORE_MAX,
        )
        feedback: list[tuple[str, str]] = []
        general = render_span(document, question.feedback, self.feedback_ctx).strip()
        if general:
            condition = _element(processing, f"{q}respcondition", **{"continue": "Yes"})
            _element(_element(condition, f"{q}conditionvar"), f"{q}other")
            _element(
                condition,
                f"{q}displayfeedback",
                feedbacktype="Response",
                linkrefid=f"{ident}_general",
            )
            feedback.append((f"{ident}_general", general))
        option_feedback = {
            label: render_span(document, option.feedback, self.feedback_ctx).strip()
            for label, option in zip(labels, question.options, strict=True)
        }
        scoring = _element(processing, f"{q}respcondition", **{"continue": "No"})
        variable = _element(scoring, f"{q}conditionvar")
        if question.kind == "short-answer":
            # Every accepted spelling in the one scoring condition: importers read only that one.
            for option in question.options:
                for answer in alternatives(plain_text(document.tokens[option.inline].children)):
                    _element(variable, f"{q}varequal", answer, respident=response, case="No")
        elif question.kind == "multiple-response":
            both = _element(variable, f"{q}and")
            for label, option in zip(labels, question.options, strict=True):
                target = both if option.correct else _element(both, f"{q}not")
                _element(target, f"{q}varequal", label, respident=response, case="Yes")
        else:
            correct = next(
                label
                for label, option in zip(labels, question.options, strict=True)
                if option.correct
            )
            _element(variable, f"{q}varequal", correct, respident=response)
        _element(scoring, f"{q}setvar", SCORE_MAX, varname="SCORE", action="Set")
        if question.kind in ("single-choice", "true-false"):
            right = next(
                label
                for label, option in zip(labels, question.options, strict=True)
                if option.correct
            )
            if option_feedback[right]:
                _element(
                    scoring,
                    f"{q}displayfeedback",
                    feedbacktype="Response",
                    linkrefid=f"{ident}_{right}_fb",
                )
        for label, option in zip(labels, question.options, strict=True):
            html = option_feedback[label]
            if not html:
                continue
            feedback.append((f"{ident}_{label}_fb", html))
            if option.correct and question.kind != "multiple-response":
                continue  # shown by the scoring condition
            condition = _element(processing, f"{q}respcondition", **{"continue": "No"})
            _element(
                _element(condition, f"{q}conditionvar"), f"{q}varequal", label, respident=response
            )
            _element(
                condition,
                f"{q}displayfeedback",
                feedbacktype="Response",
                linkrefid=f"{ident}_{label}_fb",
            )
        for identifier, html in feedback:
            flow = _element(_element(item, f"{q}itemfeedback", ident=identifier), f"{q}flow_mat")
            _mattext(_element(flow, f"{q}material"), html)

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
        metadata = _element(root, f"{{{v.namespace}}}metadata")
        _element(metadata, f"{{{v.namespace}}}schema", "IMS Common Cartridge")
        _element(metadata, f"{{{v.namespace}}}schemaversion", v.schemaversion)
        general = _element(_element(metadata, f"{lom}lom"), f"{lom}general")
        lom_root = general.getparent()
        assert lom_root is not None
        _element(_element(general, f"{lom}title"), f"{lom}string", course.title, language=self.lang)
        _element(general, f"{lom}language", self.lang)
        _element(
            _element(general, f"{lom}description"),
            f"{lom}string",
            course.description,
            language=self.lang,
        )
        for keyword in course.keywords:
            _element(
                _element(general, f"{lom}keyword"), f"{lom}string", keyword, language=self.lang
            )
        life = _element(lom_root, f"{lom}lifeCycle")
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
            contribute = _element(life, f"{lom}contribute")
            _element(_element(contribute, f"{lom}role"), f"{lom}value", role)
            note = f"NOTE:translation into {translated}\n" if translated else ""
            _element(
                contribute,
                f"{lom}entity",
                f"BEGIN:VCARD\nVERSION:3.0\nFN:{_vcard(name)}\n{note}END:VCARD",
            )
        rights = _element(lom_root, f"{lom}rights")
        _element(_element(rights, f"{lom}copyrightAndOtherRestrictions"), f"{lom}value", "yes")
        licence = f"{self._(course.license.name)} ({course.license.label}): {course.license.url}"
        _element(_element(rights, f"{lom}description"), f"{lom}string", licence, language=self.lang)
        ns = f"{{{v.namespace}}}"
        organization = _element(
            _element(root, f"{ns}organizations"),
            f"{ns}organization",
            identifier="O_1",
            structure="rooted-hierarchy",
        )
        top = _element(organization, f"{ns}item", identifier="I_root")
        home = _element(top, f"{ns}item", identifier="I_home", identifierref="R_index")
        _element(home, f"{ns}title", self._("Course home"))
        for number, (title, entries) in enumerate(modules, start=1):
            folder = _element(top, f"{ns}item", identifier=f"I_module_{number}")
            _element(folder, f"{ns}title", title)
            for page_title, target in entries:
                item = _element(
                    folder, f"{ns}item", identifier=f"I_{target[2:]}", identifierref=target
                )
                _element(item, f"{ns}title", page_title)
        credits = _element(top, f"{ns}item", identifier="I_credits", identifierref="R_credits")
        _element(credits, f"{ns}title", self._("Credits"))
        resources = _element(root, f"{ns}resources")
        for resource in self.resources:
            attrs = {"identifier": resource.identifier, "type": resource.type}
            if resource.href:
                attrs["href"] = resource.href
            element = _element(resources, f"{ns}resource", **attrs)
            for path in resource.files:
                _element(element, f"{ns}file", href=path)
            for dependency in resource.dependencies:
                _element(element, f"{ns}dependency", identifierref=dependency)
        return _xml(root)


def _metadata(parent: etree._Element, fields: Mapping[str, str]) -> None:
    q = f"{{{QTI_NS}}}"
    block = _element(parent, f"{q}qtimetadata")
    for label, entry in fields.items():
        field = _element(block, f"{q}qtimetadatafield")
        _element(field, f"{q}fieldlabel", label)
        _element(field, f"{q}fieldentry", entry)


def _mattext(material: etree._Element, html: str) -> None:
    _element(material, f"{{{QTI_NS}}}mattext", html, texttype="text/html")


def _vcard(text: str) -> str:
    """A name as vCard text: commas, semicolons and backslashes escaped, one line."""
    return re.sub(r"([\\,;])", r"\\\1", text).replace("\n", " ")


def cartridge_files(edition: Edition, project: Path, version: CcVersion) -> dict[str, bytes]:
    """Every file of the cartridge of one edition (path inside the zip to bytes)."""
    return _Cartridge(edition, project, version).build()


def zip_bytes(files: Mapping[str, bytes], when: tuple[int, int, int, int, int, int]) -> bytes:
    """A reproducible zip: manifest first, then sorted paths; fixed times and permissions."""
    buffer = io.BytesIO()
    names = sorted(files, key=lambda name: (name != "imsmanifest.xml", name))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            if not set(name) <= SAFE_PATH_CHARS or name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"unsafe path in a cartridge: {name!r}")
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def zip_time(course: Course) -> tuple[int, int, int, int, int, int]:
    """The timestamp of every entry: the course's ``updated`` date, else ``SOURCE_DATE_EPOCH``
    (the reproducible-builds convention), else 1980-01-01; never the time of the build."""
    day: dt.date | None = course.updated
    if day is None:
        moment = source_date()
        day = moment.date() if moment is not None else None
    return (
        (day.year, day.month, day.day, 0, 0, 0)
        if day and day.year >= 1980
        else (1980, 1, 1, 0, 0, 0)
    )


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
