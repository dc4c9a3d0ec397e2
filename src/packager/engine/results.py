"""What a build knows of each output: its result, its stamp on disk, the facts the catalogue page shows.

Plain data shared by the jobs (which make results), the state (which records them) and the
engine (which gathers them); kept apart so that none of those imports another in a circle."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packager.diagnostics import (
    Diagnostic,
)

if TYPE_CHECKING:
    pass


Stamp = tuple[int, ...]


@dataclass(frozen=True)
class Known:
    """What the previous build recorded about one output."""

    digest: str
    stamp: Stamp


@dataclass(frozen=True)
class Result:
    """One output's fate: ``built``, ``unchanged``, ``failed`` or ``unpublished``."""

    course: str
    lang: str
    format: str
    status: str
    path: str = ""  # relative to the output folder
    digest: str = ""
    stamp: Stamp = ()
    size: int = 0
    seconds: float = 0.0
    errors: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class LanguageFacts:
    """What the catalogue page shows about one published language of a course."""

    lang: str
    name: str  # in the language itself
    direction: str
    title: str
    translated: float
    interface: float = 1.0  # the share of the interface (ui.po) translated


def stamp(path: Path) -> Stamp:
    """Identifies what is at ``path`` now: every write makes a new inode, with a new time. For a
    site, also how many files it holds and their total size, so that a file deleted or added
    inside it by hand is noticed too."""
    try:
        st = path.stat()
    except OSError:
        return ()
    if not path.is_dir():
        return (st.st_ino, st.st_mtime_ns, st.st_size)
    count = total = 0
    folders = [str(path)]
    while folders:  # os.scandir: no Path per file, and the type from the folder's listing
        with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    folders.append(entry.path)
                    continue
                count += 1
                with contextlib.suppress(OSError):
                    total += entry.stat().st_size
    return (st.st_ino, st.st_mtime_ns, count, total)


def output_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def language_of(diagnostic: Diagnostic) -> str | None:
    """The language a problem belongs to, by the catalogue it is in (``locales/fr/...``)."""
    parts = diagnostic.location.path.split("/")
    if len(parts) > 2 and parts[0] == "locales":
        return parts[1].replace("_", "-")
    return None
