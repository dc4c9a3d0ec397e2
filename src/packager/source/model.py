"""The course model: what the loader produces and every output format reads.

All values are frozen. A :class:`Course` is complete when it exists: the loader validates
everything first, so no later stage checks for missing pieces.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packager.source.document import Document
from packager.source.licenses import License


class SourceText(str):
    """A text shown in the course's source language because its translation is missing.

    Templates mark it with the source language's ``lang`` and ``dir`` (the ``lang`` filter).
    """


class FuzzyText(str):
    """A translation marked fuzzy (only a preview uses those): templates highlight it."""

    __slots__ = ()


@dataclass(frozen=True)
class TranslationCredit:
    """Who translated the course into ``lang`` (from the catalogue's header)."""

    lang: str
    translators: tuple[str, ...]
    team: str | None = None


class PageKind(enum.Enum):
    """What a page is; the cartridge maps each kind to its own resource type."""

    PAGE = "page"
    QUIZ = "quiz"
    DISCUSSION = "discussion"
    WEBLINK = "weblink"


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class MediaCredit:
    """Who made a media file and under which licence (``path`` is relative to ``media/``)."""

    path: str
    title: str
    author: str
    license: License
    source: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of the course.

    ``id`` is the file name without ``.md``; ``source`` the path shown in messages.
    """

    id: str
    source: str
    title: str
    kind: PageKind
    duration: int
    objectives: tuple[str, ...]
    document: Document
    url: str | None = None
    forum_url: str | None = None
    text_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    fallbacks: int = 0

    @property
    def filename(self) -> str:
        """The page's file name in the HTML site."""
        return f"{self.id}.html"


@dataclass(frozen=True)
class Module:
    title: str
    pages: tuple[Page, ...]

    @property
    def duration(self) -> int:
        """Minutes, summed over the module's pages."""
        return sum(page.duration for page in self.pages)


#: When a SCORM package reports the course completed: the last page of the outline is reached,
#: or every page has been seen (over all the learner's sessions).
COMPLETION_RULES = ("last-page", "every-page")


@dataclass(frozen=True)
class Tracking:
    """course.yaml's ``scorm`` settings: what a SCORM package reports to the platform."""

    completion: str = "last-page"  # one of COMPLETION_RULES
    pass_mark: int = 80  # percent of the quiz's questions answered right, to pass


@dataclass(frozen=True)
class Course:
    """A whole course, validated. ``root`` is the course folder.

    ``text_lines`` (here and on :class:`Page`) maps each text of the YAML to the line it is on, for
    the ``path:line`` references of extracted messages.
    """

    id: str
    root: Path
    title: str
    description: str
    language: str
    languages: tuple[str, ...]
    license: License
    authors: tuple[Author, ...]
    keywords: tuple[str, ...]
    version: str
    hours: float
    modules: tuple[Module, ...]
    media: tuple[MediaCredit, ...]
    media_files: tuple[str, ...]
    subtitle: str | None = None
    outcomes: tuple[str, ...] = ()
    updated: dt.date | None = None
    forum_url: str | None = None
    cover: str | None = None
    text_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    translations: tuple[TranslationCredit, ...] = ()
    min_translated: int = 0
    cc_version: str | None = None
    tracking: Tracking = Tracking()
    wordpress_theme: str = "oeru_course"  # WordPress markup: the OERu theme's panels, or blocks
    wenotes_tag: str | None = None  # the tag learners' posts carry (WEnotes); the id by default

    @functools.cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every page in outline order."""
        return tuple(page for module in self.modules for page in module.pages)

    @property
    def duration(self) -> int:
        """Minutes, summed over every page."""
        return sum(module.duration for module in self.modules)

    def credit_for(self, media_path: str) -> MediaCredit:
        """The credit of a file in ``media/``; the course's own authors and licence by default."""
        for credit in self.media:
            if credit.path == media_path:
                return credit
        return MediaCredit(
            path=media_path,
            title=Path(media_path).name,
            author=", ".join(author.name for author in self.authors),
            license=self.license,
        )
