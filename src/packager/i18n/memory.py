"""Translation memory: fill new messages from what the project (or a given file) translated.

``init`` and ``update`` look up every message that is still untranslated after the merge:

- the same text (same context, same markup) translated elsewhere is taken as translated: a
  sentence is never translated twice;
- a near text (similarity at least :data:`packager.i18n.merge.THRESHOLD`, as for an edited
  message) lends its translation as *fuzzy*, with its source kept as ``#| msgid`` so that Poedit
  and Weblate show the difference.

Only messages with an empty translation are filled: nothing a person wrote, or a fuzzy
suggestion already there, is ever replaced. The memory of a language is every other
catalogue of the project in that language (the interface's aside: its messages are not course
text) and the files given with ``--memory`` (:mod:`packager.i18n.tmx`, re-cut by
:mod:`packager.i18n.recut`). Earlier versions of the same message are the merge's business.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from packager.diagnostics import Problems
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.locales import UI_DOMAIN, gettext_code, load
from packager.i18n.merge import _Candidates


@dataclass(frozen=True)
class MemoryReport:
    """How many messages the memory filled: ``exact`` as translated, ``near`` as fuzzy."""

    exact: int = 0
    near: int = 0

    def __bool__(self) -> bool:
        return bool(self.exact or self.near)

    def summary(self) -> str:
        return f"{self.exact} from memory, {self.near} fuzzy from memory"


@dataclass(frozen=True)
class Memory:
    """Source texts and their translations in one language, first come first kept."""

    units: tuple[Entry, ...] = ()

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.units + other.units)

    def __bool__(self) -> bool:
        return bool(self.units)


def memory_of(pairs: Iterable[tuple[str | None, str, str]]) -> Memory:
    """A memory from ``(context, source, translation)`` triples (empty ones left out)."""
    units: dict[tuple[str | None, str], Entry] = {}
    for context, source, target in pairs:
        if source.strip() and target.strip():
            units.setdefault((context, source), Entry(source, target, context))
    return Memory(tuple(units.values()))


def catalogue_memory(catalogue: Catalogue) -> Memory:
    """The translated (not fuzzy) singular messages of a catalogue, obsolete ones too."""
    return memory_of(
        (e.msgctxt, e.msgid, e.msgstr)
        for e in catalogue.entries
        if e.translated and e.msgid_plural is None
    )


def project_memory(project: Path, lang: str, domain: str, problems: Problems) -> Memory:
    """Every catalogue of ``lang`` in the project but ``domain``'s own and the interface's.

    Catalogues are read in name order so that the same files always give the same memory.
    """
    folder = project / "locales" / gettext_code(lang) / "LC_MESSAGES"
    memory = Memory()
    if not folder.is_dir():
        return memory
    for path in sorted(folder.glob("*.po")):
        if path.stem in (domain, UI_DOMAIN):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        memory = memory + _file_memory(path, project, stat.st_mtime_ns, stat.st_size)
    return memory


@functools.lru_cache(maxsize=256)
def _file_memory(path: Path, project: Path, _mtime: int, _size: int) -> Memory:
    """One catalogue's memory, read once while it is unchanged: ``update`` of a catalogue of
    courses consults every other course's catalogue for each one."""
    # A broken neighbour is reported when its own course is updated or built; here it merely
    # lends nothing.
    catalogue = load(path, project, Problems())
    return catalogue_memory(catalogue) if catalogue is not None else Memory()


def needs_memory(catalogue: Catalogue) -> bool:
    """Whether any message of ``catalogue`` is still empty (else the memory is not read)."""
    return any(_empty(e) for e in catalogue.entries)


def _empty(entry: Entry) -> bool:
    return not (entry.obsolete or entry.msgstr or entry.msgid_plural is not None or not entry.msgid)


def fill(catalogue: Catalogue, memory: Memory) -> tuple[Catalogue, MemoryReport]:
    """``catalogue`` with its empty translations filled from ``memory``; see the module doc."""
    if not memory:
        return catalogue, MemoryReport()
    exact = {unit.key: unit for unit in memory.units}
    # Without context, for a message given a context the memory's text did not have.
    loose: dict[str, Entry] = {}
    for item in memory.units:
        loose.setdefault(item.msgid, item)
    candidates = _Candidates(list(memory.units))
    entries: list[Entry] = []
    found = near = 0
    for entry in catalogue.entries:
        if not _empty(entry):
            entries.append(entry)
            continue
        unit = exact.get(entry.key)
        if unit is not None:
            found += 1
            entries.append(replace(entry, msgstr=unit.msgstr))
            continue
        similar = loose.get(entry.msgid) or candidates.best(entry)
        if similar is None:
            entries.append(entry)
            continue
        near += 1
        entries.append(
            replace(
                entry.with_flag("fuzzy"),
                msgstr=similar.msgstr,
                previous_msgid=similar.msgid,
                previous_msgctxt=similar.msgctxt,
            )
        )
    return replace(catalogue, entries=tuple(entries)), MemoryReport(found, near)
