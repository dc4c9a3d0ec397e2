"""The state a page's reader keeps while it checks the page: its lines (for locations), the ids
already used, what it found so far, and where its problems go."""

from __future__ import annotations

from typing import Any

from markdown_it.token import Token

from packager.diagnostics import Location, Problems
from packager.source.document import (
    _GENERATED_ID,
    RESERVED_IDS,
    Heading,
    ImageRef,
    PageLink,
)
from packager.source.media import MediaFiles


class PageState:
    """What the checks of one page share; the reader's parts build on it."""

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
