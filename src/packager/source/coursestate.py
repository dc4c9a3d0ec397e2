"""What the reader of one course keeps while it checks the course, and the small readers of
course.yaml's values that its parts share (lists, languages, licences, translatable texts)."""

from __future__ import annotations

from pathlib import Path

from packager import languages
from packager.diagnostics import (
    Problems,
)
from packager.source.fields import (
    read_str,
    read_str_list,
    suggest,
)
from packager.source.inline import check_inline
from packager.source.licenses import LICENSES, License
from packager.source.mdinline import parse_inline
from packager.source.media import MediaFiles
from packager.source.yamlsource import YamlNode


class CourseState:
    """The state of one course's reading; the reader's parts build on it."""

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
