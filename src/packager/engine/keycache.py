"""A course's message keys kept between builds, in ``<out>/.packager/messages/<course>.json``.

Whether a translation is published depends on its share of the course's messages, so every build
that finds a catalogue needs the course's message keys, even one that renders no translation
(``--lang en``). Extracting them means writing every paragraph back as Markdown and checking it,
about as long as parsing the course; the keys change only when the course's own files or the
packager do. So they are kept under the digest of exactly those, taken before the course is read
(a file saved during the build gives a digest the next build will not find). A missing, stale
or damaged file is simply extracted again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packager.engine.digests import combine, engine_digest, tree_digest
from packager.i18n.editions import MessageKeys, Remember
from packager.output import write_file


def sources_digest(project: Path, course: str) -> str:
    """What the course's messages are made from: its files (not its templates), the packager."""
    root = project / "courses" / course
    return combine(engine_digest(), tree_digest(root, skip=("templates",)))


def remembering(out: Path, course: str, digest: str) -> Remember:
    path = out / ".packager" / "messages" / f"{course}.json"

    def remember(extract: Callable[[], MessageKeys]) -> MessageKeys:
        kept = _read(path, digest)
        if kept is not None:
            return kept
        found = extract()
        data = {
            "digest": digest,
            "keys": sorted(found.keys, key=lambda k: (k[0] or "", k[1])),
            "title": found.title,
        }
        with contextlib.suppress(OSError):  # a cache: the build goes on without it
            write_file(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
        return found

    return remember


def _key(value: Any) -> tuple[str | None, str] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], str))
        and isinstance(value[1], str)
    ):
        return (value[0], value[1])
    return None


def _read(path: Path, digest: str) -> MessageKeys | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("digest") != digest:
        return None
    raw = data.get("keys")
    keys = [_key(k) for k in raw] if isinstance(raw, list) else [None]
    title = _key(data.get("title"))
    if None in keys or (data.get("title") is not None and title is None):
        return None
    return MessageKeys(frozenset(k for k in keys if k is not None), title)
