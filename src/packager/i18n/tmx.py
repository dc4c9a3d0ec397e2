"""External translation memories: reading ``.po`` and TMX files, writing a project's TMX.

TMX is read and written with the Translate Toolkit (``translate.storage.tmx``), not by hand.
A ``.po`` memory's language is its ``Language`` header; a TMX file holds any number of
languages, each ``tu`` pairing its source (the header's ``srclang``) with every other ``tuv``.
Every text is re-cut into packager's messages (:mod:`packager.i18n.recut`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packager import languages
from packager.diagnostics import Location, Problems, display_path
from packager.i18n.catalogue import Catalogue
from packager.i18n.memory import Memory, memory_of
from packager.i18n.pofile import read_po
from packager.i18n.recut import recut

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _recut_all(
    triples: Iterable[tuple[str | None, str, str]],
) -> Iterable[tuple[str | None, str, str]]:
    for context, source, target in triples:
        for piece, translation in recut(source, target):
            yield context, piece, translation


def read_memory(path: Path, project: Path, problems: Problems) -> dict[str, Memory]:
    """The memories of one file, by language (BCP 47); problems are located at the file."""
    shown = display_path(path, project)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(Location(shown), "memory-unreadable", f"cannot read the memory: {exc}")
        return {}
    if path.suffix.lower() == ".tmx":
        return _read_tmx(data, shown, problems)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.error(Location(shown), "memory-unreadable", "a .po memory must be UTF-8")
        return {}
    catalogue = read_po(text, shown, problems)
    if catalogue is None:
        return {}
    lang = catalogue.header_value("Language") or ""
    if not languages.is_known(lang):
        problems.error(
            Location(shown, catalogue.header_line or 1),
            "memory-language",
            "the memory does not say its language: add the header line 'Language: xx' (BCP 47)",
        )
        return {}
    triples = (
        (e.msgctxt, e.msgid, e.msgstr)
        for e in catalogue.entries
        if e.translated and e.msgid_plural is None
    )
    return {languages.canonical(lang.replace("_", "-")): memory_of(_recut_all(triples))}


def _read_tmx(data: bytes, shown: str, problems: Problems) -> dict[str, Memory]:
    from translate.storage.tmx import tmxfile

    try:
        store = tmxfile(data)
    except Exception as exc:  # the toolkit raises lxml's and its own errors alike
        problems.error(Location(shown), "memory-unreadable", f"invalid TMX file: {exc}")
        return {}
    header = store.document.getroot().find("header")
    source_lang = (header.get("srclang") if header is not None else None) or ""
    triples: dict[str, list[tuple[str | None, str, str]]] = {}
    for unit in store.units:
        texts = {
            str(node.get(_XML_LANG) or node.get("lang") or ""): unit.getNodeText(node) or ""
            for node in unit.getlanguageNodes()
        }
        lang = str(unit.xmlelement.get("srclang") or source_lang)
        source = texts.pop(lang, "") if lang in texts else ""
        for other, text in texts.items():
            if source and languages.is_known(other):
                code = languages.canonical(other.replace("_", "-"))
                triples.setdefault(code, []).append((None, source, text))
    return {code: memory_of(_recut_all(found)) for code, found in sorted(triples.items())}


def write_tmx(source_lang: str, catalogues: Iterable[tuple[str, Catalogue]]) -> bytes:
    """A TMX of the translated (not fuzzy) messages of ``(language, catalogue)`` pairs.

    Units come in the catalogues' order, each source text once per language, so the same
    catalogues always give the same bytes.
    """
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=source_lang)
    seen: set[tuple[str, str]] = set()
    for lang, catalogue in catalogues:
        for entry in catalogue.entries:
            if not entry.translated or entry.msgid_plural is not None or entry.obsolete:
                continue
            if (lang, entry.msgid) in seen:
                continue
            seen.add((lang, entry.msgid))
            store.addtranslation(entry.msgid, source_lang, entry.msgstr, lang)
    return bytes(store)
