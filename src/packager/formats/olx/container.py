"""The OLX export's container: a reproducible ``.tar.gz`` (written), and the safe reading and
structural check of any OLX export (ours before it is written, or one given to ``packager check``).

An export from elsewhere is untrusted: it is read by :class:`packager.formats.untar.TarReader`
(size limits, no links or paths out of the archive, XML without entities, DTDs or network,
nothing written to disk). Problems name the file inside the archive and its line:
``x.tar.gz/course/vertical/v1.xml:3:1``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import tarfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from lxml import etree
from lxml import html as lxml_html

from packager.diagnostics import Problems
from packager.formats.unpacked import line_of
from packager.formats.untar import Limits, TarReader

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


class OlxChecker(TarReader):
    """Reads an export safely and checks the structure Studio's import relies on."""

    def __init__(self, shown: str, problems: Problems, limits: Limits | None = None) -> None:
        super().__init__(shown, problems, "olx", limits)
        self.root = ""
        self.url_names: dict[str, str] = {}  # url_name -> the file that defines it
        self.links: list[tuple[str, str, int]] = []  # (file, link, line)

    def check(self, data: bytes) -> None:
        if not self.unpack(data):
            return
        roots = sorted(n.removesuffix("course.xml") for n in self.files if _is_course_xml(n))
        if not roots:
            self.error("", "course", "no course.xml at the top of the archive or in its folder")
            return
        self.root = roots[0]
        self._course()

    def _xml(self, name: str) -> etree._Element | None:
        return self.xml(self.root + name)

    # -- the course -----------------------------------------------------------------------

    def _course(self) -> None:
        top = self._xml("course.xml")
        if top is None:
            return
        missing = [a for a in ("url_name", "org", "course") if not top.get(a)]
        if top.tag != "course" or missing:
            self.error(
                self.root + "course.xml",
                "course",
                "course.xml must be <course url_name=... org=... course=...>",
                line_of(top),
            )
            return
        run = top.get("url_name", "")
        self._block(top, "course.xml", run_name=run)
        for policy in ("policy.json", "grading_policy.json"):
            name = f"{self.root}policies/{run}/{policy}"
            if name not in self.files:
                where = self.root + "course.xml"  # which names the run
                self.error(where, "policy", f"no policies/{run}/{policy}", line_of(top))
                continue
            try:
                json.loads(self.files[name])
            except ValueError as exc:
                self.error(name, "policy", f"not valid JSON: {exc}")
        for where, link, line in self.links:
            if link.startswith("/jump_to_id/"):
                target = link.removeprefix("/jump_to_id/")
                if target not in self.url_names:
                    self.error(where, "link", f"the link {link} names no block of the course", line)
            elif (
                self.root + "static/" + link.removeprefix("/static/").split("?")[0]
                not in self.files
            ):
                self.error(where, "link", f"the link {link} names no file in static/", line)

    def _block(self, element: etree._Element, where: str, run_name: str | None = None) -> None:
        """One block: followed to its own file when it is a pointer, then its children."""
        tag = str(element.tag)
        url_name = element.get("url_name")
        if url_name is not None:
            if not re.fullmatch(r"[\w.~-]+", url_name):
                self.error(
                    self.root + where,
                    "url-name",
                    f"the url_name {url_name!r} has characters Studio refuses",
                    line_of(element),
                )
            elif tag != "course" and url_name in self.url_names:
                self.error(
                    self.root + where,
                    "url-name",
                    f"the url_name {url_name!r} is used twice (also in {self.url_names[url_name]})",
                    line_of(element),
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
                        "pointer",
                        f"<{tag} url_name={url_name!r}> points at {name}, which is not in the archive",
                        line_of(element),
                    )
                return
            if target.tag != tag:
                self.error(
                    self.root + name,
                    "pointer",
                    f"the file must hold a <{tag}>, not <{target.tag}>",
                    line_of(target),
                )
                return
            element, where = target, name
        if tag == "html" and element.get("filename"):
            name = f"html/{element.get('filename')}.html"
            if self.root + name not in self.files:
                self.error(
                    self.root + where,
                    "pointer",
                    f"the HTML component points at {name}, which is not in the archive",
                    line_of(element),
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
                    "structure",
                    f"<{tag}> may hold {' and '.join(f'<{a}>' for a in allowed)}, not <{child.tag}>",
                    line_of(child),
                )
                continue
            self._block(child, where)

    def _element_links(self, element: etree._Element, where: str) -> None:
        for node in element.iter():
            for attr in ("href", "src"):
                link = node.get(attr)
                if link and link.startswith(("/jump_to_id/", "/static/")):
                    self.links.append((self.root + where, link, line_of(node)))

    def _html_links(self, name: str) -> None:
        data = self.files[self.root + name]
        try:
            root = lxml_html.fragment_fromstring(data.decode("utf-8"), create_parent="div")
        except (etree.ParserError, UnicodeDecodeError, ValueError) as exc:
            self.error(self.root + name, "html", f"the HTML cannot be read: {exc}")
            return
        self._element_links(root, name)


def _is_course_xml(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return parts[-1:] == ("course.xml",) and len(parts) <= 2


def check_olx(data: bytes, shown: str, problems: Problems) -> None:
    """Check an OLX export: safe reading, the outline's structure, pointers, links, policies."""
    OlxChecker(shown, problems).check(data)
