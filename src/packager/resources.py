"""Where files are: the packager's own templates, a project's courses, the installed versions of
the packager and its libraries. Kept free of heavy imports: the build engine's planner needs them
before deciding whether anything needs loading."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "_templates"
SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def builtin_templates() -> Path:
    """The packager's own templates: the repository's ``templates/`` or the installed copy."""
    return SOURCE_TEMPLATES if SOURCE_TEMPLATES.is_dir() else BUILTIN_TEMPLATES


def find_courses(project: Path) -> list[str]:
    """Ids of the courses in ``project/courses`` (folders holding a ``course.yaml``), sorted."""
    folder = project / "courses"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "course.yaml").is_file())


_SEPARATORS = re.compile(r"[-_.]+")


def _normal(name: str) -> str:
    return _SEPARATORS.sub("_", name).lower()


def versions(names: Iterable[str]) -> dict[str, str | None]:
    """Each distribution's version, the first found along ``sys.path`` (as ``importlib.metadata``
    finds it); ``None`` for one that is not installed.

    Every build needs the packager's version and those of the libraries that shape its outputs
    (for the digests), in the main process, before it knows whether anything is to be done.
    ``importlib.metadata`` costs about 30 ms of CPU to import and search, a fifth of a build that
    finds nothing to do; a wheel's installed folder is named ``<name>-<version>.dist-info`` (the
    name normalised), which one listing of each ``sys.path`` folder finds. Anything not found that
    way (an egg, a zipped path entry) is asked of ``importlib.metadata`` as before.
    """
    wanted = {_normal(name): name for name in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        if len(found) == len(wanted):
            break
        try:
            with os.scandir(entry or ".") as folder:
                listing = [item.name for item in folder]
        except OSError:  # a zip file, or a folder that is gone
            continue
        for item in listing:
            if not item.endswith(".dist-info"):
                continue
            name, _, version = item.removesuffix(".dist-info").partition("-")
            asked = wanted.get(_normal(name))
            if asked is not None and asked not in found and version:
                found[asked] = version
    for name in wanted.values():
        if name not in found:
            found[name] = _slow(name)
    return found


def _slow(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None
