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
from typing import Any

from markdown_it.token import Token

from packager.diagnostics import Location

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
