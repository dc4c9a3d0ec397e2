"""What one build worked out about a course that the next may reuse, kept in the output folder:
``.packager/messages/<course>.json`` (its message keys) and
``.packager/languages/<course>/<lang>.json`` (a glimpse of each language the build rendered
nothing of).

Whether a translation is published depends on its share of the course's messages, so every build
that finds a catalogue needs the course's message keys and every catalogue, even one that renders
no translation (``--lang en``). Extracting the keys means writing every paragraph back as Markdown
and checking it, and reading a catalogue means parsing it: together they cost more than the
English site itself. They change only when their inputs do, so each is kept under the digest of
exactly those (the course's files and the packager for the keys; with the language's catalogues
and ``--preview`` for a glimpse), taken before they are read: a file saved during the build gives a
digest the next build will not find. A missing, stale or damaged file is worked out again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from packager.engine.digests import combine, engine_digest, files_digest, tree_digest
from packager.engine.state import diagnostic_from, plain_diagnostic
from packager.i18n.editions import Glimpse, MessageKeys
from packager.output import write_file
from packager.source.model import TranslationCredit


def sources_digest(project: Path, course: str) -> str:
    """What the course's messages are made from: its files (not its templates), the packager."""
    root = project / "courses" / course
    return combine(engine_digest(), tree_digest(root, skip=("templates",)))


class FileMemo:
    """:class:`packager.i18n.editions.Memo` kept in ``<out>/.packager``."""

    def __init__(self, out: Path, project: Path, course: str, preview: bool) -> None:
        self.folder = out / ".packager"
        self.project = project
        self.course = course
        self.preview = preview
        self.digest = sources_digest(project, course)  # before the course is read

    def keys(self, extract: Callable[[], MessageKeys]) -> MessageKeys:
        path = self.folder / "messages" / f"{self.course}.json"
        data = _read(path, self.digest)
        if data is not None and isinstance(data.get("keys"), list):
            keys = {_key(k) for k in data["keys"]}
            title = _key(data.get("title"))
            if None not in keys and (data.get("title") is None or title is not None):
                return MessageKeys(frozenset(k for k in keys if k is not None), title)
        found = extract()
        listed = sorted(found.keys, key=lambda k: (k[0] or "", k[1]))
        _write(path, {"digest": self.digest, "keys": listed, "title": found.title})
        return found

    def glimpse(
        self, lang: str, catalogues: Sequence[Path], look: Callable[[], Glimpse]
    ) -> Glimpse:
        digest = combine(self.digest, lang, self.preview, files_digest(self.project, catalogues))
        path = self.folder / "languages" / self.course / f"{lang}.json"
        data = _read(path, digest)
        if data is not None:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                credit = data["credit"]
                return Glimpse(
                    float(data["share"]),
                    None if data["title"] is None else str(data["title"]),
                    None
                    if credit is None
                    else TranslationCredit(
                        str(credit[0]),
                        tuple(map(str, credit[1])),
                        None if credit[2] is None else str(credit[2]),
                    ),
                    tuple(diagnostic_from(d) for d in data["problems"]),
                )
        found = look()
        credit = found.credit
        _write(
            path,
            {
                "digest": digest,
                "share": found.share,
                "title": found.title,
                "credit": None
                if credit is None
                else [credit.lang, list(credit.translators), credit.team],
                "problems": [plain_diagnostic(d) for d in found.problems],
            },
        )
        return found


def _key(value: Any) -> tuple[str | None, str] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], str))
        and isinstance(value[1], str)
    ):
        return (value[0], value[1])
    return None


def _read(path: Path, digest: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("digest") == digest else None


def _write(path: Path, data: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # a cache: the build goes on without it
        write_file(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
