"""``packager update``: merge a template into a catalogue without losing a translator's work.

For each message of the template, in this order of preference:

1. the same message (context and text) keeps its translation as it is;
2. a message equal after normalisation (white space, link targets, Markdown markup) keeps its
   translation without being fuzzy: a re-wrapped paragraph or a bold word is no new text;
3. the most similar old message (similarity at least :data:`THRESHOLD`, as GNU msgmerge's 0.6;
   the same page and place first) lends its translation as *fuzzy*, with the old text kept as
   ``#| msgid`` so the translator sees exactly what changed;
4. otherwise the message is new and untranslated.

Every old translation that no new message uses stays in the file as obsolete (``#~``), so a
message that comes back later finds its translation again. Nothing a translator wrote is dropped.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from packager.i18n.catalogue import Catalogue, Entry

THRESHOLD = 0.6

_MARKUP = re.compile(r"\]\[[^\]]*\]|\\(?=[^\sA-Za-z0-9])|[*_~`]|</?[A-Za-z][^>]*>|!\[|\[")


def normalise(text: str) -> str:
    """The words of a message without spacing, escapes or emphasis.

    Links, images, footnotes, code and HTML are kept as they are: a new link or a new code span
    is a change a translator must see (their translation would miss it).
    """
    stripped = _EMPHASIS.sub("", text)
    return " ".join(stripped.split())


_EMPHASIS = re.compile(r"\\(?=[^\sA-Za-z0-9])|(?<!`)[*_~](?!`)")


@dataclass(frozen=True)
class MergeReport:
    kept: int
    normalised: int
    fuzzy: int
    new: int
    obsolete: int


def _source_files(entry: Entry) -> set[str]:
    return {ref.rsplit(":", 1)[0] for ref in entry.references}


def _position(entry: Entry) -> int:
    for ref in entry.references:
        tail = ref.rsplit(":", 1)[-1]
        if tail.isdigit():
            return int(tail)
    return 0


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=200_000)
def _similarity(old: str, new: str, quick: bool = False) -> float:
    """difflib's ratio (or its cheap upper bound), cached: ``update`` merges one template into
    every language's catalogue, so the same pairs of texts come up once per language."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return matcher.quick_ratio() if quick else matcher.ratio()


