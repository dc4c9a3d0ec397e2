"""The files a backup stores (``files.xml`` and ``files/<sha1[:2]>/<sha1>``) and the archive
itself: a gzip tar with the backup at its root, reproducible byte for byte."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import mimetypes
import tarfile
from collections.abc import Mapping

from packager.formats.archive import zip_time
from packager.formats.moodle.xml import document, node
from packager.source.model import Course


class StoredFiles:
    """Every stored file: its bytes by SHA-1 (Moodle's content hash) and one ``files.xml`` record
    per (context, component, area, name)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.records: list[tuple[str, int, str, str, int, str, int]] = []

    @property
    def count(self) -> int:
        return len(self.records)

    def add(
        self, data: bytes, name: str, contextid: int, component: str, area: str, itemid: int = 0
    ) -> None:
        digest = hashlib.sha1(data).hexdigest()  # Moodle names stored files by SHA-1
        self.blobs[digest] = data
        record = (digest, contextid, component, area, itemid, name, len(data))
        if record not in self.records:
            self.records.append(record)

    def inforef(self, start: int, category: int | None = None) -> bytes:
        """``inforef.xml`` of a part: the files added since ``start`` (and its question category)."""
        fields: list[tuple[str, object]] = []
        ids = range(start + 1, self.count + 1)
        if ids:
            fields.append(("fileref", [node("file", [("id", i)]) for i in ids]))
        if category is not None:
            fields.append(
                (
                    "question_categoryref",
                    [node("question_category", [("id", c)]) for c in (1, category)],
                )
            )
        return document(node("inforef", fields))

    def files_xml(self) -> bytes:
        records = []
        for number, (digest, contextid, component, area, itemid, name, size) in enumerate(
            self.records, start=1
        ):
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            records.append(
                node(
                    "file",
                    [
                        ("contenthash", digest),
                        ("contextid", contextid),
                        ("component", component),
                        ("filearea", area),
                        ("itemid", itemid),
                        ("filepath", "/"),
                        ("filename", name),
                        ("userid", None),
                        ("filesize", size),
                        ("mimetype", mimetype),
                        ("status", 0),
                        ("timecreated", 0),
                        ("timemodified", 0),
                        ("source", name),
                        ("author", None),
                        ("license", None),
                        ("sortorder", 0),
                        ("repositorytype", None),
                        ("repositoryid", None),
                        ("reference", None),
                    ],
                    id=number,
                )
            )
        root = node("files")
        root.extend(records)
        return document(root)

    def contents(self) -> dict[str, bytes]:
        return {f"files/{d[:2]}/{d}": data for d, data in self.blobs.items()}


def tar_gz(files: Mapping[str, bytes], course: Course) -> bytes:
    """A reproducible ``.mbz``: sorted entries, one fixed time (the course's date), root owner,
    fixed permissions, no name or time in the gzip header."""
    year, month, day, *_ = zip_time(course)
    when = int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files, key=lambda n: (n != "moodle_backup.xml", n)):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = when
            info.mode = 0o644
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()
