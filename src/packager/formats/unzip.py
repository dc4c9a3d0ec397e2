"""Reading an untrusted zip (a Common Cartridge, a SCORM package) safely, in memory.

The central directory is inspected before any entry is read: entries escaping the archive
(``../``, absolute, drive letters, backslashes), symbolic links, encrypted entries, compression
methods other than Stored and Deflate, duplicates, and sizes that could exhaust memory (a zip bomb
is never expanded) are refused, and then nothing is read at all. XML is parsed with entities, DTDs
and the network off, and nothing is written to disk. Problems name the file inside the archive and
its line: ``x.zip/imsmanifest.xml:3:1``; their codes start with the checker's prefix (``cc-path``,
``scorm-xml``). The design mirrors :mod:`packager.formats.untar`.

A checker may read every file into memory (:meth:`ZipReader.unpack`, as the SCORM check does) or
only the entries it needs from the open archive (:meth:`ZipReader.members` and
:meth:`ZipReader.read`, as the cartridge check does with its descriptors).
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from packager.diagnostics import Problems
from packager.formats import unpacked
from packager.formats.archive import SAFE_PATH_CHARS
from packager.formats.unpacked import Unpacked


@dataclass(frozen=True)
class Limits(unpacked.Limits):
    """What a zip may hold before it is refused unread (a zip bomb is never expanded)."""

    ratio: int = 200  # uncompressed / compressed, for entries over 1 MiB


#: What reading an entry can raise on a damaged or hostile zip.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


class ZipReader(Unpacked):
    """A zip's entries checked (``members``), its files in memory (``files``), problems reported.

    ``kind`` names what the zip should be in messages (``cartridge``, ``SCORM package``);
    ``name_warning`` warns about entry names outside :data:`SAFE_PATH_CHARS`, which cartridge
    importers mangle (a SCORM package is played from the zip with its names as they are).
    """

    def __init__(
        self,
        shown: str,
        problems: Problems,
        prefix: str,
        kind: str,
        limits: Limits | None = None,
        *,
        name_warning: bool = False,
    ) -> None:
        self.kind = kind
        self.limits = limits or Limits()
        self.name_warning = name_warning
        super().__init__(shown, problems, prefix, self.limits.xml)

    def open(self, data: bytes) -> zipfile.ZipFile | None:
        """The archive, or None after reporting that it is not a zip."""
        try:
            return zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            self.error("", "zip", f"this is not a zip file, so not a {self.kind}")
            return None

    def unpack(self, data: bytes) -> bool:
        """Every file into memory, or False after reporting why not (nothing is read then)."""
        archive = self.open(data)
        if archive is None:
            return False
        with archive:
            members = self.members(archive)
            if members is None:
                return False
            ok = True
            for name, info in members.items():
                content = self.read(archive, info, self.limits.file)
                if content is None:
                    ok = False
                else:
                    self.files[name] = content
        return ok

    def members(self, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo] | None:
        """The zip's files by name, or None after reporting every entry that is refused."""
        infos = archive.infolist()
        if len(infos) > self.limits.entries:
            message = f"the zip has {len(infos)} entries, more than {self.limits.entries}"
            self.error("", "size", message)
            return None
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        ok = True
        for info in infos:
            name = info.filename
            if (
                name.startswith("/")
                or "\\" in name
                or re.match(r"^[A-Za-z]:", name)
                or ".." in PurePosixPath(name).parts
            ):
                self.error("", "path", f"the entry {name!r} points outside the {self.kind}")
                ok = False
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                self.error("", "path", f"the entry {name!r} is a symbolic link")
                ok = False
                continue
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                self.error("", "zip", f"the entry {name!r} is encrypted")
                ok = False
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                message = f"the entry {name!r} is compressed in a way LMSs do not read; use Deflate"
                self.error("", "zip", message)
                ok = False
                continue
            if name in members:
                self.error("", "zip", f"the entry {name!r} is in the zip twice")
                ok = False
            total += info.file_size
            if info.file_size > self.limits.file:
                self.error(
                    "",
                    "size",
                    f"the entry {name!r} would unpack to {info.file_size} bytes, more than {self.limits.file}",
                )
                ok = False
            elif info.file_size > 2**20 and info.file_size > self.limits.ratio * max(
                info.compress_size, 1
            ):
                self.error(
                    "",
                    "size",
                    f"the entry {name!r} is compressed {info.file_size // max(info.compress_size, 1)} times: refused as a zip bomb",
                )
                ok = False
            if self.name_warning and not set(name) <= SAFE_PATH_CHARS:
                self.problems.warning(
                    self.at(""),
                    f"{self.prefix}-path",
                    f"the entry {name!r} has characters some LMSs reject (use letters, digits, -_./)",
                )
            members[name] = info
        if total > self.limits.total:
            message = f"the zip would unpack to {total} bytes, more than {self.limits.total}"
            self.error("", "size", message)
            return None
        return members if ok else None

    def read(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None
    ) -> bytes | None:
        """An entry's bytes, never more than ``limit`` (default: the XML limit), since the sizes
        in a zip's headers can lie; None after reporting why not."""
        limit = self.limits.xml if limit is None else limit
        try:
            with archive.open(info) as handle:
                data = handle.read(limit + 1)
        except _READ_ERRORS as exc:
            self.error(info.filename, "zip", f"the entry cannot be read: {exc}")
            return None
        if len(data) > limit:
            self.error(info.filename, "size", f"the file is larger than {limit} bytes")
            return None
        return data
