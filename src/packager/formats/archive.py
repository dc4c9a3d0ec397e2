"""Reproducible zip archives, shared by the formats that ship one (cartridge, EPUB, SCORM):
names every platform accepts, one fixed time, sorted entries, fixed permissions."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from packager.source.model import Course
from packager.sourcedate import source_date

#: A file path inside a cartridge that every LMS accepts.
SAFE_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")


def safe_name(path: str) -> str:
    """A path every LMS accepts: ASCII letters, digits, ``-_.``; a short hash keeps it unique."""
    parts = PurePosixPath(path).parts
    cleaned = "/".join(
        re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-.") or "file" for part in parts
    )
    if cleaned == path:
        return path
    stem, dot, suffix = cleaned.rpartition(".")
    digest = hashlib.sha256(path.encode()).hexdigest()[:8]
    return f"{stem}-{digest}.{suffix}" if dot else f"{cleaned}-{digest}"


def zip_bytes(
    files: Mapping[str, bytes],
    when: tuple[int, int, int, int, int, int],
    *,
    safe_names: bool = True,
) -> bytes:
    """A reproducible zip: manifest first, then sorted paths; fixed times and permissions.

    ``safe_names``: refuse a path outside :data:`SAFE_PATH_CHARS` (a cartridge's, which LMS
    importers mangle); a SCORM package ships the site's own file names, played from the zip
    as they are, so it checks only that none leaves the archive.
    """
    buffer = io.BytesIO()
    names = sorted(files, key=lambda name: (name != "imsmanifest.xml", name))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            if name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"a path out of the archive: {name!r}")
            if safe_names and not set(name) <= SAFE_PATH_CHARS:
                raise ValueError(f"unsafe path in a cartridge: {name!r}")
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def zip_time(course: Course) -> tuple[int, int, int, int, int, int]:
    """The timestamp of every entry: the course's ``updated`` date, else ``SOURCE_DATE_EPOCH``
    (the reproducible-builds convention), else 1980-01-01; never the time of the build."""
    day: dt.date | None = course.updated
    if day is None:
        moment = source_date()
        day = moment.date() if moment is not None else None
    return (
        (day.year, day.month, day.day, 0, 0, 0)
        if day and day.year >= 1980
        else (1980, 1, 1, 0, 0, 0)
    )
