"""The inline checks of a page (and of a translation): links to pages and media, images,
inline HTML and its balance, and syntax other tools left behind (kramdown, Liquid, Pandoc)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from packager.diagnostics import Location, Problems
from packager.source.document import (
    ALLOWED_TAGS,
    WEB_SCHEMES,
    ImageRef,
    PageLink,
    parse_tag,
    plain_text,
)
from packager.source.fields import suggest
from packager.source.media import IMAGE_TYPES, MediaFiles
from packager.source.pagestate import PageState

#: HTML comments: the only HTML a block may hold (translator directives); anything beside them
#: on the block's lines would be dropped from the page without a word, so it is an error.
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


_ATTRIBUTE = r"""(?:[#.][A-Za-z_][\w-]*|[A-Za-z_][\w-]*=(?:"[^"]*"|'[^']*'|[^\s}]+))"""


#: What other tools' pages hold that packager would publish as text (converted lessons).
_FOREIGN = re.compile(
    r"(?P<liquid>\{\{.*?\}\})|(?P<tag>\{%.*?%\})|(?P<kramdown>\{:[^{}]*\})"
    rf"|(?P<pandoc>\{{\s*{_ATTRIBUTE}(?:\s+{_ATTRIBUTE})*\s*\}})"
)


_FOREIGN_ADVICE = {
    "liquid": "a Liquid variable {}: packager does not run Liquid and would publish it as text; "
    "write the text or the link itself (another page: 'welcome.md')",
    "tag": "a Liquid tag {}: packager does not run Liquid and would publish it as text; "
    "write what it stands for into the page, or remove it",
    "kramdown": "a kramdown attribute list {}: packager ignores it and would publish it as text; "
    "for a box write '::: note' (or another box type) and ':::' around the text, else remove it",
    "pandoc": "Pandoc attributes {}: packager ignores them and would publish them as text; "
    "remove them (headings get their ids from their text, images keep their own size)",
}


class InlineChecks(PageState):
    """Checks and annotates inline tokens; mixed into the page's reader."""

    def _inline(self, children: list[Token], block: Token | None) -> None:
        self._walk_inline(children, block)
        self._check_tag_balance(children, block)
        if self.fixed is None:  # a page, not a translation (its source was warned about)
            self._foreign_syntax(children, block)

    def _foreign_syntax(self, children: list[Token], block: Token | None) -> None:
        """One warning per piece of Liquid, kramdown or Pandoc syntax in the text (not in code).

        Each is found in the block's lines after the one before it (code spans move the search
        on too), so the same snippet twice gets two warnings at their own columns.
        """
        if block is None or block.map is None:
            return
        first, last = block.map
        last = min(max(last, first + 1), len(self.lines))
        cursor = (first, 0)

        def find(needle: str) -> tuple[int, int] | None:
            line, col = cursor
            while line < last:
                found = self.lines[line].find(needle, col)
                if found >= 0:
                    return line, found
                line, col = line + 1, 0
            return None

        for child in children:
            if child.type == "code_inline":
                where = find(child.content)
                cursor = (where[0], where[1] + len(child.content)) if where else cursor
            elif child.type == "text":
                for match in _FOREIGN.finditer(child.content):
                    where = find(match.group(0))
                    if where is None:
                        location = self.loc(block)
                    else:
                        location = Location(self.path, where[0] + 1, where[1] + 1)
                        cursor = (where[0], where[1] + len(match.group(0)))
                    kind = match.lastgroup or "pandoc"
                    shown = (
                        match.group(0) if len(match.group(0)) <= 40 else match.group(0)[:39] + "…"
                    )
                    self.problems.warning(
                        location, "foreign-syntax", _FOREIGN_ADVICE[kind].format(shown)
                    )

    def _check_tag_balance(self, children: list[Token], block: Token | None) -> None:
        """Allowed inline tags must close in the same text, or they would swallow the page."""
        stack: list[str] = []
        for child in children:
            tag = child.meta.get("tag") if child.type == "html_inline" else None
            if not tag:
                continue
            closing, name, _attrs = tag
            if name == "br":
                continue
            if child.content.rstrip().endswith("/>") and not closing:
                self.problems.error(
                    self.loc(block, child.content),
                    "raw-html",
                    f"write <{name}>...</{name}>, not <{name}/>",
                )
                child.meta.pop("tag")
            elif not closing:
                stack.append(name)
            elif stack and stack[-1] == name:
                stack.pop()
            else:
                self.problems.error(
                    self.loc(block, child.content),
                    "raw-html",
                    f"</{name}> closes a tag that is not open",
                )
                child.meta.pop("tag")
        for name in stack:
            self.problems.error(
                self.loc(block, f"<{name}"),
                "raw-html",
                f"<{name}> is never closed in this paragraph",
            )

    def _walk_inline(self, children: list[Token], block: Token | None) -> None:
        for child in children:
            if child.type == "link_open":
                self._link(child, block)
            elif child.type == "image":
                self._image(child, block)
                self._walk_inline(child.children or [], block)
            elif child.type == "html_inline":
                self._html_inline(child, block)

    def _link(self, token: Token, block: Token | None) -> None:
        href = str(token.attrs.get("href", ""))
        location = self.loc(block, href)
        parts = urlsplit(href)
        if parts.scheme:
            if parts.scheme.lower() not in WEB_SCHEMES:
                self.problems.error(
                    location,
                    "unsafe-url",
                    f"links may use http, https or mailto, not {parts.scheme.lower()}: ({href[:60]})",
                )
                token.attrSet("href", "#")
            return
        if href.startswith("//"):
            self.problems.error(location, "unsafe-url", f"write the link with https: ({href[:60]})")
            token.attrSet("href", "#")
            return
        path = unquote(parts.path)
        anchor = unquote(parts.fragment) or None
        if not path:
            self.links.append(PageLink(None, anchor, location))
            return
        if path.startswith("media/"):
            if self._media_path(path, location, "link") is not None:
                self.media_links.append(ImageRef(path, "", location))
            return
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in path:
            self.problems.error(
                location,
                "path-outside-course",
                f"the link {path!r} points outside the course; link to a page like 'welcome.md' "
                "or to a file in media/",
            )
            return
        if pure.suffix != ".md" or len(pure.parts) != 1:
            self.problems.error(
                location,
                "broken-link",
                f"a link to another page names its file, like 'welcome.md' (found {href!r})",
            )
            return
        self.links.append(PageLink(pure.stem, anchor, location))

    def _image(self, token: Token, block: Token | None) -> None:
        src = str(token.attrs.get("src", ""))
        alt = plain_text(token.children).strip()
        location = self.loc(block, src or "![")
        if not alt:
            self.problems.warning(
                location,
                "missing-alt",
                f"the image {src!r} has no alt text; describe it for readers who cannot see it",
            )
        parts = urlsplit(src)
        if parts.scheme or src.startswith("//"):
            self.problems.error(
                location,
                "remote-media",
                f"images must be files in the course's media/ folder, not {src[:60]!r}"
                " (the course must work offline)",
            )
            return
        path = unquote(parts.path)
        if self._media_path(path, location, "image") is not None:
            self.images.append(ImageRef(path, alt, location))

    def _media_path(self, path: str, location: Location, what: str) -> str | None:
        """Check that ``path`` names an existing file inside ``media/``; return it."""
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in path:
            self.problems.error(
                location,
                "path-outside-course",
                f"the {what} path {path!r} points outside the course's media/ folder",
            )
            return None
        if not path.startswith("media/"):
            self.problems.error(
                location, "media-path", f"the {what} {path!r} must be a file in media/"
            )
            return None
        if self.media is None:
            return path
        name = path.removeprefix("media/")
        if name in self.media.outside:
            self.problems.error(
                location,
                "path-outside-course",
                f"the {what} {path!r} is a link to a file outside the course",
            )
            return None
        suffix = PurePosixPath(name).suffix.lower()
        if name in self.media.other or (what == "image" and suffix not in IMAGE_TYPES):
            kinds = (
                "an image (PNG, JPEG, GIF, WebP, AVIF or SVG)"
                if what == "image"
                else "a document, image, audio or video file"
            )
            self.problems.error(location, "media-type", f"the {what} {path!r} must be {kinds}")
            return None
        if name not in self.media.inside:
            usable = (
                f"media/{n}"
                for n in self.media.inside
                if what != "image" or PurePosixPath(n).suffix.lower() in IMAGE_TYPES
            )
            self.problems.error(
                location,
                "missing-media",
                f"the {what} file {path!r} does not exist{suggest(path, set(usable))}",
            )
            return None
        return path

    def _html_inline(self, token: Token, block: Token | None) -> None:
        html = token.content
        if html.startswith("<!--"):
            return
        tag = parse_tag(html)
        location = self.loc(block, html)
        if tag is None or tag[1] not in ALLOWED_TAGS:
            name = f"<{'/' if tag[0] else ''}{tag[1]}>" if tag else repr(html[:30])
            self.problems.error(
                location,
                "raw-html",
                f"the HTML tag {name} is not allowed; allowed: "
                + ", ".join(f"<{t}>" for t in ALLOWED_TAGS),
            )
            return
        closing, name, attrs = tag
        for attr, value in attrs:
            if attr not in ALLOWED_TAGS[name]:
                self.problems.error(
                    location, "raw-html", f"the attribute {attr!r} is not allowed on <{name}>"
                )
            elif attr == "dir" and value not in ("ltr", "rtl", "auto"):
                self.problems.error(
                    location, "raw-html", f"dir must be ltr, rtl or auto, not {value!r}"
                )
        token.meta["tag"] = (closing, name, attrs)


def check_inline(
    children: list[Token], location: Location, media: MediaFiles | None, problems: Problems
) -> tuple[PageLink, ...]:
    """Check (and annotate) inline tokens that do not come from a page, such as a translation.

    Links, images and inline HTML get the same checks as in a page; every problem is reported at
    ``location``. Returns the links to pages, for the caller to check against the course.
    """
    reader = InlineChecks("", location.path, media, problems)
    reader.fixed = location
    reader._inline(children, None)
    return tuple(reader.links)
