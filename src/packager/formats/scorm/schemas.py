"""The ADL SCORM schemas, loaded offline, and the manifest's validation against them.

The XSDs in ``xsd/`` are ADL's own bindings, copied unmodified (see ``xsd/PROVENANCE.md``). Every
``schemaLocation`` resolves to the local file of the same name (:mod:`packager.formats.xsd`), and the parser may not use the network.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from packager.formats import xsd

SCHEMAS = Path(__file__).resolve().parent / "xsd"

#: The namespaces a manifest of each version uses, with the file that defines each.
IMPORTS = {
    "1.2": {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    },
    "2004": {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
    },
}


def schema_files(version: str) -> dict[str, bytes]:
    """The version's XSDs by file name, as shipped beside every package's manifest."""
    folder = SCHEMAS / version
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.xsd"))}


@functools.cache
def manifest_schema(version: str) -> etree.XMLSchema:
    """The schema an ``imsmanifest.xml`` of this version (``1.2`` or ``2004``) must satisfy."""
    return xsd.combined(SCHEMAS / version, IMPORTS[version])


def manifest_errors(data: bytes, version: str) -> list[tuple[int, str]]:
    """What is wrong with a manifest against the version's schemas: (line, message) each."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [(exc.lineno or 1, exc.msg)]
    schema = manifest_schema(version)
    if schema.validate(document):
        return []
    return [(e.line, e.message) for e in schema.error_log]  # type: ignore[attr-defined]
