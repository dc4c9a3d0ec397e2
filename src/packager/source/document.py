"""A page body as checked, annotated tokens: the Markdown half of the course model.

:func:`read_document` parses a page body with the shared parser, checks it (boxes, questions,
images, links, raw HTML, heading order) and annotates the tokens in place, once, before anything
else sees them:

- headings get stable ``id`` attributes from their source text;
- a box title becomes real tokens (``box_title_open``, ``inline``, ``box_title_close``), so every
  piece of text in a page is an ``inline`` token that translation can substitute;
- a question's ``[x]`` / ``[ ]`` markers are removed from the option text and kept in
  :class:`Question`, so they are never part of a message;
- an unsafe link (``javascript:``) gets the harmless target ``#``.

After that the tokens are treated as immutable; translation works on copies and keeps token
indices, so the spans recorded in :class:`Question` are valid in every language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from packager.diagnostics import Location, Problems
from packager.source.fields import suggest
from packager.source.markdown import BLOCK_CLOSE, BLOCK_OPEN, MAX_DEPTH, TOO_DEEP, parser
from packager.source.media import IMAGE_TYPES, MediaFiles

BOX_KINDS = (
    "objectives",
    "key-points",
    "activity",
    "reflection",
    "definition",
    "reading",
    "case-study",
    "note",
    "summary",
    "discussion",
)
QUESTION_KINDS = ("single-choice", "multiple-response", "true-false", "short-answer")

#: Inline HTML tags an author may use, with the attributes each may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "abbr": frozenset({"title"}),
    "bdi": frozenset({"dir"}),
    "br": frozenset(),
    "kbd": frozenset(),
    "mark": frozenset(),
    "small": frozenset(),
    "span": frozenset({"lang", "dir"}),
    "sub": frozenset(),
    "sup": frozenset(),
}
WEB_SCHEMES = ("http", "https", "mailto")

_TAG_RE = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^>]*?)?)\s*(/?)>$", re.DOTALL)
_ATTR_RE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_MARKER_RE = re.compile(r"^\[([ xX])\](?:[ \t]+|$)")
#: Ids the templates use, and the shapes of ids the renderer makes (footnotes, boxes, questions).
RESERVED_IDS = frozenset({"main", "course-nav", "footnotes-title", "page-objectives", "quiz-texts"})
_GENERATED_ID = re.compile(r"^(fn\d|fnref\d|box-\d|question-\d)")
_CLOSE_LINE = re.compile(r"^:{3,}\s*$")
_SLUG_DROP = re.compile(r"[^\w\- ]+")
#: HTML comments: the only HTML a block may hold (translator directives); anything beside them
#: on the block's lines would be dropped from the page without a word, so it is an error.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


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


@dataclass(frozen=True)
class Span:
    """Token indices ``[start, end)`` of a run of blocks."""

    start: int
    end: int

    def __bool__(self) -> bool:
        return self.end > self.start


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True)
class PageLink:
    """A link to another page (or to an anchor in this one, when ``page`` is None)."""

    page: str | None
    anchor: str | None
    location: Location


@dataclass(frozen=True)
class ImageRef:
    """An image the page shows; ``src`` is the path inside the course folder (``media/x.svg``)."""

    src: str
    alt: str
    location: Location


@dataclass(frozen=True)
class Option:
    """A question's option: the ``inline`` token index of its text, and its feedback blocks."""

    inline: int
    correct: bool
    feedback: Span


@dataclass(frozen=True)
class Question:
    """A question block. ``open``/``close`` are its token indices; ``number`` counts from 1."""

    kind: str
    number: int
    open: int
    close: int
    prompt: Span
    options: tuple[Option, ...]
    feedback: Span
    location: Location
    anchor: str


@dataclass(frozen=True)
class Document:
    """A checked page body. ``env`` is markdown-it's environment (link references, footnotes)."""

    tokens: tuple[Token, ...]
    env: dict[str, Any]
    headings: tuple[Heading, ...]
    questions: tuple[Question, ...]
    images: tuple[ImageRef, ...]
    links: tuple[PageLink, ...]
    media_links: tuple[ImageRef, ...]

    @property
    def anchors(self) -> frozenset[str]:
        """Every id a link may point at in this page."""
        return frozenset(h.anchor for h in self.headings)

    def question_at(self, index: int) -> Question | None:
        for question in self.questions:
            if question.open == index:
                return question
        return None


