"""The official Common Cartridge schemas, loaded offline.

The XSDs in ``xsd/cc/`` are IMS's own, copied unmodified with their notice (see
``xsd/cc/PROVENANCE.md``). They import one another by absolute http URLs; every
``schemaLocation`` is resolved to the local file of the same name, and the parser may not use the
network, so validation never leaves the machine.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from packager.formats import xsd

SCHEMAS = Path(__file__).resolve().parent / "xsd" / "cc"


#: Imports the official files make but never use (the 1.3 CPX schema imports XLink and refers
#: to nothing in it): an empty schema for the namespace stands in, rather than a download.
_STUBS = {
    "xlink.xsd": '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'targetNamespace="http://www.w3.org/1999/xlink"/>',
}


_MANIFEST_IMPORTS = {
    "1.1": {
        "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "ccv1p1_imscp_v1p2_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest": "ccv1p1_lommanifest_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource": "ccv1p1_lomresource_v1p0.xsd",
        "http://www.imsglobal.org/xsd/imsccv1p1/imsccauth_v1p1": "ccv1p1_imsccauth_v1p1.xsd",
    },
    "1.3": {
        "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "ccv1p3_imscp_v1p2_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest": "ccv1p3_lommanifest_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource": "ccv1p3_lomresource_v1p0.xsd",
        "http://www.imsglobal.org/xsd/imsccv1p3/imsccauth_v1p3": "ccv1p3_imsccauth_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2": "ccv1p3_cpextensionv1p2_v1p0.xsd",
        "http://www.imsglobal.org/xsd/imsccv1p3/imscsmd_v1p0": "ccv1p3_imscsmd_v1p0.xsd",
    },
}

#: Descriptor schemas by root namespace. The CC 1.3 QTI profile differs from 1.1's only in
#: allowing ``<or>``; QTI without ``<or>`` (the only kind this packager writes) validates against
#: the 1.1 profile, which is what the 1.3 folder lacks.
_DESCRIPTORS = {
    "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1": ("1.1", "ccv1p1_imswl_v1p1.xsd"),
    "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1": ("1.1", "ccv1p1_imsdt_v1p1.xsd"),
    "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3": ("1.3", "ccv1p3_imswl_v1p3.xsd"),
    "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3": ("1.3", "ccv1p3_imsdt_v1p3.xsd"),
    "http://www.imsglobal.org/xsd/ims_qtiasiv1p2": ("1.1", "ccv1p1_qtiasiv1p2p1_v1p0.xsd"),
}


@functools.cache
def manifest_schema(version: str) -> etree.XMLSchema:
    """The schema a manifest of this version (``1.1`` or ``1.3``) must satisfy."""
    return xsd.combined(SCHEMAS / version, _MANIFEST_IMPORTS[version], _STUBS)


@functools.cache
def descriptor_schema(namespace: str) -> etree.XMLSchema | None:
    """The schema for a descriptor whose root element is in ``namespace``, or None if unknown."""
    found = _DESCRIPTORS.get(namespace)
    if found is None:
        return None
    version, name = found
    folder = SCHEMAS / version
    return etree.XMLSchema(etree.parse(str(folder / name), xsd.parser(folder, _STUBS)))
