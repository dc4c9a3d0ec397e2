"""What a build is asked to make (:class:`BuildOptions`) and what it wrote (:class:`Output`).

Kept free of heavy imports: the planner reads the options before deciding whether anything
needs loading at all.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    """What to build. Empty ``courses``/``langs`` mean all; ``out`` is the output folder."""

    project: Path
    out: Path
    courses: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # format names (see formats.registry); empty: every one
    langs: tuple[str, ...] = ()
    strict: bool = False
    preview: bool = False
    cc_version: str | None = None  # None: the course's own setting, else Common Cartridge 1.1
    embed_fonts: bool = False  # the EPUB carries subsets of the Noto faces of its script
    force: bool = False  # rebuild outputs whose inputs did not change
    jobs: int = 0  # worker processes; 0: build in this process
    shard: tuple[int, int] = (1, 1)  # build the K-th of N stable shares of the outputs


@dataclass(frozen=True)
class Output:
    """One written output: a course in a language in a format, at ``path``."""

    course: str
    lang: str
    format: str
    path: Path


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while loading courses.

    A loaded course keeps every page's tokens alive: hundreds of thousands of small objects that
    the default thresholds make the collector rescan over and over (a third of the load time of
    the 200-page benchmark). Those objects hold no cycles worth collecting early.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)
