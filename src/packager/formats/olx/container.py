"""The OLX export's container: a reproducible ``.tar.gz`` (written), and the safe reading and
structural check of any OLX export (ours before it is written, or one given to ``packager check``).

An export from elsewhere is untrusted: the gzip stream is never expanded past the size limit,
only regular files and folders are accepted (no links, devices, paths out of the archive), XML
is parsed with entities, DTDs and the network off, and nothing is written to disk. Problems name
the file inside the archive and its line: ``x.tar.gz/course/vertical/v1.xml:3:1``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import tarfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree
from lxml import html as lxml_html

from packager.diagnostics import Location, Problems

ROOT = "course"  # Studio's exports hold everything in one folder, named so
#: The levels of the course outline and the tags each may hold (an XBlock's own tags are free).
STRUCTURE = {"course": ("chapter",), "chapter": ("sequential",), "sequential": ("vertical",)}


def tar_gz(files: Mapping[str, bytes], when: dt.datetime) -> bytes:
    """A reproducible ``.tar.gz`` of ``files`` under ``course/``: sorted entries with their
    folders, one fixed time, owner 0, fixed modes; gzip with no name and time 0."""
    stamp = int(when.replace(tzinfo=dt.UTC).timestamp())
    folders = sorted({p.as_posix() for name in files for p in PurePosixPath(name).parents} - {"."})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as archive:
        entries: list[tuple[str, bytes | None]] = [
            (f"{ROOT}/{d}" if d else ROOT, None) for d in ["", *folders]
        ]
        entries += [(f"{ROOT}/{name}", files[name]) for name in files]
        for name, data in sorted(entries, key=lambda e: e[0]):
            info = tarfile.TarInfo(name)
            info.mtime = stamp
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                archive.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as zipped:
        zipped.write(raw.getvalue())
    return out.getvalue()


@dataclass(frozen=True)
class Limits:
    """What an export may hold before it is refused unread (a gzip bomb is never expanded)."""

    entries: int = 20_000
    total: int = 1024 * 2**20
    file: int = 200 * 2**20
    xml: int = 32 * 2**20


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class OlxChecker:
    """Reads an export safely and checks the structure Studio's import relies on."""

    def __init__(self, shown: str, problems: Problems, limits: Limits | None = None) -> None:
        self.shown = shown
        self.problems = problems
        self.limits = limits or Limits()
        self.files: dict[str, bytes] = {}
        self.root = ""
        self.url_names: dict[str, str] = {}  # url_name -> the file that defines it
        self.links: list[tuple[str, str, int]] = []  # (file, link, line)

    def error(self, name: str, code: str, message: str, line: int | None = 1, col: int = 1) -> None:
        path = f"{self.shown}/{name}" if name else self.shown
        self.problems.error(Location(path, line or 1, col), code, message)

    # -- the archive ----------------------------------------------------------------------

    def check(self, data: bytes) -> None:
        if not self._unpack(data):
            return
        roots = sorted(n.removesuffix("course.xml") for n in self.files if _is_course_xml(n))
        if not roots:
            self.error("", "olx-course", "no course.xml at the top of the archive or in its folder")
            return
        self.root = roots[0]
        self._course()

    def _unpack(self, data: bytes) -> bool:
        """Every regular file into memory, or False after reporting why not."""
        try:
            stream = gzip.GzipFile(fileobj=io.BytesIO(data))
            raw = stream.read(self.limits.total + 1)
        except (OSError, EOFError, zlib.error) as exc:
            self.error("", "olx-archive", f"this is not a gzip-compressed tar file: {exc}")
            return False
        if len(raw) > self.limits.total:
            self.error(
                "", "olx-size", f"the archive unpacks to more than {self.limits.total} bytes"
            )
            return False
        try:
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as archive:
                return self._members(archive)
        except (tarfile.TarError, EOFError, ValueError) as exc:
            self.error("", "olx-archive", f"this is not a tar file: {exc}")
            return False

    def _members(self, archive: tarfile.TarFile) -> bool:
        members = archive.getmembers()
        if len(members) > self.limits.entries:
            self.error("", "olx-size", f"the archive has more than {self.limits.entries} entries")
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
                self.error("", "olx-path", f"the entry {member.name!r} points outside the archive")
                ok = False
            elif member.isdir():
                continue
            elif not member.isfile():
                kind = "a link" if member.issym() or member.islnk() else "not a regular file"
                self.error("", "olx-path", f"the entry {member.name!r} is {kind}")
                ok = False
            elif member.size > self.limits.file:
                self.error(
                    "",
                    "olx-size",
                    f"the entry {member.name!r} is larger than {self.limits.file} bytes",
                )
                ok = False
            elif name in self.files:
                self.error("", "olx-archive", f"the entry {member.name!r} is in the archive twice")
                ok = False
            else:
                handle = archive.extractfile(member)
                self.files[name] = handle.read() if handle is not None else b""
        return ok

    def _xml(self, name: str) -> etree._Element | None:
        data = self.files.get(self.root + name)
        if data is None:
            return None
        if len(data) > self.limits.xml:
            self.error(
                self.root + name, "olx-size", f"the file is larger than {self.limits.xml} bytes"
            )
            return None
        try:
            tree = etree.parse(io.BytesIO(data), _parser())
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (1, 1)
            self.error(
                self.root + name, "olx-xml", f"not well-formed XML: {exc.msg}", line, col + 1
            )
            return None
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # type: ignore[union-attr]
            self.error(self.root + name, "olx-dtd", "a DOCTYPE is not allowed")
            return None
        return tree.getroot()

    # -- the course -----------------------------------------------------------------------

    def _course(self) -> None:
        top = self._xml("course.xml")
        if top is None:
            return
        missing = [a for a in ("url_name", "org", "course") if not top.get(a)]
        if top.tag != "course" or missing:
            self.error(
                self.root + "course.xml",
                "olx-course",
                "course.xml must be <course url_name=... org=... course=...>",
                _line(top),
            )
            return
        run = top.get("url_name", "")
        self._block(top, "course.xml", run_name=run)
        for policy in ("policy.json", "grading_policy.json"):
            name = f"{self.root}policies/{run}/{policy}"
            if name not in self.files:
                where = self.root + "course.xml"  # which names the run
                self.error(where, "olx-policy", f"no policies/{run}/{policy}", _line(top))
                continue
            try:
                json.loads(self.files[name])
            except ValueError as exc:
                self.error(name, "olx-policy", f"not valid JSON: {exc}")
        for where, link, line in self.links:
            if link.startswith("/jump_to_id/"):
                target = link.removeprefix("/jump_to_id/")
                if target not in self.url_names:
                    self.error(
                        where, "olx-link", f"the link {link} names no block of the course", line
                    )
            elif (
                self.root + "static/" + link.removeprefix("/static/").split("?")[0]
                not in self.files
            ):
                self.error(where, "olx-link", f"the link {link} names no file in static/", line)

    def _block(self, element: etree._Element, where: str, run_name: str | None = None) -> None:
        """One block: followed to its own file when it is a pointer, then its children."""
        tag = str(element.tag)
        url_name = element.get("url_name")
        if url_name is not None:
            if not re.fullmatch(r"[\w.~-]+", url_name):
                self.error(
                    self.root + where,
                    "olx-url-name",
                    f"the url_name {url_name!r} has characters Studio refuses",
                    _line(element),
                )
            elif tag != "course" and url_name in self.url_names:
                self.error(
                    self.root + where,
                    "olx-url-name",
                    f"the url_name {url_name!r} is used twice (also in {self.url_names[url_name]})",
                    _line(element),
                )
            else:
                self.url_names[url_name] = where
        if url_name and set(element.attrib) <= {"url_name", "org", "course"} and len(element) == 0:
            name = f"{tag}/{run_name or url_name}.xml"
            target = self._xml(name)
            if target is None:
                if self.root + name not in self.files:
                    self.error(
                        self.root + where,
                        "olx-pointer",
                        f"<{tag} url_name={url_name!r}> points at {name}, which is not in the archive",
                        _line(element),
                    )
                return
            if target.tag != tag:
                self.error(
                    self.root + name,
                    "olx-pointer",
                    f"the file must hold a <{tag}>, not <{target.tag}>",
                    _line(target),
                )
                return
            element, where = target, name
        if tag == "html" and element.get("filename"):
            name = f"html/{element.get('filename')}.html"
            if self.root + name not in self.files:
                self.error(
                    self.root + where,
                    "olx-pointer",
                    f"the HTML component points at {name}, which is not in the archive",
                    _line(element),
                )
            else:
                self._html_links(name)
            return
        allowed = STRUCTURE.get(tag)
        if allowed is None and tag != "vertical":  # a component
            self._element_links(element, where)
            return
        for child in element:
            if not isinstance(child.tag, str):
                continue  # a comment
            if allowed is not None and child.tag not in allowed:
                self.error(
                    self.root + where,
                    "olx-structure",
                    f"<{tag}> may hold {' and '.join(f'<{a}>' for a in allowed)}, not <{child.tag}>",
                    _line(child),
                )
                continue
            self._block(child, where)

    def _element_links(self, element: etree._Element, where: str) -> None:
        for node in element.iter():
            for attr in ("href", "src"):
                link = node.get(attr)
                if link and link.startswith(("/jump_to_id/", "/static/")):
                    self.links.append((self.root + where, link, _line(node)))

    def _html_links(self, name: str) -> None:
        data = self.files[self.root + name]
        try:
            root = lxml_html.fragment_fromstring(data.decode("utf-8"), create_parent="div")
        except (etree.ParserError, UnicodeDecodeError, ValueError) as exc:
            self.error(self.root + name, "olx-html", f"the HTML cannot be read: {exc}")
            return
        self._element_links(root, name)


def _is_course_xml(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return parts[-1:] == ("course.xml",) and len(parts) <= 2


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 1


def check_olx(data: bytes, shown: str, problems: Problems) -> None:
    """Check an OLX export: safe reading, the outline's structure, pointers, links, policies."""
    OlxChecker(shown, problems).check(data)
