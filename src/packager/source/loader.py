"""Load and check a course from disk into a :class:`~packager.source.model.Course`.

All problems in the course are gathered before the loader gives up, so an author sees every mistake
in one run. Only this module (and the writer) reads the disk.
"""

from __future__ import annotations

import re
from pathlib import Path

from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Problems,
    Severity,
    display_path,
)
from packager.resources import find_courses
from packager.source.credits import MediaReader
from packager.source.fields import (
    check_keys,
    read_date,
    read_int,
    read_number,
    read_str,
    read_str_list,
    read_url,
    start_of,
)
from packager.source.files import (
    COURSE_OPTIONAL,
    COURSE_REQUIRED,
    SLUG_RE,
    read_text,
)
from packager.source.media import MediaFiles
from packager.source.model import Author, Course
from packager.source.names import visible
from packager.source.outline import OutlineReader
from packager.source.tracking import read_tracking
from packager.source.yamlsource import YamlNode, parse_yaml, text_lines


def load_course(project: Path, course_id: str, problems: Problems) -> Course | None:
    """Load ``courses/<course_id>``; report problems; None when it cannot be used."""
    root = project / "courses" / course_id
    yaml_path = root / "course.yaml"
    shown = display_path(yaml_path, project)
    if not yaml_path.is_file():
        problems.error(
            Location(shown), "missing-course", f"no course {course_id!r}: {shown} does not exist"
        )
        return None
    before = len(problems.errors)
    text = read_text(yaml_path, shown, problems)
    node = parse_yaml(text, shown, problems) if text is not None else None
    if node is None:
        if text is not None and not problems.errors[before:]:
            problems.error(Location(shown), "empty", "course.yaml is empty")
        return None
    course = _CourseReader(project, root, course_id, shown, problems).read(node)
    return course if len(problems.errors) == before else None


def load_project(project: Path, course_ids: list[str] | None, problems: Problems) -> list[Course]:
    """Load the named courses (all by default); raise :class:`InputError` when there are none."""
    ids = course_ids or find_courses(project)
    if not ids:
        raise InputError(
            [
                Diagnostic(
                    Location("courses"),
                    Severity.ERROR,
                    "no-courses",
                    "no courses found: add one with 'packager new COURSE-ID'",
                )
            ]
        )
    return [c for c in (load_course(project, cid, problems) for cid in ids) if c is not None]


