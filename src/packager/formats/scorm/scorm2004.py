"""SCORM 2004 4th Edition: ``<course>-<lang>.scorm2004.zip``.

The manifest (IMS CP 1.1.4 with ADL's 2004 extensions and IMS Simple Sequencing) holds one
organisation with one item, the course, launching the one SCO (see ``package.py``); its
sequencing leaves completion and success to the content, which reports them. Tracking:
``cmi.location``, ``cmi.completion_status``, ``cmi.success_status``, ``cmi.score.scaled/raw/
min/max``, one ``cmi.interactions`` entry per answer with its correct response, and
``cmi.suspend_data`` (pages seen, first answers).
"""

from __future__ import annotations

from lxml import etree

from packager.diagnostics import Diagnostic
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.scorm.package import (
    STATICS,
    TEMPLATES,
    check_package,
    package,
    sco_resource,
)
from packager.i18n.editions import Edition

__all__ = ["STATICS", "TEMPLATES", "check", "extra_inputs", "manifest", "render"]

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATIONS = (
    f"{CP} imscp_v1p1.xsd {ADLCP} adlcp_v1p3.xsd {ADLSEQ} adlseq_v1p3.xsd "
    f"{ADLNAV} adlnav_v1p3.xsd {IMSSS} imsss_v1p0.xsd"
)


def manifest(edition: Edition, content: list[str]) -> bytes:
    course = edition.course
    names = {None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS}
    root = etree.Element(f"{{{CP}}}manifest", nsmap={**names, "xsi": XSI})  # type: ignore[dict-item]
    root.set("identifier", f"packager-{course.id}-{edition.lang}-scorm2004")
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", LOCATIONS)
    metadata = etree.SubElement(root, f"{{{CP}}}metadata")
    etree.SubElement(metadata, f"{{{CP}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "2004 4th Edition"
    organizations = etree.SubElement(root, f"{{{CP}}}organizations", default="course")
    organization = etree.SubElement(organizations, f"{{{CP}}}organization", identifier="course")
    etree.SubElement(organization, f"{{{CP}}}title").text = course.title
    item = etree.SubElement(organization, f"{{{CP}}}item", identifier="item", identifierref="sco")
    etree.SubElement(item, f"{{{CP}}}title").text = course.title
    sequencing = etree.SubElement(item, f"{{{IMSSS}}}sequencing")
    # The SCO reports completion and success itself; the platform must not assume them.
    controls = etree.SubElement(sequencing, f"{{{IMSSS}}}deliveryControls")
    controls.set("completionSetByContent", "true")
    controls.set("objectiveSetByContent", "true")
    sco_resource(root, CP, f"{{{ADLCP}}}scormType", content)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    return package(request, "2004", manifest)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    return check_package(output, request, "2004", "scorm2004.zip")
