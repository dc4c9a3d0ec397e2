"""Machine drafts, offline and opt-in: ``packager update --draft apertium``.

Apertium (Debian packages ``apertium`` and a pair such as ``apertium-en-es``) translates on this
computer; nothing leaves it. Each message still empty gets a draft, **fuzzy**, with a translator
comment naming the engine: a draft is never counted as translated, never published outside the
preview, and never written over a translation or a suggestion already there.

Markup is kept exactly: code spans, links and their labels, images, HTML tags, emphasis markers
and escapes go to Apertium as *superblanks* (its own way of passing text through untouched), and
only the words between them are translated. If Apertium moves a superblank so that the draft
would fail the translation checks, the message's text runs are translated one by one instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

from packager.diagnostics import Problems
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.checks import check_entry

ENGINES = ("apertium",)

#: Apertium names its pairs with ISO 639-3 codes (``eng-spa``); older pairs with two letters.
_THREE = {
    "ar": "ara", "ast": "ast", "br": "bre", "ca": "cat", "cy": "cym", "da": "dan", "de": "deu",
    "en": "eng", "eo": "epo", "es": "spa", "eu": "eus", "fr": "fra", "gl": "glg", "id": "ind",
    "is": "isl", "it": "ita", "kk": "kaz", "ms": "msa", "nb": "nob", "nn": "nno", "oc": "oci",
    "pt": "por", "ro": "ron", "ru": "rus", "sv": "swe", "tt": "tat", "uk": "ukr", "ur": "urd",
}  # fmt: skip

_PROTECTED = re.compile(
    r"`+[^`]*?`+|!\[|\[\^[^\]]*\]|\]\[[^\]]*\]|\]\([^)]*\)|\[|\]|<[^>\n]+>|\*+"
    r"|(?<!\w)_+|_+(?!\w)|~~|\\[^\sA-Za-z0-9]|https?://[^\s)>\]]+|%\(\w+\)[sd]|\{\w+\}"
)
_SPECIAL = re.compile(r"([\[\]\\^$/@{}<>])")
_MARKS = re.compile(r"[#@](?=\w)")


class DraftError(Exception):
    """Why no draft can be made (engine or pair missing), said to the translator."""


def pairs() -> list[str]:
    """The Apertium pairs installed here (``apertium -l``); [] when Apertium is not."""
    if shutil.which("apertium") is None:
        return []
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False)
    return sorted(line.strip() for line in listed.stdout.splitlines() if line.strip())


def mode(source: str, target: str) -> str:
    """The installed Apertium mode from ``source`` to ``target`` (BCP 47), or DraftError."""
    installed = pairs()
    if shutil.which("apertium") is None:
        raise DraftError(
            "Apertium is not installed; on Debian: apt install apertium "
            f"apertium-{source}-{target} (if that pair exists)"
        )
    a, b = source.split("-")[0].lower(), target.split("-")[0].lower()
    for name in (f"{_THREE.get(a, a)}-{_THREE.get(b, b)}", f"{a}-{b}"):
        if name in installed:
            return name
    shown = ", ".join(installed) or "none"
    raise DraftError(
        f"Apertium has no {source} -> {target} pair installed here (installed: {shown}); "
        f"on Debian, look for it with: apt-cache search apertium-{a}"
    )


def _stream(text: str) -> tuple[str, list[str]]:
    """``text`` in Apertium's stream format, markup as superblanks; and the text runs."""
    out: list[str] = []
    runs: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        run = text[last : match.start()]
        runs.append(run)
        out.append(_SPECIAL.sub(r"\\\1", run))
        out.append("[" + _SPECIAL.sub(r"\\\1", match.group(0)) + "]")
        last = match.end()
    runs.append(text[last:])
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out), runs


def _plain(stream: str) -> str:
    """Apertium's output back to text: escapes undone, superblanks opened."""
    out: list[str] = []
    i = 0
    while i < len(stream):
        char = stream[i]
        if char == "\\" and i + 1 < len(stream):
            out.append(stream[i + 1])
            i += 2
            continue
        if char not in "[]":
            out.append(char)
        i += 1
    return "".join(out)


def _translate(chunks: list[str], name: str) -> list[str]:
    """Each stream chunk translated by one Apertium run (null-flush mode keeps them apart)."""
    if not chunks:
        return []
    # A trailing blank keeps Apertium from dropping a chunk's last full stop.
    data = "".join(f"{chunk} \0" for chunk in chunks)
    done = subprocess.run(
        ["apertium", "-z", "-u", "-f", "none", name],
        input=data.encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise DraftError(f"Apertium failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return [part.strip() for part in done.stdout.decode("utf-8").split("\0")[: len(chunks)]]


def _clean(draft: str, source: str) -> str:
    """Apertium's marks of words it could not inflect or transfer (``#``, ``@``) removed, and
    the double spaces it leaves where a word went."""
    draft = draft if _MARKS.search(source) else _MARKS.sub("", draft)
    return draft if "  " in source else re.sub(r"(?<=\S)  +(?=\S)", " ", draft)


def _passes(entry: Entry, text: str, markdown: bool) -> bool:
    found = Problems()
    check_entry(replace(entry, msgstr=text, flags=()), "draft", found, markdown=markdown)
    return not found.errors


def draft(catalogue: Catalogue, name: str, *, markdown: bool = True) -> tuple[Catalogue, int]:
    """``catalogue`` with each empty singular message drafted by Apertium mode ``name``."""
    todo = [
        i
        for i, e in enumerate(catalogue.entries)
        if not e.obsolete and not e.msgstr and e.msgid_plural is None and e.msgid.strip()
    ]
    streams = [_stream(catalogue.entries[i].msgid) for i in todo]
    drafts = _translate([s for s, _runs in streams], name)
    entries = list(catalogue.entries)
    retry: list[int] = []
    for index, (_stream_text, _runs), text in zip(todo, streams, drafts, strict=True):
        entry = entries[index]
        text = _clean(_plain(text), entry.msgid)
        if text and _passes(entry, text, markdown):
            entries[index] = _drafted(entry, text, name)
        else:
            retry.append(index)
    # Run by run: the markup stays exactly where it was, at some cost to the words' flow.
    runs = [(i, _stream(entries[i].msgid)[1]) for i in retry]
    pieces = _translate(
        [_SPECIAL.sub(r"\\\1", run) for _i, parts in runs for run in parts if run.strip()], name
    )
    cursor = iter(pieces)
    for index, parts in runs:
        entry = entries[index]
        words = iter(
            _keep_spaces(p, _clean(_plain(next(cursor)), entry.msgid)) if p.strip() else p
            for p in parts
        )
        markup = [m.group(0) for m in _PROTECTED.finditer(entry.msgid)]
        text = "".join(w + m for w, m in zip(words, [*markup, ""], strict=False))
        if text.strip() and _passes(entry, text, markdown):
            entries[index] = _drafted(entry, text, name)
    count = sum(1 for a, b in zip(catalogue.entries, entries, strict=True) if a is not b)
    return replace(catalogue, entries=tuple(entries)), count


def _keep_spaces(run: str, translated: str) -> str:
    """The translated run with the run's own leading and trailing blanks (beside markup)."""
    lead = run[: len(run) - len(run.lstrip())]
    trail = run[len(run.rstrip()) :]
    return lead + translated + trail


def _drafted(entry: Entry, text: str, name: str) -> Entry:
    note = f"machine draft by Apertium ({name}): check it, then remove the fuzzy flag"
    return replace(entry.with_flag("fuzzy"), msgstr=text, comments=(*entry.comments, note))
