"""Setting up a worker process: Ctrl-C is the engine's alone, a worker dies with the build that
started it, and the garbage collector runs rarely (a course's tokens are many small objects)."""

from __future__ import annotations

import gc
import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def start_worker() -> None:
    """Set up a worker process: the engine alone answers Ctrl-C, and collections are rare."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the engine's handler is not for workers
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # held at fork
    _die_with_parent()
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build that started it dies (SIGKILL, a crash):
    an orphan would go on writing outputs beside the next build."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the engine still stops its workers on Ctrl-C and SIGTERM
    if os.getppid() == 1:  # the build died before the request took hold
        os._exit(1)
