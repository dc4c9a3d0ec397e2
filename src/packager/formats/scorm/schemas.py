"""The ADL SCORM schemas, loaded offline, and the manifest's validation against them.

The XSDs in ``xsd/`` are ADL's own bindings, copied unmodified (see ``xsd/PROVENANCE.md``). Every
``schemaLocation`` resolves to the local file of the same name (the cartridge's resolver does
this for its own folders), and the parser may not use the network.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath

from lxml import etree

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


class _LocalResolver(etree.Resolver):
    """Map any schema URL to the file of the same base name in one version's folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    # lxml's stubs lag behind lxml here (resolve takes a context; resolve_filename exists).
    def resolve(self, system_url: str, public_id: str, context: object):  # type: ignore[no-untyped-def,override]
        candidate = self.folder / PurePosixPath(system_url.rsplit("/", 1)[-1]).name
        if candidate.is_file():
            return self.resolve_filename(str(candidate), context)  # type: ignore[attr-defined]
        raise OSError(f"schema {system_url!r} is not shipped with the packager (no network access)")


def _parser(folder: Path) -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_LocalResolver(folder))
    return parser


def _driver(imports: dict[str, str]) -> bytes:
    """A small schema importing every namespace of a version together."""
    lines = [
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:packager:scorm">'
    ]
    lines += [f'<xs:import namespace="{ns}" schemaLocation="{f}"/>' for ns, f in imports.items()]
    return "\n".join([*lines, "</xs:schema>"]).encode()


def schema_files(version: str) -> dict[str, bytes]:
    """The version's XSDs by file name, as shipped beside every package's manifest."""
    folder = SCHEMAS / version
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.xsd"))}


@functools.cache
def manifest_schema(version: str) -> etree.XMLSchema:
    """The schema an ``imsmanifest.xml`` of this version (``1.2`` or ``2004``) must satisfy."""
    folder = SCHEMAS / version
    driver = etree.fromstring(
        _driver(IMPORTS[version]), _parser(folder), base_url=str(folder) + "/"
    )
    return etree.XMLSchema(driver)


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