class _Candidates:
    """Old translations that may lend themselves as fuzzy ones, found without comparing everything.

    Like GNU msgmerge's fuzzy index, a new text is compared only with likely old texts: first
    those of the same page near the same place (where an edited paragraph's old version is),
    then those sharing the new text's rarer words. Similarity is difflib's ratio, as msgmerge's.
    """

    NEAR = 12
    SHARED = 12

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_file: dict[str, list[tuple[int, int]]] = {}
        self.by_word: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            for ref in entry.references:
                file, _, line = ref.rpartition(":")
                self.by_file.setdefault(file, []).append(
                    (int(line) if line.isdigit() else 0, index)
                )
            for word in set(_WORD.findall(entry.msgid.lower())):
                self.by_word.setdefault(word, []).append(index)
        self.common = max(8, len(entries) // 20)

    def _near(self, target: Entry) -> list[int]:
        found: list[tuple[int, int]] = []
        for ref in target.references:
            file, _, line = ref.rpartition(":")
            here = int(line) if line.isdigit() else 0
            found += [(abs(there - here), index) for there, index in self.by_file.get(file, ())]
        return [index for _distance, index in sorted(found)[: self.NEAR]]

    def _sharing(self, target: Entry) -> list[int]:
        counts: Counter[int] = Counter()
        for word in set(_WORD.findall(target.msgid.lower())):
            postings = self.by_word.get(word, ())
            if len(postings) <= self.common:
                counts.update(postings)
        return [index for index, _count in counts.most_common(self.SHARED)]

    def best(self, target: Entry) -> Entry | None:
        """The most similar old entry at or above :data:`THRESHOLD`, or None."""
        best: Entry | None = None
        best_score = THRESHOLD
        length = len(target.msgid)
        files = _source_files(target)
        # Branch and bound: quick_ratio is an upper bound of ratio, so try the most promising
        # first and stop once no candidate left can beat the best score.
        bounds: list[tuple[float, int]] = []
        for index in dict.fromkeys([*self._near(target), *self._sharing(target)]):
            candidate = self.entries[index]
            other = len(candidate.msgid)
            if 2 * min(length, other) / (length + other or 1) < best_score:
                continue  # even identical letters could not reach the threshold
            bounds.append((_similarity(candidate.msgid, target.msgid, quick=True), index))
        for bound, index in sorted(bounds, key=lambda pair: (-pair[0], pair[1])):
            if bound + 0.02 < best_score:
                break
            candidate = self.entries[index]
            score = _similarity(candidate.msgid, target.msgid)
            score -= 0.01 if candidate.msgctxt != target.msgctxt else 0.0
            # Same page first, then nearer lines: small nudges that only break near-ties.
            if files & _source_files(candidate):
                score += 0.02 - min(abs(_position(target) - _position(candidate)), 1000) / 100_000
            if score > best_score:
                best, best_score = candidate, score
        return best


def merge(template: Catalogue, catalogue: Catalogue) -> tuple[Catalogue, MergeReport]:
    """``catalogue`` brought up to ``template``; see the module docstring."""
    old_active = {e.key: e for e in catalogue.entries if not e.obsolete}
    old_obsolete = {e.key: e for e in catalogue.entries if e.obsolete}
    by_normal: dict[tuple[str | None, str], Entry] = {}
    for entry in (*old_obsolete.values(), *old_active.values()):
        if entry.msgstr:
            by_normal[(entry.msgctxt, normalise(entry.msgid))] = entry
    used: set[int] = set()  # the old entries (by identity) whose translation lives on
    template_keys = {e.key for e in template.entries}
    results: list[Entry | None] = []
    pending: list[int] = []
    kept = normalised = 0
    for entry in template.entries:
        old = old_active.get(entry.key) or old_obsolete.get(entry.key)
        if old is not None:
            used.add(id(old))
            kept += 1
            results.append(_keep(entry, old))
            continue
        similar = by_normal.get((entry.msgctxt, normalise(entry.msgid)))
        if similar is not None and similar.key not in template_keys:
            used.add(id(similar))
            normalised += 1
            results.append(_keep(entry, similar))
            continue
        results.append(None)
        pending.append(len(results) - 1)
    candidates = _Candidates(
        [
            e
            for e in (*old_active.values(), *old_obsolete.values())
            if e.msgstr  # any old translation may seed a fuzzy one, as in GNU msgmerge
        ]
    )
    fuzzy = new = 0
    for index in pending:
        entry = template.entries[index]
        candidate = candidates.best(entry)
        if candidate is None:
            new += 1
            results[index] = entry
            continue
        used.add(id(candidate))
        fuzzy += 1
        # A fuzzy candidate keeps its own #| text: the translation matches that one.
        own = candidate.fuzzy and candidate.previous_msgid
        results[index] = _carry(
            entry,
            candidate,
            fuzzy=True,
            previous=candidate.previous_msgid if own else candidate.msgid,
            previous_context=candidate.previous_msgctxt if own else candidate.msgctxt,
        )
    live = {e.key: e.msgstr for e in results if e is not None}
    obsolete, notes = _obsolete(catalogue.entries, used, live)
    if notes:
        results = [
            replace(
                e,
                comments=e.comments + tuple(n for n in notes.get(e.key, []) if n not in e.comments),
            )
            if e is not None and e.key in notes
            else e
            for e in results
        ]
    merged = replace(
        catalogue,
        entries=tuple(e for e in results if e is not None) + tuple(obsolete),
    )
    for name in ("Project-Id-Version", "POT-Creation-Date"):
        value = template.header_value(name)
        if value is not None:
            merged = merged.with_header(name, value)
    was_obsolete = {o.key for o in catalogue.entries if o.obsolete}
    report = MergeReport(
        kept,
        normalised,
        fuzzy,
        new,
        sum(1 for e in obsolete if e.key not in was_obsolete),
    )
    return merged, report


def _keep(new: Entry, old: Entry) -> Entry:
    """The old entry's translation as it was: a fuzzy one keeps its ``#|`` lines."""
    return _carry(
        new,
        old,
        fuzzy=old.fuzzy,
        previous=old.previous_msgid if old.fuzzy else None,
        previous_context=old.previous_msgctxt if old.fuzzy else None,
    )


def _carry(
    new: Entry,
    old: Entry,
    *,
    fuzzy: bool,
    previous: str | None,
    previous_context: str | None = None,
) -> Entry:
    """The template's entry with the old translation, translator comments and flags."""
    own_flags = tuple(
        f for f in old.flags if f not in ("fuzzy", *new.flags) and not f.endswith("-format")
    )
    return replace(
        new,
        msgstr=old.msgstr,
        msgstr_plural=old.msgstr_plural,
        comments=old.comments,
        flags=(("fuzzy",) if fuzzy else ()) + tuple(new.flags) + own_flags,
        previous_msgid=previous,
        previous_msgctxt=previous_context if previous is not None else None,
        obsolete=False,
    )


def _obsolete(
    entries: Iterable[Entry], used: set[int], live: dict[tuple[str | None, str], str]
) -> tuple[list[Entry], dict[tuple[str | None, str], list[str]]]:
    """Old entries whose translation no message carries: kept as ``#~``.

    An entry without a translation goes (nothing a translator wrote is lost); so does one whose
    text and translation a live entry carries already. An old translation of a text that is live
    with another translation cannot stay as ``#~`` beside it (GNU tools refuse the file); it is
    returned to be kept as a translator comment on the live entry instead.
    """
    out: list[Entry] = []
    notes: dict[tuple[str | None, str], list[str]] = {}
    for entry in entries:
        if id(entry) in used:
            continue
        if not entry.msgstr and not any(entry.msgstr_plural):
            continue
        if entry.key in live:
            if live[entry.key] != entry.msgstr:
                notes.setdefault(entry.key, []).append(f"another translation: {entry.msgstr}")
            continue
        out.append(replace(entry, obsolete=True, references=(), extracted=()))
    return out, notes
