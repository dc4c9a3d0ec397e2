"""Digests of what an output depends on, for incremental builds.

Only the standard library is imported here: the main process of a build that finds nothing to
do must start and finish in a fraction of a second, without loading the parser, Jinja2, lxml or
WeasyPrint. A digest covers file contents and relative names, never times or absolute paths, so
a moved or freshly cloned project has the same digests.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import packager

# Folders that never hold inputs (caches, version control).
_SKIP = {"__pycache__", ".git", ".hg", ".svn", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for parent, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        files.extend(Path(parent, name) for name in sorted(names))
    return files


def tree_digest(root: Path, *, skip: tuple[str, ...] = ()) -> str:
    """The names (relative to ``root``) and contents of every file below ``root``.

    ``skip``: top-level folders left out (the outputs that use them digest them by file).
    """
    digest = hashlib.sha256()
    if root.is_dir():
        for path in _walk(root):
            if path.relative_to(root).parts[0] in skip:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file_digest(path).encode())
    return digest.hexdigest()


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """The names (relative to ``root``) and contents of ``paths``; a missing file counts as such."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file_digest(path).encode() if path.is_file() else b"-")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The content of one file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"  # the loader reports it, with its place


def combine(*parts: object) -> str:
    """One digest of several values (strings, numbers, tuples of them)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@functools.cache
def engine_digest() -> str:
    """The packager itself: its version and every file of the installed package.

    The version alone would miss a changed module in a development checkout; the package's own
    files (code, built-in templates, schemas) are what actually shapes the outputs.
    """
    return combine(
        packager.__version__, tree_digest(Path(packager.__file__).parent), _dependency_versions()
    )


# The libraries whose output ends up in the files: an upgrade rebuilds everything.
_SHAPING = ("Jinja2", "markdown-it-py", "mdit-py-plugins", "Babel", "lxml", "PyYAML", "weasyprint")


def _dependency_versions() -> tuple[str, ...]:
    from packager.resources import versions

    found = versions(_SHAPING)
    return tuple(
        f"{name}=={found[name]}" if found[name] is not None else f"{name} missing"
        for name in _SHAPING
    )