class _CourseReader(OutlineReader, MediaReader):
    def read(self, node: YamlNode) -> Course | None:
        p = self.problems
        if not check_keys(
            node, p, what="course.yaml", required=COURSE_REQUIRED, optional=COURSE_OPTIONAL
        ):
            return None
        top = Location(self.shown)
        course_id = read_str(node.get("id"), p, "id")
        if course_id is not None and course_id != self.course_id:
            p.error(
                start_of(node.get("id"), top),
                "course-id",
                f"the id {course_id!r} must match the folder name {self.course_id!r}",
            )
        if not SLUG_RE.match(self.course_id):
            p.error(
                top,
                "course-id",
                f"the course id {self.course_id!r} must be lower-case letters, digits and hyphens, starting with a letter",
            )
        language = self._language(node.get("language"), "language")
        targets = tuple(
            t
            for t in (
                self._language(item, "languages item")
                for item in self._items(node.get("languages"), "languages")
            )
            if t
        )
        if language and language in targets:
            p.error(
                start_of(node.get("languages"), top),
                "duplicate-language",
                f"{language!r} is the source language; list only translations",
            )
        license_ = self._license(node.get("license"), "license")
        self.media = MediaFiles.scan(self.root / "media")
        self._check_media()
        self._check_templates()
        media_files = set(self.media.inside)
        pages_found = self.pages_found = self._page_files()
        modules = self._outline(node.get("outline"), pages_found)
        cover = self._media_ref(node.get("cover"), "cover", media_files)
        self._check_image_sizes(modules or (), cover, node.get("cover"))
        credits = self._credits(node.get("media"), media_files)
        self._check_uncredited(modules or (), credits, license_)
        hours = read_number(node.get("hours"), p, "hours")
        min_translated_node = node.get("min_translated")
        min_translated = (
            read_int(min_translated_node, p, "min_translated") if min_translated_node else 0
        )
        if min_translated is not None and min_translated > 100:
            p.error(
                start_of(min_translated_node, top),
                "range",
                "'min_translated' is a percentage, from 0 to 100",
            )
        title = read_str(node.get("title"), p, "title")
        description = read_str(node.get("description"), p, "description")
        version = read_str(node.get("version"), p, "version")
        authors = self._authors(node.get("authors"))
        tracking = read_tracking(node.get("scorm"), p)
        if None in (title, description, version, hours, language, license_) or modules is None:
            return None
        assert title and description and version and hours is not None and language and license_
        return Course(
            id=self.course_id,
            root=self.root,
            title=title,
            subtitle=read_str(node.get("subtitle"), p, "subtitle"),
            description=description,
            language=language,
            languages=targets,
            license=license_,
            authors=authors,
            keywords=read_str_list(node.get("keywords"), p, "keywords"),
            version=version,
            hours=hours,
            modules=modules,
            media=credits,
            media_files=tuple(sorted(media_files)),
            outcomes=self._inline_texts(node.get("outcomes"), "outcomes"),
            updated=read_date(node.get("updated"), p, "updated"),
            forum_url=read_url(node.get("forum_url"), p, "forum_url"),
            cover=cover,
            text_lines=text_lines(node),
            min_translated=min_translated or 0,
            cc_version=self._cc_version(node.get("cc_version")),
            tracking=tracking,
            wordpress_theme=self._wordpress_theme(node.get("wordpress_theme")),
            wenotes_tag=self._wenotes_tag(node.get("wenotes_tag")),
        )

    def _authors(self, node: YamlNode | None) -> tuple[Author, ...]:
        authors: list[Author] = []
        items = self._items(node, "authors")
        if node is not None and node.kind == "seq" and not items:
            self.problems.error(node.location, "empty", "name at least one author")
        for item in items:
            if not check_keys(
                item,
                self.problems,
                what="an author",
                required=("name",),
                optional=("affiliation", "url"),
            ):
                continue
            name = read_str(item.get("name"), self.problems, "name")
            if name:
                authors.append(
                    Author(
                        name,
                        read_str(item.get("affiliation"), self.problems, "affiliation"),
                        read_url(item.get("url"), self.problems, "url"),
                    )
                )
        return tuple(authors)

    def _check_templates(self) -> None:
        """A course's own templates and static files stay inside the course: a link out of it
        would publish whatever file it points at (a course is untrusted input)."""
        folder = self.root / "templates"
        for name in sorted(MediaFiles.scan(folder).outside):
            shown = Location(visible(display_path(folder / name, self.project)))
            message = "the template is a link to a file outside the course's templates/ folder"
            self.problems.error(shown, "path-outside-course", message)

    def _cc_version(self, node: YamlNode | None) -> str | None:
        value = read_str(node, self.problems, "cc_version")
        if value is not None and node is not None and value not in ("1.1", "1.3"):
            self.problems.error(
                node.location,
                "cc-version",
                f"cc_version is the Common Cartridge version, 1.1 (the default, for Moodle) or 1.3, not {value!r}",
            )
            return None
        return value

    def _wordpress_theme(self, node: YamlNode | None) -> str:
        value = read_str(node, self.problems, "wordpress_theme")
        if value is not None and node is not None and value not in ("oeru_course", "blocks"):
            self.problems.error(
                node.location,
                "wordpress-theme",
                "wordpress_theme is how WordPress pages are marked up, oeru_course (the default, "
                f"the OERu course theme's iDevice panels) or blocks (plain WordPress), not {value!r}",
            )
            return "oeru_course"
        return value or "oeru_course"

    def _wenotes_tag(self, node: YamlNode | None) -> str | None:
        value = read_str(node, self.problems, "wenotes_tag")
        if value is not None and node is not None and not re.fullmatch(r"\w[\w-]*", value):
            self.problems.error(
                node.location,
                "wenotes-tag",
                f"wenotes_tag is a tag learners add to their posts (letters, digits, - and _, "
                f"without #), not {value!r}",
            )
            return None
        return value
