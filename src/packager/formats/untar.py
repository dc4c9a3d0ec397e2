"""Reading an untrusted ``.tar.gz`` (an Open edX export, a Moodle backup) safely into memory.

The gzip stream is never expanded past the size limit, only regular files and folders are
accepted (no links, devices, paths out of the archive), XML is parsed with entities, DTDs and
the network off, and nothing is written to disk. Problems name the file inside the archive and
its line: ``x.tar.gz/course/vertical/v1.xml:3:1``; their codes start with the checker's prefix
(``olx-path``, ``mbz-xml``).
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import zlib
from pathlib import PurePosixPath

from packager.diagnostics import Problems
from packager.formats.unpacked import Limits, Unpacked

__all__ = ["Limits", "TarReader"]


class TarReader(Unpacked):
    """An archive's regular files in memory (``files``), and its problems reported."""

    def __init__(
        self, shown: str, problems: Problems, prefix: str, limits: Limits | None = None
    ) -> None:
        self.limits = limits or Limits()
        super().__init__(shown, problems, prefix, self.limits.xml)

    def unpack(self, data: bytes) -> bool:
        """Every regular file into memory, or False after reporting why not."""
        try:
            stream = gzip.GzipFile(fileobj=io.BytesIO(data))
            raw = stream.read(self.limits.total + 1)
        except (OSError, EOFError, zlib.error) as exc:
            self.error("", "archive", f"this is not a gzip-compressed tar file: {exc}")
            return False
        if len(raw) > self.limits.total:
            self.error("", "size", f"the archive unpacks to more than {self.limits.total} bytes")
            return False
        try:
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as archive:
                return self._members(archive)
        except (tarfile.TarError, EOFError, ValueError) as exc:
            self.error("", "archive", f"this is not a tar file: {exc}")
            return False

    def _members(self, archive: tarfile.TarFile) -> bool:
        members = archive.getmembers()
        if len(members) > self.limits.entries:
            self.error("", "size", f"the archive has more than {self.limits.entries} entries")
            return False
        ok = True
        for member in members:
            name = member.name.removeprefix("./")
            parts = PurePosixPath(name).parts
            if (
                name.startswith("/")
                or "\\" in name
                or re.match(r"^[A-Za-z]:", name)
                or ".." in parts
            ):
                self.error("", "path", f"the entry {member.name!r} points outside the archive")
                ok = False
            elif member.isdir():
                continue
            elif not member.isfile():
                kind = "a link" if member.issym() or member.islnk() else "not a regular file"
                self.error("", "path", f"the entry {member.name!r} is {kind}")
                ok = False
            elif member.size > self.limits.file:
                message = f"the entry {member.name!r} is larger than {self.limits.file} bytes"
                self.error("", "size", message)
                ok = False
            elif name in self.files:
                self.error("", "archive", f"the entry {member.name!r} is in the archive twice")
                ok = False
            else:
                handle = archive.extractfile(member)
                self.files[name] = handle.read() if handle is not None else b""
        return ok
