"""Load and check a course from disk into a :class:`~packager.source.model.Course`.

All problems in the course are gathered before the loader gives up, so an author sees every mistake
in one run. Only this module (and the writer) reads the disk.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from packager import languages
from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Problems,
    Severity,
    display_path,
)
from packager.resources import find_courses
from packager.source.document import Document, check_inline, read_document
from packager.source.fields import (
    check_keys,
    read_date,
    read_int,
    read_number,
    read_str,
    read_str_list,
    read_url,
    start_of,
    suggest,
)
from packager.source.licenses import LICENSES, License, other_license
from packager.source.markdown import split_front_matter
from packager.source.mdinline import parse_inline
from packager.source.media import MediaFiles, image_size_problem, svg_problem
from packager.source.model import Author, Course, MediaCredit, Module, Page, PageKind
from packager.source.names import file_name_problem, hidden_character, visible
from packager.source.tracking import read_tracking
from packager.source.yamlsource import YamlNode, parse_yaml, text_lines

RESERVED_PAGES = frozenset({"index", "credits"})
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: Page names may start with a digit (``01-basics``, as authors number their pages): every
#: output prefixes them where a letter must come first (``R_page_01-basics`` in a cartridge,
#: ``page-01-basics`` in the book), and HTML ids and file names accept a leading digit.
PAGE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SOURCE_BYTES = 20 * 1024 * 1024

COURSE_REQUIRED = (
    "id",
    "title",
    "description",
    "language",
    "license",
    "authors",
    "version",
    "hours",
    "outline",
)
COURSE_OPTIONAL = (
    "subtitle",
    "languages",
    "keywords",
    "updated",
    "forum_url",
    "cover",
    "outcomes",
    "media",
    "min_translated",
    "cc_version",
    "scorm",
)
PAGE_REQUIRED = ("title", "duration")
PAGE_OPTIONAL = ("kind", "objectives", "url", "forum_url")


def read_text(path: Path, shown: str, problems: Problems) -> str | None:
    """A source file as text: UTF-8, a byte-order mark dropped, line endings made ``\\n``."""
    try:
        if not path.is_file():
            problems.error(Location(shown), "not-a-file", "this is not a regular file")
            return None
        with path.open("rb") as handle:  # read no more than the limit, whatever the file is
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        problems.error(Location(shown), "unreadable", f"cannot read the file: {exc.strerror}")
        return None
    if len(data) > MAX_SOURCE_BYTES:
        problems.error(
            Location(shown), "too-large", f"the file is larger than {MAX_SOURCE_BYTES // 2**20} MiB"
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            Location(shown, line), "encoding", "the file is not valid UTF-8; save it as UTF-8"
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(Location(shown, line), "nul-byte", "the file contains a NUL byte")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


class _CourseReader:
    def __init__(
        self, project: Path, root: Path, course_id: str, shown: str, problems: Problems
    ) -> None:
        self.project = project
        self.root = root
        self.course_id = course_id
        self.shown = shown
        self.problems = problems
        self.media = MediaFiles()
        self.pages_found: dict[str, Path] = {}
        self.pages_refused: set[str] = set()  # page files already reported as unusable

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
        )

    def _items(self, node: YamlNode | None, name: str) -> tuple[YamlNode, ...]:
        if node is None:
            return ()
        if node.kind != "seq":
            self.problems.error(
                node.location, "type", f"{name!r} must be a list, not {node.type_name}"
            )
            return ()
        return node.items

    def _language(self, node: YamlNode | None, name: str) -> str | None:
        value = read_str(node, self.problems, name)
        if value is None or node is None:
            return None
        if not languages.is_known(value):
            self.problems.error(
                node.location,
                "invalid-language",
                f"unknown language code {value!r} (use BCP 47, like 'fr' or 'zh-Hans')",
            )
            return None
        tag = languages.canonical(value)
        if tag != value:
            self.problems.warning(
                node.location,
                "language-case",
                f"the language code {value!r} is read as {tag!r}; write it so (BCP 47's usual "
                "case, which catalogue folders and outputs use)",
            )
        return tag

    def _check_uncredited(
        self,
        modules: tuple[Module, ...],
        credits: tuple[MediaCredit, ...],
        license_: License | None,
    ) -> None:
        """Say which images are credited to the course's authors under its licence only because
        course.yaml says nothing about them (a photograph found elsewhere must not be)."""
        credited = {f"media/{credit.path}" for credit in credits}
        seen: set[str] = set()
        under = f" under {license_.label}" if license_ is not None else ""
        for module in modules:
            for page in module.pages:
                for image in page.document.images:
                    if image.src in credited or image.src in seen:
                        continue
                    seen.add(image.src)
                    self.problems.warning(
                        image.location,
                        "uncredited-media",
                        f"the image {image.src!r} has no credit in course.yaml's 'media:', so it "
                        f"is credited to the course's authors{under}; add one if someone else "
                        "made it",
                    )

    def _media_license(self, node: YamlNode | None, path: str) -> License | None:
        """An open licence by SPDX id, or another one in words: ``{name: ..., url: ...}``."""
        if node is None or node.kind != "map":
            return self._license(node, "license")
        if not check_keys(
            node,
            self.problems,
            what=f"the licence of {path!r}",
            required=("name",),
            optional=("url",),
        ):
            return None
        name = read_str(node.get("name"), self.problems, "name")
        url = read_url(node.get("url"), self.problems, "url")
        return other_license(name, url) if name else None

    def _license(self, node: YamlNode | None, name: str) -> License | None:
        if node is not None and node.kind == "map":
            # Only a media credit may state another licence; the course's must be open.
            self.problems.error(
                node.location,
                "unknown-license",
                f"the course's licence must be an open licence by SPDX id: {', '.join(LICENSES)} "
                "(a licence in words is only for media credits)",
            )
            return None
        value = read_str(node, self.problems, name)
        if value is None or node is None:
            return None
        found = LICENSES.get(value)
        if found is None:
            self.problems.error(
                node.location,
                "unknown-license",
                f"unknown licence {value!r}{suggest(value, LICENSES)}; use an SPDX id: {', '.join(LICENSES)}",
            )
        return found

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

    def _page_files(self) -> dict[str, Path]:
        """The page files, refusing links out of the course and anything but regular files."""
        folder = self.root / "pages"
        if not folder.is_dir():
            return {}
        root = self.root.resolve()
        pages: dict[str, Path] = {}
        for path in sorted(folder.glob("*.md")):
            shown = Location(visible(display_path(path, self.project)))
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a link loop
                target = path
            self.pages_refused.add(path.stem)
            hidden = hidden_character(path.name)
            if hidden is not None:
                self.problems.error(
                    shown,
                    "page-id",
                    f"the file name holds an invisible or direction-changing character ({hidden}); rename the file",
                )
            elif not target.is_relative_to(root):
                self.problems.error(
                    shown, "path-outside-course", "the page is a link to a file outside the course"
                )
            elif not target.is_file():
                self.problems.error(shown, "not-a-file", "the page is not a regular file")
            elif path.stem in RESERVED_PAGES:
                self.problems.error(
                    shown,
                    "reserved-page",
                    f"'{path.stem}' is the name of a page the site makes itself; rename the file",
                )
            else:
                pages[path.stem] = path
                self.pages_refused.discard(path.stem)
        return pages

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

    def _inline_texts(self, node: YamlNode | None, name: str) -> tuple[str, ...]:
        """A list of short Markdown texts (objectives, outcomes), checked like a page's text."""
        texts = read_str_list(node, self.problems, name)
        items = node.items if node is not None and node.kind == "seq" else ()
        for text, item in zip(texts, items, strict=False):
            links = check_inline(parse_inline(text, {}), item.location, self.media, self.problems)
            for link in links:
                if link.page and link.page not in self.pages_found:
                    self.problems.error(
                        item.location,
                        "broken-link",
                        f"the link names a page that does not exist: {link.page}.md",
                    )
        return texts

    def _check_media(self) -> None:
        """Problems with the files in media/ themselves, whether a page uses them or not."""
        shown = display_path(self.root / "media", self.project)
        for name in sorted(self.media.bad_names):
            self.problems.error(
                Location(f"{shown}/{name}"),
                "media-name",
                "the file name is not valid UTF-8; rename the file",
            )
        for name in sorted(self.media.inside | self.media.other):
            problem = file_name_problem(name)
            if problem:
                self.problems.error(
                    Location(f"{shown}/{visible(name)}"),
                    "media-name",
                    f"{problem}; rename the file",
                )
        for name in sorted(self.media.other):
            self.problems.warning(
                Location(f"{shown}/{name}"),
                "media-type",
                "this type of file is not published (only images, documents, audio and video)",
            )
        for name in sorted(self.media.inside):
            if name.lower().endswith(".svg"):
                problem = svg_problem(self.root / "media" / name)
                if problem:
                    self.problems.error(
                        Location(f"{shown}/{name}"), "unsafe-svg", f"unsafe SVG: {problem}"
                    )

    def _check_image_sizes(
        self, modules: tuple[Module, ...], cover: str | None, cover_node: YamlNode | None
    ) -> None:
        """Images too large to draw: an error where each is used (or at the file, if unused, since
        every file in media/ is published)."""
        shown = display_path(self.root / "media", self.project)
        for name in sorted(self.media.inside):
            problem = image_size_problem(self.root / "media" / name)
            if problem is None:
                continue
            path = f"media/{name}"
            uses = [
                image.location
                for module in modules
                for page in module.pages
                for image in page.document.images
                if image.src == path
            ]
            if cover == path and cover_node is not None:
                uses.insert(0, cover_node.location)
            for where in uses or [Location(f"{shown}/{name}")]:
                self.problems.error(where, "image-too-large", f"the image {path!r} {problem}")

    def _media_ref(self, node: YamlNode | None, name: str, media_files: set[str]) -> str | None:
        value = read_str(node, self.problems, name)
        if value is None or node is None:
            return None
        inner = value.removeprefix("media/")
        if not value.startswith("media/") or ".." in inner.split("/"):
            self.problems.error(
                node.location,
                "media-path",
                f"{name!r} must be a file in media/, like media/cover.svg",
            )
            return None
        if inner not in media_files:
            self.problems.error(
                node.location, "missing-media", f"the {name} file {value!r} does not exist"
            )
            return None
        return value

    def _credits(self, node: YamlNode | None, media_files: set[str]) -> tuple[MediaCredit, ...]:
        if node is None:
            return ()
        if node.kind != "map":
            self.problems.error(
                node.location,
                "type",
                f"'media' must be a mapping of file names, not {node.type_name}",
            )
            return ()
        credits: list[MediaCredit] = []
        for key, value in node.pairs:
            path = key.text.removeprefix("media/")
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts or "\\" in path:
                self.problems.error(
                    key.location,
                    "path-outside-course",
                    f"the credit names {key.text!r}, which is outside the course's media/ folder",
                )
                continue
            if path not in media_files:
                self.problems.error(
                    key.location,
                    "missing-media",
                    f"media/{path} does not exist{suggest(path, media_files)}",
                )
                continue
            if not check_keys(
                value,
                self.problems,
                what=f"the credit for {path!r}",
                required=("title", "author", "license"),
                optional=("source",),
            ):
                continue
            title = read_str(value.get("title"), self.problems, "title")
            author = read_str(value.get("author"), self.problems, "author")
            license_ = self._media_license(value.get("license"), path)
            source = read_url(value.get("source"), self.problems, "source")
            if title and author and license_:
                credits.append(MediaCredit(path, title, author, license_, source))
        return tuple(credits)

    def _outline(
        self, node: YamlNode | None, pages_found: dict[str, Path]
    ) -> tuple[Module, ...] | None:
        p = self.problems
        items = self._items(node, "outline")
        if node is not None and node.kind == "seq" and not items:
            p.error(node.location, "empty", "the outline has no modules")
        listed: dict[str, Location] = {}
        modules: list[Module] = []
        ok = node is not None
        for item in items:
            if not check_keys(item, p, what="a module", required=("title", "pages"), optional=()):
                ok = False
                continue
            title = read_str(item.get("title"), p, "title")
            pages_node = item.get("pages")
            page_items = self._items(pages_node, "pages")
            if pages_node is not None and pages_node.kind == "seq" and not page_items:
                p.error(pages_node.location, "empty", f"the module {title!r} has no pages")
                ok = False
            pages: list[Page] = []
            for page_node in page_items:
                page_id = read_str(page_node, p, "page")
                if page_id is None:
                    ok = False
                    continue
                page_id = page_id.removeprefix("pages/").removesuffix(".md")
                hidden = hidden_character(page_id)
                if hidden is not None:
                    p.error(
                        page_node.location,
                        "page-id",
                        f"the page name {page_id!r} holds an invisible or direction-changing character ({hidden})",
                    )
                    ok = False
                    continue
                if page_id in listed:
                    p.error(
                        page_node.location,
                        "duplicate-page",
                        f"the page {page_id!r} is already in the outline (line {listed[page_id].line})",
                    )
                    ok = False
                    continue
                listed[page_id] = page_node.location
                if page_id not in pages_found:
                    if page_id not in self.pages_refused:  # else its file has said why
                        p.error(
                            page_node.location,
                            "missing-page",
                            f"the page {page_id!r} has no file pages/{page_id}.md{suggest(page_id, pages_found)}",
                        )
                    ok = False
                    continue
                page = self._page(page_id, pages_found[page_id])
                if page is None:
                    ok = False
                else:
                    pages.append(page)
            if title is None:
                ok = False
            elif pages:
                modules.append(Module(title, tuple(pages)))
        for page_id, path in pages_found.items():
            if page_id not in listed:
                p.warning(
                    Location(display_path(path, self.project)),
                    "orphan-page",
                    "this page is not in the outline of course.yaml, so it is not built",
                )
        if not ok:
            return None
        result = tuple(modules)
        self._check_links(result)
        return result

    def _page(self, page_id: str, path: Path) -> Page | None:
        p = self.problems
        shown = display_path(path, self.project)
        before = len(p.errors)
        if not PAGE_RE.match(page_id):
            p.error(
                Location(shown),
                "page-id",
                f"page file names are lower-case letters, digits and hyphens (like 01-basics): {page_id!r}",
            )
        text = read_text(path, shown, p)
        if text is None:
            return None
        yaml_text, offset, body = split_front_matter(text)
        if yaml_text is None:
            if text.startswith("---"):
                p.error(
                    Location(shown),
                    "front-matter",
                    "the front matter that starts here is never closed with a '---' line",
                )
            else:
                p.error(
                    Location(shown),
                    "front-matter",
                    "a page starts with front matter between '---' lines (title, duration)",
                )
            return None
        node = parse_yaml(yaml_text, shown, p, line_offset=offset)
        if node is None:
            if len(p.errors) == before:
                p.error(
                    Location(shown, 2),
                    "front-matter",
                    "the front matter is empty; give at least a title and a duration",
                )
            return None
        if not check_keys(
            node, p, what="the front matter", required=PAGE_REQUIRED, optional=PAGE_OPTIONAL
        ):
            return None
        title = read_str(node.get("title"), p, "title")
        duration = read_int(node.get("duration"), p, "duration", minimum=1)
        kind = self._kind(node.get("kind"))
        url_node = node.get("url")
        url = read_url(url_node, p, "url")
        if kind is PageKind.WEBLINK and url_node is None:
            p.error(node.location, "missing-key", "a weblink page needs the key 'url'")
        elif kind is not PageKind.WEBLINK and url_node is not None:
            p.error(
                url_node.location, "unknown-key", "'url' is only for weblink pages (kind: weblink)"
            )
        document: Document = read_document(body, shown, self.media, p)
        if kind is PageKind.QUIZ and not document.questions:
            p.error(
                Location(shown), "empty-quiz", "a quiz page holds at least one '::: question' block"
            )
        if len(p.errors) != before or title is None or duration is None or kind is None:
            return None
        return Page(
            id=page_id,
            source=shown,
            title=title,
            kind=kind,
            duration=duration,
            objectives=self._inline_texts(node.get("objectives"), "objectives"),
            text_lines=text_lines(node),
            document=document,
            url=url,
            forum_url=read_url(node.get("forum_url"), p, "forum_url"),
        )

    def _kind(self, node: YamlNode | None) -> PageKind | None:
        if node is None:
            return PageKind.PAGE
        value = read_str(node, self.problems, "kind")
        kinds = [k.value for k in PageKind]
        if value not in kinds:
            if value is not None:
                self.problems.error(
                    node.location,
                    "page-kind",
                    f"unknown page kind {value!r}{suggest(value, kinds)}; use one of: {', '.join(kinds)}",
                )
            return None
        return PageKind(value)

    def _check_links(self, modules: tuple[Module, ...]) -> None:
        pages = {page.id: page for module in modules for page in module.pages}
        for page in pages.values():
            for link in page.document.links:
                target = pages.get(link.page) if link.page else page
                if target is None:
                    self.problems.error(
                        link.location,
                        "broken-link",
                        f"the link names a page that is not in the outline: {link.page}.md{suggest(link.page or '', pages)}",
                    )
                elif link.anchor and link.anchor not in target.document.anchors:
                    self.problems.error(
                        link.location,
                        "broken-link",
                        f"the page {target.id!r} has no heading with the anchor #{link.anchor}"
                        f"{suggest(link.anchor, target.document.anchors)}",
                    )
