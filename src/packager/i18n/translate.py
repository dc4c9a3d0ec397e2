"""Apply a language's catalogue to a course: the translated course model.

Translations are substituted at the token level: each message's inline tokens are replaced by the
parse of its ``msgstr`` (with the message's link targets, so ``[le guide][1]`` links where the
source did), and nothing is turned back into Markdown. A message without a usable translation
keeps the source text and is marked (``meta['fallback']``, :class:`~packager.source.model.SourceText`) so
the page can say so and mark it with the source language. Translations are untrusted: their links,
images and HTML get the same checks as a page's, reported at the ``.po`` line.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token

from packager.diagnostics import Location, Problems
from packager.i18n.messages import Message, course_messages
from packager.source.document import Document, plain_text
from packager.source.fields import is_web_url
from packager.source.inline import check_inline
from packager.source.mdinline import adopt_footnotes, footnote_env, parse_inline
from packager.source.media import MediaFiles
from packager.source.model import Course, FuzzyText, MediaCredit, Module, Page, SourceText


@dataclass(frozen=True)
class Translation:
    """A usable ``msgstr`` and where it was written."""

    text: str
    location: Location
    fuzzy: bool = False  # used only in a preview, where it is highlighted for review
    #: In a preview, what the glossary says this translation lacks (highlighted with it).
    glossary: str = ""


Lookup = Mapping[tuple[str | None, str], Translation]


def translate_course(
    course: Course,
    lookup: Lookup,
    problems: Problems,
    messages: Sequence[Message] | None = None,
) -> Course:
    """``course`` with every message translated from ``lookup`` or marked as a fallback.

    ``messages``: the course's, when the caller has them already (they are the same for every
    language, and extracting them costs about as much as parsing the course).
    """
    if messages is None:
        messages = course_messages(course)
    meta = {(m.kind, m.msgid): m for m in messages if m.where == "meta"}
    media = MediaFiles(frozenset(course.media_files))
    page_ids = {page.id: page for page in course.pages}

    def text(value: str | None, kind: str) -> str | None:
        if value is None:
            return None
        message = meta.get((kind, value))
        found = lookup.get((message.context, value)) if message is not None else None
        if found is None:
            return SourceText(value)
        if message is not None and message.markdown:  # objectives, outcomes: Markdown to check
            _check(parse_inline(found.text, {}), found.location, media, page_ids, problems)
        return FuzzyText(found.text) if found.fuzzy else found.text

    by_page: dict[str, list[Message]] = {}
    for message in messages:
        if message.where != "meta":
            by_page.setdefault(message.source, []).append(message)
    modules = []
    for module in course.modules:
        pages = []
        for page in module.pages:
            document, fallbacks = _translate_document(
                page.document, by_page.get(page.source, []), lookup, media, page_ids, problems
            )
            title = text(page.title, "page title") or page.title
            objectives = tuple(text(o, "learning objective") or o for o in page.objectives)
            missing = (
                fallbacks
                + isinstance(title, SourceText)
                + sum(isinstance(o, SourceText) for o in objectives)
            )
            pages.append(
                replace(
                    page,
                    title=title,
                    objectives=objectives,
                    document=document,
                    fallbacks=missing,
                    url=_url(page.url, lookup, problems),
                )
            )
        modules.append(Module(text(module.title, "module title") or module.title, tuple(pages)))
    credits = tuple(
        MediaCredit(
            c.path,
            text(c.title, f"title of media/{c.path}") or c.title,
            c.author,
            c.license,
            c.source,
        )
        for c in course.media
    )
    return replace(
        course,
        title=text(course.title, "course title") or course.title,
        subtitle=text(course.subtitle, "course subtitle"),
        description=text(course.description, "course description") or course.description,
        outcomes=tuple(text(o, "course outcome") or o for o in course.outcomes),
        keywords=tuple(text(k, "keyword") or k for k in course.keywords),
        modules=tuple(modules),
        media=credits,
    )


def translate_title(course: Course, key: tuple[str | None, str] | None, lookup: Lookup) -> str:
    """The course's title alone in a language (``key``: its message's), else the source title:
    what the catalogue page lists for a language whose outputs a build was not asked for."""
    found = lookup.get(key) if key is not None else None
    return found.text if found is not None else course.title


def _translate_document(
    document: Document,
    messages: list[Message],
    lookup: Lookup,
    media: MediaFiles,
    pages: Mapping[str, Page],
    problems: Problems,
) -> tuple[Document, int]:
    tokens = list(document.tokens)
    copied: set[int] = set()
    fallbacks = 0

    def own(index: int) -> Token:
        if index not in copied:
            token = copy.copy(tokens[index])
            token.meta = dict(token.meta)
            token.children = list(token.children or [])
            tokens[index] = token
            copied.add(index)
        return tokens[index]

    for message in messages:
        found = lookup.get((message.context, message.msgid))
        token = own(message.index)
        if message.where == "inline":
            if found is None:
                token.meta["fallback"] = True
                fallbacks += 1
                continue
            children = parse_inline(found.text, message.text.env(footnote_env(document.env)))
            token.children = adopt_footnotes(
                children, document.tokens[message.index].children or []
            )
            token.content = found.text
            if found.fuzzy:
                token.meta["fuzzy"] = True
            if found.glossary:
                token.meta["glossary"] = found.glossary
            _check(token.children, found.location, media, pages, problems)
        else:
            position, image = next(
                (i, c) for i, c in enumerate(token.children or []) if c.type == "image"
            )
            image = copy.copy(image)
            image.attrs = dict(image.attrs)
            image.meta = dict(image.meta)
            if found is None:
                image.meta[f"fallback_{message.where}"] = True
                fallbacks += 1
            elif message.where == "alt":
                image.children = parse_inline(found.text, message.text.env())
                image.content = plain_text(image.children)
            else:
                image.attrs["title"] = found.text
            assert token.children is not None
            token.children[position] = image
    return replace(document, tokens=tuple(tokens)), fallbacks


def _url(url: str | None, lookup: Lookup, problems: Problems) -> str | None:
    """A web link page's address in the language, if the translator gave a valid one."""
    found = lookup.get((None, url)) if url else None
    if found is None:
        return url
    if not is_web_url(found.text):
        problems.error(
            found.location,
            "invalid-url",
            f"the translated address must be an http:// or https:// URL: {found.text[:60]!r}",
        )
        return url
    return found.text


def _check(
    children: list[Token],
    location: Location,
    media: MediaFiles,
    pages: Mapping[str, Page],
    problems: Problems,
) -> None:
    for link in check_inline(children, location, media, problems):
        target = pages.get(link.page) if link.page else None
        if link.page and target is None:
            problems.error(
                location,
                "broken-link",
                f"the translation links to a page that is not in the course: {link.page}.md",
            )
        elif target is not None and link.anchor and link.anchor not in target.document.anchors:
            problems.error(
                location,
                "broken-link",
                f"the translation links to #{link.anchor}, which the page {target.id!r} does not have",
            )