def slugify(text: str) -> str:
    """A heading's anchor: lower case, words joined by hyphens, any script kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _SLUG_DROP.sub("", text)
    slug = "-".join(text.split())
    return slug or "section"


def plain_text(tokens: list[Token] | None) -> str:
    """The text of inline children without markup (for anchors, alt text and titles)."""
    parts: list[str] = []
    for token in tokens or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(plain_text(token.children))
    return "".join(parts)


def parse_tag(html: str) -> tuple[bool, str, tuple[tuple[str, str], ...]] | None:
    """``(closing, name, attributes)`` of one HTML tag, or None when it is not a plain tag."""
    match = _TAG_RE.match(html.strip())
    if not match:
        return None
    attrs = tuple(
        (m.group(1).lower(), m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR_RE.finditer(match.group(3))
    )
    return bool(match.group(1)), match.group(2).lower(), attrs


class _Reader:
    """The checks and annotations of one page; see :func:`read_document`."""

    def __init__(self, body: str, path: str, media: MediaFiles | None, problems: Problems) -> None:
        self.lines = body.split("\n")
        self.path = path
        self.media = media
        self.problems = problems
        self.env: dict[str, Any] = {}
        self.headings: list[Heading] = []
        self.images: list[ImageRef] = []
        self.links: list[PageLink] = []
        self.media_links: list[ImageRef] = []
        self.ids: set[str] = set()
        self.fixed: Location | None = None  # every problem at this place (checking a translation)

    # -- locations -------------------------------------------------------------------------

    def loc(self, token: Token | None, needle: str = "") -> Location:
        """Where ``token`` starts; the column of ``needle`` when it is on one of its lines."""
        if self.fixed is not None:
            return self.fixed
        if token is None or token.map is None:
            return Location(self.path, 1, 1)
        first, last = token.map
        if needle:
            for line in range(first, max(last, first + 1)):
                if line < len(self.lines):
                    col = self.lines[line].find(needle)
                    if col >= 0:
                        return Location(self.path, line + 1, col + 1)
        text = self.lines[first] if first < len(self.lines) else ""
        return Location(self.path, first + 1, len(text) - len(text.lstrip()) + 1)

    # -- the whole document ----------------------------------------------------------------

    def read(self, body: str) -> Document:
        tokens = self._with_box_titles(parser().parse(body, self.env))
        too_deep = self.env.pop(TOO_DEEP, None)
        if too_deep is not None:
            line, col = too_deep
            self.problems.error(
                Location(self.path, line + 1, col + 1),
                "too-deep",
                f"lists, quotations and boxes nest more than {MAX_DEPTH} deep here; nest them "
                "less (what is deeper could not be published)",
            )
        stack: list[int] = []
        block_line: Token | None = None
        for index, token in enumerate(tokens):
            if token.type == BLOCK_OPEN:
                self._check_block(token, stack, tokens)
                stack.append(index)
            elif token.type == BLOCK_CLOSE:
                opener = stack.pop()
                tokens[opener].meta["close"] = index
            elif token.type == "heading_open":
                self._heading(token, tokens[index + 1])
            elif token.type == "html_block":
                self._html_block(token)
            elif token.type == "paragraph_open":
                self._figure(token, tokens[index + 1])
            if token.map is not None:
                block_line = token
            if token.type == "inline":
                self._inline(token.children or [], block_line)
        self._check_heading_order()
        questions = tuple(
            self._question(
                tokens, index, number, self._unique_id(f"question-{number}", heading=False)
            )
            for number, index in enumerate(
                (i for i, t in enumerate(tokens) if t.type == BLOCK_OPEN and t.info == "question"),
                start=1,
            )
        )
        return Document(
            tokens=tuple(tokens),
            env=self.env,
            headings=tuple(self.headings),
            questions=questions,
            images=tuple(self.images),
            links=tuple(self.links),
            media_links=tuple(self.media_links),
        )

    def _with_box_titles(self, tokens: list[Token]) -> list[Token]:
        """Give each titled box real title tokens, so the title is translatable like any text."""
        out: list[Token] = []
        for token in tokens:
            out.append(token)
            title = token.meta.get("title") if token.type == BLOCK_OPEN else None
            if title and token.info != "question":
                inline = Token("inline", "", 0, content=title, map=token.map, level=token.level + 1)
                inline.children = parser().parseInline(title, self.env)[0].children
                out += [
                    Token("box_title_open", "p", 1, level=token.level + 1, block=True),
                    inline,
                    Token("box_title_close", "p", -1, level=token.level + 1, block=True),
                ]
        return out

    # -- blocks ----------------------------------------------------------------------------

    def _check_block(self, token: Token, stack: list[int], tokens: list[Token]) -> None:
        name = token.info
        if not token.meta.get("closed"):
            self.problems.error(
                self.loc(token),
                "unclosed-block",
                f"the '::: {name}' block is never closed; end it with a line ':::'",
            )
        if name == "question":
            kind = token.meta.get("title", "")
            if any(tokens[i].info == "question" for i in stack):
                self.problems.error(
                    self.loc(token), "nested-question", "a question cannot hold another question"
                )
            if kind not in QUESTION_KINDS:
                told = f"unknown question type {kind!r}" if kind else "the question type is missing"
                self.problems.error(
                    self.loc(token, "question"),
                    "question-type",
                    f"{told}{suggest(kind, QUESTION_KINDS)}; use one of: {', '.join(QUESTION_KINDS)}",
                )
        elif name not in BOX_KINDS:
            self.problems.error(
                self.loc(token, name),
                "unknown-box",
                f"unknown box type {name!r}{suggest(name, (*BOX_KINDS, 'question'))}; "
                f"use one of: {', '.join(BOX_KINDS)}, question",
            )

    def _unique_id(self, base: str, *, heading: bool = True) -> str:
        """``base``, or ``base-2``...; a heading never takes an id the templates or renderer use."""
        if heading and (base in RESERVED_IDS or _GENERATED_ID.match(base)):
            base = f"{base}-h"
        anchor, n = base, 1
        while anchor in self.ids:
            n += 1
            anchor = f"{base}-{n}"
        self.ids.add(anchor)
        return anchor

    def _heading(self, token: Token, inline: Token) -> None:
        text = plain_text(inline.children).strip()
        anchor = self._unique_id(slugify(text))
        token.attrSet("id", anchor)
        line = token.map[0] + 1 if token.map else 1
        self.headings.append(Heading(int(token.tag[1]), text, anchor, line))

    def _check_heading_order(self) -> None:
        previous = 1
        for heading in self.headings:
            location = Location(self.path, heading.line, 1)
            if heading.level == 1:
                self.problems.warning(
                    location,
                    "heading-level",
                    "the page title is the page's only level-1 heading; start headings at ##",
                )
            elif heading.level > previous + 1:
                self.problems.warning(
                    location,
                    "heading-level",
                    f"heading level {heading.level} follows level {previous}; do not skip levels",
                )
            previous = heading.level

    def _html_block(self, token: Token) -> None:
        text = token.content.strip()
        if text.startswith("<!--") and "-->" not in text:
            self.problems.error(
                self.loc(token),
                "raw-html",
                "this HTML comment is never closed with '-->', so it would hide the rest of the page",
            )
            return
        if text.startswith("<!--") and _COMMENT.sub("", text).strip():
            self.problems.error(
                self.loc(token),
                "raw-html",
                "write nothing after a comment's '-->' on its line: it would be left out of the page",
            )
            return
        if text.startswith("<!--"):
            directive = re.match(r"<!--\s*i18n:(\S+)", text)
            if directive and directive.group(1) not in ("skip", "comment", "context"):
                self.problems.warning(
                    self.loc(token),
                    "i18n-directive",
                    f"unknown translation directive i18n:{directive.group(1)}{suggest(directive.group(1), ('skip', 'comment', 'context'))}",
                )
            return
        first = text.split("\n", 1)[0]
        self.problems.error(
            self.loc(token),
            "raw-html",
            f"raw HTML blocks are not allowed ({first[:40]!r}); write Markdown instead",
        )

    def _figure(self, paragraph: Token, inline: Token) -> None:
        if _CLOSE_LINE.match(inline.content):
            self.problems.error(
                self.loc(paragraph),
                "stray-block-end",
                "this ':::' closes no box; remove it or open a box above",
            )
        children = [
            c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
        ]
        if len(children) == 1 and children[0].type == "image":
            paragraph.meta["figure"] = True
            children[0].meta["figure"] = True

    # -- inline ----------------------------------------------------------------------------

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

    # -- questions -------------------------------------------------------------------------

    def _question(self, tokens: list[Token], open_index: int, number: int, anchor: str) -> Question:
        opener = tokens[open_index]
        kind = str(opener.meta.get("title", ""))
        close = int(opener.meta.get("close", len(tokens)))
        level = opener.level + 1
        location = self.loc(opener)
        list_open = next(
            (
                i
                for i in range(open_index + 1, close)
                if tokens[i].level == level and tokens[i].type.endswith("list_open")
            ),
            None,
        )
        if list_open is None:
            what = "accepted answers" if kind == "short-answer" else "options"
            self.problems.error(location, "no-options", f"question {number} has no list of {what}")
            return Question(
                kind,
                number,
                open_index,
                close,
                Span(open_index + 1, close),
                (),
                Span(close, close),
                location,
                anchor,
            )
        list_close = next(
            i
            for i in range(list_open + 1, close)
            if tokens[i].level == level and tokens[i].type.endswith("list_close")
        )
        if tokens[list_open].type != "bullet_list_open":
            self.problems.error(
                self.loc(tokens[list_open]),
                "option-list",
                "write the options as a bulleted list (- [x] ...)",
            )
        prompt = Span(open_index + 1, list_open)
        if not prompt:
            self.problems.error(
                location, "no-prompt", f"question {number} has no question text before its options"
            )
        options = tuple(
            self._option(tokens, i, kind)
            for i in range(list_open + 1, list_close)
            if tokens[i].type == "list_item_open" and tokens[i].level == level + 1
        )
        self._check_answers(kind, number, options, location)
        return Question(
            kind,
            number,
            open_index,
            close,
            prompt,
            options,
            Span(list_close + 1, close),
            location,
            anchor,
        )

    def _option(self, tokens: list[Token], item: int, kind: str) -> Option:
        item_close = next(
            i
            for i in range(item + 1, len(tokens))
            if tokens[i].type == "list_item_close" and tokens[i].level == tokens[item].level
        )
        inline_index = item + 2
        inline = tokens[inline_index]
        if tokens[item + 1].type != "paragraph_open" or inline.type != "inline":
            self.problems.error(
                self.loc(tokens[item]), "option-text", "each option starts with a line of text"
            )
            return Option(item + 1, False, Span(item_close, item_close))
        match = _MARKER_RE.match(inline.content)
        correct = bool(match and match.group(1) in "xX")
        if match:
            inline.content = inline.content[match.end() :]
            first = inline.children[0] if inline.children else None
            if (
                first is not None
                and first.type == "text"
                and first.content.startswith(match.group(0))
            ):
                first.content = first.content[match.end() :]  # the common case: no need to re-parse
            else:
                inline.children = parser().parseInline(inline.content, self.env)[0].children
        elif kind != "short-answer":
            self.problems.error(
                self.loc(inline),
                "option-marker",
                "an option starts with [x] (a correct answer) or [ ] (a wrong one)",
            )
        if kind == "short-answer":
            if match and not correct:
                self.problems.error(
                    self.loc(inline),
                    "option-marker",
                    "a short-answer question lists only accepted answers; remove the [ ] option",
                )
            correct = True
        if not inline.content.strip():
            self.problems.error(self.loc(inline), "option-text", "this option has no text")
        return Option(inline_index, correct, Span(inline_index + 2, item_close))

    def _check_answers(
        self, kind: str, number: int, options: tuple[Option, ...], location: Location
    ) -> None:
        correct = sum(option.correct for option in options)
        if not options:
            self.problems.error(
                location, "no-options", f"question {number} has an empty list of options"
            )
        elif correct == 0:
            self.problems.error(
                location,
                "no-correct-answer",
                f"question {number} has no correct answer; mark one with [x]",
            )
        elif kind in ("single-choice", "true-false") and correct > 1:
            self.problems.error(
                location,
                "too-many-correct",
                f"question {number} is {kind} but {correct} options are marked [x]",
            )
        if kind == "true-false" and len(options) != 2:
            self.problems.error(
                location,
                "true-false-options",
                f"question {number} is true-false but has {len(options)} options, not 2",
            )
        if kind in ("single-choice", "multiple-response") and len(options) < 2:
            self.problems.error(
                location, "too-few-options", f"question {number} needs at least two options"
            )


def read_document(body: str, path: str, media: MediaFiles | None, problems: Problems) -> Document:
    """Parse, check and annotate a page body (front matter already blanked out).

    ``path`` is the file as shown in messages; ``media`` the course's media files that images and
    links are checked against (None skips that check, for snippets).
    """
    return _Reader(body, path, media, problems).read(body)


def check_inline(
    children: list[Token], location: Location, media: MediaFiles | None, problems: Problems
) -> tuple[PageLink, ...]:
    """Check (and annotate) inline tokens that do not come from a page, such as a translation.

    Links, images and inline HTML get the same checks as in a page; every problem is reported at
    ``location``. Returns the links to pages, for the caller to check against the course.
    """
    reader = _Reader("", location.path, media, problems)
    reader.fixed = location
    reader._inline(children, None)
    return tuple(reader.links)
