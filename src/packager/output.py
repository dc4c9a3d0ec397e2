"""Writing outputs atomically: a reader (or a later build) sees the old output or the new one.

A site is written into a temporary folder beside its final place, then swapped in with two
renames; a file is written to a temporary file in the same folder and renamed over the old one.
Nothing is ever written outside the output folder the caller names.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


def _check_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing to write outside the output folder: {name!r}")
    return path


def write_tree(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace the folder ``target`` with exactly ``files`` (relative POSIX paths to bytes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for name in sorted(files):
            path = staging.joinpath(*_check_relative(name).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        old: Path | None = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            target.replace(old / "tree")
        staging.replace(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_file(target: Path, data: bytes) -> None:
    """Replace the file ``target`` with ``data`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
