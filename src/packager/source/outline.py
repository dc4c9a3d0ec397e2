"""A course's pages and outline: the page files, each page's front matter and body, its kind,
and every link between pages checked against the outline."""

from __future__ import annotations

from pathlib import Path

from packager.diagnostics import (
    Location,
    display_path,
)
from packager.source.coursestate import CourseState
from packager.source.document import Document
from packager.source.fields import (
    check_keys,
    read_int,
    read_str,
    read_url,
    suggest,
)
from packager.source.files import (
    PAGE_OPTIONAL,
    PAGE_RE,
    PAGE_REQUIRED,
    RESERVED_PAGES,
    read_text,
)
from packager.source.markdown import split_front_matter
from packager.source.model import Module, Page, PageKind
from packager.source.names import hidden_character, visible
from packager.source.reader import read_document
from packager.source.yamlsource import YamlNode, parse_yaml, text_lines


class OutlineReader(CourseState):
    """Reads the outline and its pages; mixed into the course's reader."""

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
