"""Official XSDs loaded offline, for the formats that ship them (Common Cartridge, SCORM).

The schemas import one another by absolute http URLs; every ``schemaLocation`` resolves to the
shipped file of the same name in one folder (or to an empty stand-in for an import the official
files make but never use), and the parser may not use the network, so validating never leaves
the machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from lxml import etree


class _LocalResolver(etree.Resolver):
    """Map any schema URL to the file of the same base name in ``folder``, else a stand-in."""

    def __init__(self, folder: Path, stubs: Mapping[str, str]) -> None:
        super().__init__()
        self.folder = folder
        self.stubs = stubs

    # lxml's stubs lag behind lxml here (resolve takes a context; resolve_filename exists).
    def resolve(self, system_url: str, public_id: str, context: object):  # type: ignore[no-untyped-def,override]
        name = PurePosixPath(system_url.rsplit("/", 1)[-1]).name
        candidate = self.folder / name
        if candidate.is_file():
            return self.resolve_filename(str(candidate), context)  # type: ignore[attr-defined]
        if name in self.stubs:
            return self.resolve_string(self.stubs[name], context)  # type: ignore[call-arg]
        raise OSError(f"schema {system_url!r} is not shipped with the packager (no network access)")


def parser(folder: Path, stubs: Mapping[str, str] | None = None) -> etree.XMLParser:
    """A parser for schemas in ``folder``: no network, no entities, no DTD."""
    found = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    found.resolvers.add(_LocalResolver(folder, stubs or {}))
    return found


def combined(
    folder: Path, imports: Mapping[str, str], stubs: Mapping[str, str] | None = None
) -> etree.XMLSchema:
    """One schema importing every ``namespace -> file`` of ``imports`` together (a manifest mixes
    several namespaces, each with its own official schema)."""
    lines = [
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:packager:driver" '
        'elementFormDefault="qualified">'
    ]
    lines += [
        f'<xs:import namespace="{ns}" schemaLocation="{name}"/>' for ns, name in imports.items()
    ]
    lines.append("</xs:schema>")
    driver = etree.fromstring(
        "\n".join(lines).encode(), parser(folder, stubs), base_url=str(folder) + "/"
    )
    return etree.XMLSchema(driver)
