"""Writing outputs atomically: a reader (or a later build) sees the old output or the new one.

A file is written to a temporary file in its own folder and renamed over the old one. A site is
written into a temporary folder beside its final place and then swapped in: on Linux with one
``renameat2(RENAME_EXCHANGE)``, so there is no moment when neither the old nor the new site is in
place; elsewhere with two renames, and :func:`recover` puts the old site back if a build died in
between. Whatever a build leaves when it is killed (``.name.new-*``, ``.name.old-*``,
``.name.*.tmp``) is cleaned up by :func:`recover` before the next build writes anything.
Nothing is ever written outside the output folder the caller names.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _check_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing to write outside the output folder: {name!r}")
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without the exchange flag: fall back to two renames
    raise OSError(code, os.strerror(code), str(a))


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
        if target.exists() and _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
            return
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


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back (they arrive when this ends) in the calling thread.

    Used around each file written here, and by the engine while it forks workers (an interrupt
    inside ``fork`` leaves the interpreter's fork handlers half run).

    Without it, a Ctrl-C landing between ``mkstemp`` and the ``try`` that removes the temporary
    file, or inside that cleanup, left ``.name.*.tmp`` behind (seen in the fault-injection test).
    A file is written in milliseconds, so holding the signal back is not felt.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_file(target: Path, data: bytes) -> None:
    """Replace the file ``target`` with ``data`` atomically, whole even if interrupted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with interrupts_held():
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


def recover(folder: Path) -> int:
    """Undo what an interrupted build left under ``folder``; return how many leftovers it found.

    Only names this module makes are touched: a site moved aside (``.x.old-*/tree``) goes back
    where it was if nothing replaced it; unfinished sites and temporary files are removed.
    Call it only while holding the output folder's lock, so no running build is disturbed.
    """
    if not folder.is_dir():
        return 0
    found = 0
    for parent, dirs, names in os.walk(folder):
        here = Path(parent)
        for name in [d for d in dirs if d.startswith(".") and ".old-" in d]:
            found += 1
            final = here / name[1:].split(".old-", 1)[0]
            if (here / name / "tree").is_dir() and not final.exists():
                (here / name / "tree").replace(final)
            shutil.rmtree(here / name, ignore_errors=True)
        for name in [d for d in dirs if d.startswith(".") and ".new-" in d]:
            found += 1
            shutil.rmtree(here / name, ignore_errors=True)
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                found += 1
                with contextlib.suppress(OSError):
                    (here / name).unlink()
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "html"]
    return found
