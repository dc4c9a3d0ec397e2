"""The structural check of a Moodle backup (``.mbz``): ours before it is written, or any given
to ``packager check``.

Moodle's restore trusts the backup: a file listed in ``files.xml`` but not in the activity's
``inforef.xml`` is silently not restored, a link to a course module that is not in the backup
stays a dead ``$@PAGEVIEWBYID*N@$``, a section's ``sequence`` naming a module that is not there
loses it, and a quiz whose ``sumgrades`` differs from its slots' marks grades every attempt
wrongly. None of this is an error in the restore's log, so it is checked here, with the file
inside the archive and the line: ``x.mbz/activities/page_2/page.xml:12:1``. The archive is read
by :class:`packager.formats.untar.TarReader` (size limits, no links, no DTDs, nothing on disk).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from lxml import etree

from packager.diagnostics import Problems
from packager.formats.unpacked import line_of
from packager.formats.untar import Limits, TarReader

#: Moodle's encoded links to a course module: ``$@PAGEVIEWBYID*12@$`` (see each module's
#: ``backup_<mod>_activity_task::encode_content_links``).
_MODULE_LINK = re.compile(r"\$@(?!COURSE)([A-Z]+)VIEWBYID\*(\d+)@\$")
_FILE_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")
#: Files each activity's folder must hold for Moodle's restore to read it.
_ACTIVITY_FILES = ("module.xml", "inforef.xml")


@dataclass(frozen=True)
class _Activity:
    cmid: str
    section: str
    modname: str
    folder: str
    line: int


@dataclass(frozen=True)
class _StoredFile:
    id: str
    contenthash: str
    contextid: str
    component: str
    itemid: str
    filename: str
    line: int


def _text(element: etree._Element, path: str) -> str:
    found = element.findtext(path)
    return (found or "").strip()


class MbzChecker(TarReader):
    """Reads a backup safely and checks what Moodle's restore relies on without saying so."""

    def __init__(self, shown: str, problems: Problems, limits: Limits | None = None) -> None:
        super().__init__(shown, problems, "mbz", limits)
        self.activities: dict[str, _Activity] = {}
        self.stored: dict[str, _StoredFile] = {}
        self.entries: dict[str, tuple[str, int]] = {}  # question bank entry -> (quiz, line)

    def check(self, data: bytes) -> None:
        if not self.unpack(data):
            return
        backup = self.xml("moodle_backup.xml")
        if backup is None:
            if "moodle_backup.xml" not in self.files:
                self.error("", "missing", "no moodle_backup.xml at the top of the archive")
            return
        self._files()
        self._contents(backup)
        for activity in self.activities.values():
            self._activity(activity)
        self._questions()

    # -- files.xml ------------------------------------------------------------------------

    def _files(self) -> None:
        root = self.xml("files.xml")
        if root is None:
            if "files.xml" not in self.files:
                self.error("", "missing", "no files.xml in the archive")
            return
        seen: set[str] = set()  # one content may be stored under several names and places
        for element in root.iter("file"):
            stored = _StoredFile(
                element.get("id", ""),
                _text(element, "contenthash"),
                _text(element, "contextid"),
                _text(element, "component"),
                _text(element, "itemid"),
                _text(element, "filename"),
                line_of(element),
            )
            self.stored[stored.id] = stored
            if stored.filename in ("", ".") or stored.contenthash in seen:
                continue  # a folder's entry (no content), or a content checked already
            seen.add(stored.contenthash)
            content = self.files.get(f"files/{stored.contenthash[:2]}/{stored.contenthash}")
            if content is None:
                message = (
                    f"the file {stored.filename!r} has no content in files/ ({stored.contenthash})"
                )
                self.error("files.xml", "file", message, stored.line)
            elif hashlib.sha1(content, usedforsecurity=False).hexdigest() != stored.contenthash:
                message = f"the content of {stored.filename!r} does not match its contenthash"
                self.error("files.xml", "file", message, stored.line)
            elif _text(element, "filesize") != str(len(content)):
                message = f"the filesize of {stored.filename!r} is not its content's size"
                self.error("files.xml", "file", message, stored.line)

    # -- moodle_backup.xml ----------------------------------------------------------------

    def _contents(self, backup: etree._Element) -> None:
        sections: dict[str, tuple[str, int]] = {}
        for element in backup.iterfind("information/contents/sections/section"):
            sections[_text(element, "sectionid")] = (_text(element, "directory"), line_of(element))
        for element in backup.iterfind("information/contents/activities/activity"):
            activity = _Activity(
                _text(element, "moduleid"),
                _text(element, "sectionid"),
                _text(element, "modulename"),
                _text(element, "directory"),
                line_of(element),
            )
            self.activities[activity.cmid] = activity
            if activity.section not in sections:
                message = f"the activity {activity.folder} is in section {activity.section}, which the backup does not list"
                self.error("moodle_backup.xml", "section", message, activity.line)
        placed: dict[str, str] = {}
        for sectionid, (folder, line) in sections.items():
            section = self.xml(f"{folder}/section.xml")
            if section is None:
                if f"{folder}/section.xml" not in self.files:
                    message = f"the section's {folder}/section.xml is not in the archive"
                    self.error("moodle_backup.xml", "missing", message, line)
                continue
            sequence = [c for c in _text(section, "sequence").split(",") if c]
            for cmid in sequence:
                listed = self.activities.get(cmid)
                if listed is None or listed.section != sectionid:
                    message = f"the sequence names course module {cmid}, which is not an activity of this section"
                    self.error(f"{folder}/section.xml", "section", message, line_of(section))
                placed[cmid] = sectionid
        for activity in self.activities.values():
            if activity.cmid not in placed and activity.section in sections:
                message = f"the activity {activity.folder} is in no section's sequence: Moodle would hide it"
                self.error("moodle_backup.xml", "section", message, activity.line)

    # -- each activity ----------------------------------------------------------------------

    def _activity(self, activity: _Activity) -> None:
        folder = activity.folder
        for name in (*_ACTIVITY_FILES, f"{activity.modname}.xml"):
            if f"{folder}/{name}" not in self.files:
                message = f"the activity's {folder}/{name} is not in the archive"
                self.error("moodle_backup.xml", "missing", message, activity.line)
        main = self.xml(f"{folder}/{activity.modname}.xml")
        inforef = self.xml(f"{folder}/inforef.xml")
        if main is None or inforef is None:
            return
        listed = {_text(e, "id") for e in inforef.iterfind("fileref/file")}
        for fileid in sorted(listed - set(self.stored)):
            message = f"the file {fileid} is not in files.xml"
            self.error(f"{folder}/inforef.xml", "file", message)
        contextid = main.get("contextid", "")
        here = [f for f in self.stored.values() if f.contextid == contextid]
        for stored in here:
            if stored.id not in listed and stored.filename != ".":
                message = f"the file {stored.filename!r} of this activity is not in its inforef.xml: Moodle would not restore it"
                self.error(f"{folder}/inforef.xml", "file", message)
        self._links(f"{folder}/{activity.modname}.xml", main, {f.filename for f in here})
        if activity.modname == "quiz":
            self._grades(f"{folder}/quiz.xml", main)

    def _links(self, name: str, root: etree._Element, files: set[str]) -> None:
        """Encoded links to course modules and files, in every text of the document."""
        for element in root.iter():
            text = element.text or ""
            for match in _MODULE_LINK.finditer(text):
                kind, cmid = match.group(1).lower(), match.group(2)
                target = self.activities.get(cmid)
                if target is None or target.modname != kind:
                    message = f"the link {match.group(0)} names no {kind} in the backup"
                    self.error(name, "link", message, line_of(element))
            for match in _FILE_LINK.finditer(text):
                filename = unquote(match.group(1)).rsplit("/", 1)[-1]
                if filename not in files:
                    message = f"the link to {filename!r} names no file of this activity"
                    self.error(name, "link", message, line_of(element))

    def _grades(self, name: str, quiz: etree._Element) -> None:
        marks = [_number(e.text) for e in quiz.iterfind(".//question_instance/maxmark")]
        total = _number(quiz.findtext("quiz/sumgrades"))
        if None in marks or total is None:
            self.error(name, "grade", "a mark or the quiz's sumgrades is not a number")
        elif sum(m for m in marks if m is not None) != total:
            message = f"sumgrades is {total} but the slots' marks add up to {sum(m for m in marks if m is not None)}"
            self.error(name, "grade", message, line_of(quiz.find("quiz/sumgrades")))  # type: ignore[arg-type]
        for reference in quiz.iterfind(".//question_reference"):
            self.entries[_text(reference, "questionbankentryid")] = (name, line_of(reference))

    # -- questions.xml ----------------------------------------------------------------------

    def _questions(self) -> None:
        root = self.xml("questions.xml")
        if root is None:
            if self.entries and "questions.xml" not in self.files:
                self.error("", "missing", "a quiz uses questions but questions.xml is missing")
            return
        known = {e.get("id", "") for e in root.iter("question_bank_entry")}
        for entry, (quiz, line) in self.entries.items():
            if entry not in known:
                message = f"the slot's question bank entry {entry} is not in questions.xml"
                self.error(quiz, "question", message, line)
        # A question's texts keep their files under the question's id, an answer's under the
        # answer's (``question_bank::get_qtype(...)->move_files`` and the restore's mapping).
        files: dict[str, set[str]] = {}
        for stored in self.stored.values():
            if stored.component == "question":
                files.setdefault(stored.itemid, set()).add(stored.filename)
        for owner in root.iter("question", "answer"):
            for element in _own(owner):
                for match in _FILE_LINK.finditer(element.text or ""):
                    filename = unquote(match.group(1)).rsplit("/", 1)[-1]
                    if filename not in files.get(owner.get("id", ""), set()):
                        message = f"the link to {filename!r} names no file of this {owner.tag}"
                        self.error("questions.xml", "link", message, line_of(element))


def _own(owner: etree._Element) -> list[etree._Element]:
    """``owner`` and what it holds, without the questions and answers inside it (their own)."""
    found, todo = [], [owner]
    while todo:
        element = todo.pop()
        found.append(element)
        todo += [c for c in element if c.tag not in ("question", "answer")]
    return found


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        return None


def check_backup(data: bytes, shown: str, problems: Problems) -> None:
    """Check a Moodle backup: safe reading, sections, activities, files, links, grades."""
    MbzChecker(shown, problems).check(data)
