"""SCORM 1.2: ``<course>-<lang>.scorm12.zip``, the version Moodle's player and most platforms play.

The manifest (IMS CP 1.1.2 with ADL's 1.2 extensions) holds one organisation with one item, the
course, launching the one SCO (see ``package.py``); the pass mark is its ``masteryscore`` when the
course has a quiz. Tracking: ``cmi.core.lesson_location``, ``cmi.core.lesson_status``,
``cmi.core.score.raw/min/max``, ``cmi.suspend_data`` (pages seen, first answers).
"""

from __future__ import annotations

from lxml import etree

from packager.diagnostics import Diagnostic
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.scorm.package import (
    STATICS,
    TEMPLATES,
    check_package,
    has_quiz,
    package,
    sco_resource,
)
from packager.i18n.editions import Edition

__all__ = ["STATICS", "TEMPLATES", "check", "extra_inputs", "manifest", "render"]

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATIONS = (
    f"{CP} imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    f"{ADLCP} adlcp_rootv1p2.xsd"
)


def manifest(edition: Edition, content: list[str]) -> bytes:
    course = edition.course
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "adlcp": ADLCP, "xsi": XSI})  # type: ignore[dict-item]
    root.set("identifier", f"packager-{course.id}-{edition.lang}-scorm12")
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", LOCATIONS)
    metadata = etree.SubElement(root, f"{{{CP}}}metadata")
    etree.SubElement(metadata, f"{{{CP}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.2"
    organizations = etree.SubElement(root, f"{{{CP}}}organizations", default="course")
    organization = etree.SubElement(organizations, f"{{{CP}}}organization", identifier="course")
    etree.SubElement(organization, f"{{{CP}}}title").text = course.title
    item = etree.SubElement(organization, f"{{{CP}}}item", identifier="item", identifierref="sco")
    etree.SubElement(item, f"{{{CP}}}title").text = course.title
    if has_quiz(edition):
        mastery = etree.SubElement(item, f"{{{ADLCP}}}masteryscore")
        mastery.text = str(course.tracking.pass_mark)
    sco_resource(root, CP, f"{{{ADLCP}}}scormtype", content)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    return package(request, "1.2", manifest)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    return check_package(output, request, "1.2", "scorm12.zip")
