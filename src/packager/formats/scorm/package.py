"""What SCORM 1.2 and 2004 packages share: the site's files, the launch page, the zip, the check.

A package is one SCO: ``scorm.html`` launches, holds the course's HTML site (the very pages of
``formats/site.py``, without the language switcher: a package holds one language) in a frame, and
runs ``assets/scorm.js``, which talks to the platform. One SCO, because the platform keeps one
learner record per launched item: the learner's place, completion over the pages and the quiz's
score belong to one record, and the pages' own links (previous, next, contents) keep working.
The outline is the site's navigation, and the manifest lists the pages in its order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import jinja2
from lxml import etree

from packager import languages
from packager.diagnostics import Diagnostic, InputError, Problems
from packager.formats import site
from packager.formats.archive import zip_bytes, zip_time
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.scorm.check import MANIFEST, check_scorm
from packager.formats.scorm.schemas import schema_files
from packager.i18n.editions import Edition
from packager.render.context import template_problem
from packager.render.templates import environment, find_static, search_path
from packager.source.model import PageKind

TEMPLATES = (*site.TEMPLATES, "scorm.html")
STATICS = (*site.STATICS, "scorm.js")
LAUNCH = "scorm.html"

#: A manifest's bytes from the edition and the package's content files (sorted paths).
ManifestWriter = Callable[[Edition, list[str]], bytes]

_QUESTION = re.compile(rb'<div class="question" id="([^"]+)"')


def package(request: RenderRequest, version: str, manifest: ManifestWriter) -> bytes:
    """The zip: the site, the launch page and script, the manifest and the version's XSDs."""
    edition = request.edition
    course = edition.course
    files = site.site_files(edition, request.project, (edition.lang,))
    folders = search_path(request.project, course.root)
    quiz = {}
    for page in course.pages:
        ids = [m.decode() for m in _QUESTION.findall(files[page.filename])]
        if page.kind is PageKind.QUIZ and ids:
            quiz[page.filename] = ids
    config = {
        "version": version,
        "pages": [page.filename for page in course.pages],
        "completion": course.tracking.completion,
        "passMark": course.tracking.pass_mark,
        "quiz": quiz,
    }
    env = environment(folders, edition.ui, sandboxed=(course.root / "templates").is_dir())
    try:
        launch = env.get_template(LAUNCH).render(
            course=course, lang=edition.lang, dir=languages.direction(edition.lang), config=config
        )
    except jinja2.TemplateError as exc:
        raise InputError([template_problem(exc, request.project)]) from None
    files[LAUNCH] = launch.encode("utf-8")
    files["assets/scorm.js"] = find_static(folders, "scorm.js").read_bytes()
    content = sorted(files)
    files[MANIFEST] = manifest(edition, content)
    files |= schema_files(version)
    return zip_bytes(files, zip_time(course), safe_names=False)


def file_href(path: str) -> str:
    """A package path as the manifest's ``href`` (a URI reference)."""
    return quote(path, safe="/-._~")


def sco_resource(root: etree._Element, cp: str, scorm_type: str, content: list[str]) -> None:
    """The manifest's one resource: the SCO launched at ``scorm.html`` and every file of the
    package. ``scorm_type`` is the versions' one difference here: ADL's attribute is
    ``scormtype`` in 1.2 and ``scormType`` in 2004."""
    resources = etree.SubElement(root, f"{{{cp}}}resources")
    resource = etree.SubElement(resources, f"{{{cp}}}resource", identifier="sco")
    resource.set("type", "webcontent")
    resource.set(scorm_type, "sco")
    resource.set("href", LAUNCH)
    for path in content:
        etree.SubElement(resource, f"{{{cp}}}file", href=file_href(path))


def has_quiz(edition: Edition) -> bool:
    return any(page.kind is PageKind.QUIZ for page in edition.course.pages)


def check_package(
    output: Rendered, request: RenderRequest, version: str, suffix: str
) -> list[Diagnostic]:
    """The package checked as ``packager check`` checks any (:func:`check_scorm`): the
    manifest against ADL's schemas of ``version``, every file it lists and the launch page
    present, the SCO."""
    assert isinstance(output, bytes)
    edition = request.edition
    problems = Problems()
    found = check_scorm(output, f"{edition.course.id}-{edition.lang}.{suffix}", problems)
    assert found in (version, None), f"a SCORM {version} package checked as {found}"
    return list(problems)
