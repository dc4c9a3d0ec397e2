"""A long book laid out in parts, one WeasyPrint layout per group of modules, and joined.

While WeasyPrint lays out a document, its parsed tree, the cascade of every element and the
formatting structure of the whole document exist at once, on top of the pages laid out so far. A
book over :data:`SPLIT_ABOVE` characters of text is therefore cut at the top level of its body:
the front matter (everything before the first module: the cover and the contents) is one part,
then the modules, the answer key and the credits in order, grouped while a part holds at most
:data:`PART_TEXT` characters (a longer module is a part alone). Each of these begins with a
forced page break in the packager's stylesheet (``.module-title { break-before: page }``), so a
cut there moves nothing; a course that brings its own ``book.html`` or ``print.css`` is laid out
whole, as its stylesheet may not break there (``book.py`` decides). Each part is laid out alone,
and the pages of all parts are joined into one document, written once: links, bookmarks, tags,
fonts and metadata are made from the joined pages as from one layout, and the bytes are those of
the book laid out whole (a test compares them). The laid-out pages themselves stay until the PDF
is written (WeasyPrint draws and tags from them); what parts save is every element's cascade
and the working memory of one layout of the whole book (an SVG drawing keeps the layout it was
loaded in alive until the end: ``book.py`` shares the image cache, so that is one part's).

What one layout carries from page to page is handed from part to part:

- the page counter: a part after the first starts with a set-up page, dropped when the pages are
  joined, whose ``counter-reset`` makes the part's first page the number after the last part's;
- the running headers (``string-set``): the set-up page assigns each named string the value it
  had at the end of the parts before, so the part's first page sees it as the value it enters
  with, as in one layout (the set-up page is also the part's ``@page :first``, so the cover's
  rule, which hides the headers, falls on it and not on the part's first page);
- the contents' page numbers (``target-counter`` to anchors in later parts): the front matter
  ends with a page, dropped too, of stand-ins for the anchors it links to, each resetting a
  ``page`` counter of its own to the number its part gave the anchor (WeasyPrint reads a
  target's own counters before its page's). The front matter is laid out once to learn its
  length, the other parts after it, then the front matter again with their numbers; if the
  numbers changed the contents' length, the other parts follow it (at most :data:`MAX_PASSES`
  times, else the book is laid out whole).

A stylesheet that numbers pages ``:left`` and ``:right``, counts elements across the book or
prints ``counter(pages)`` would need more carried; the packager's does none of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import unquote

# A smaller book (the sample course's books hold 10,000 to 31,000 characters) is laid out whole:
# its layout needs little memory, and one layout is what it always was.
SPLIT_ABOVE = 40_000
# Characters of text a part holds at most, unless one module alone holds more: two modules, 23
# printed pages, of the generated benchmark course. A layout's working memory grows with its
# part; each layout also has a fixed cost in time (its stylesheet matched, its pages begun).
PART_TEXT = 15_000
MAX_PASSES = 3
# (html, css) -> a laid out WeasyPrint Document; book.py binds the fetcher, stylesheet and fonts.
Render = Callable[[str, str], Any]


@dataclass(frozen=True)
class Part:
    """Some top-level children of the book's body, serialised, with the anchors they hold and the
    anchors they link to (``href="#..."``)."""

    body: str
    ids: frozenset[str]
    refs: frozenset[str]


@dataclass(frozen=True)
class Book:
    """The book cut into parts: ``before`` and ``after`` are the whole document around its body's
    content (the head, the ``<html>`` and ``<body>`` tags), so a part is a document of its own."""

    before: str
    after: str
    parts: tuple[Part, ...]

    def document(self, part: Part, *, first: str = "", last: str = "") -> str:
        return self.before + first + part.body + last + self.after


def split(html: str) -> Book | None:
    """The book cut into parts, or None when it is laid out whole (short, or one part)."""
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(html)
    if sum(len(t) for t in root.itertext()) <= SPLIT_ABOVE:
        return None
    body = root.find("body")
    assert body is not None
    children = list(body)
    first_module = next(
        (n for n, c in enumerate(children) if "module" in (c.get("class") or "").split()), None
    )
    if not first_module:  # no module, or nothing before it: nothing to cut
        return None
    groups: list[list[Any]] = [children[:first_module]]
    size = PART_TEXT + 1  # the front matter is a part alone
    for child in children[first_module:]:
        text = sum(len(t) for t in child.itertext())
        if size + text > PART_TEXT:
            groups.append([])
            size = 0
        groups[-1].append(child)
        size += text
    if len(groups) < 3:  # the front matter and one part: as cheap laid out whole
        return None
    parts = tuple(_part(group) for group in groups)
    for child in children:
        body.remove(child)  # its tail (the whitespace after it) goes with it, into its part
    body.text = None
    shell = lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    cut = shell.rindex("</body>")
    return Book(shell[:cut], shell[cut:], parts)


def _part(elements: list[Any]) -> Part:
    from lxml import html as lxml_html

    inside = [e for element in elements for e in element.iter()]
    return Part(
        "".join(lxml_html.tostring(e, encoding="unicode") for e in elements),
        frozenset(str(e.get("id")) for e in inside if e.get("id")),
        frozenset(
            unquote(str(e.get("href"))[1:])
            for e in inside
            if e.tag == "a" and str(e.get("href") or "").startswith("#")
        ),
    )


def lay_out(book: Book, render: Render) -> Any | None:
    """The book's pages laid out part by part and joined into one Document (None if the
    contents' length never settled: the caller lays the book out whole)."""
    front, rest = book.parts[0], book.parts[1:]
    wanted = sorted(front.refs - front.ids)  # anchors of later parts the front matter links to
    numbers: dict[str, int] = {}
    rest_start = 0
    rest_pages: list[Any] = []
    for _ in range(MAX_PASSES):
        # The anchors of other parts it links to (and the page they are on: 0 while unknown);
        # an anchor no part holds gets no stand-in, as in one layout.
        held = {a: numbers.get(a, 0) for a in wanted if a in numbers or not numbers}
        document = render(book.document(front, last=_stand_ins(held) if held else ""), "")
        pages = list(document.pages)
        ends = next((n for n, p in enumerate(pages) if set(held) & set(p.anchors)), len(pages))
        pages = pages[:ends]
        if len(pages) + 1 == rest_start:  # the other parts were laid out after this length
            return document.copy(pages + rest_pages)
        strings = _strings(pages, {})
        rest_start = start = len(pages) + 1
        del document, pages  # laid out again at the end: not kept while the others are
        rest_pages = []
        for part in rest:
            names = ", ".join(f"{name} {_css_string(text)}" for name, text in strings.items())
            css = (
                f"@page packager-set-up {{ counter-reset: page {start - 1} }}\n"
                ".packager-set-up { page: packager-set-up; break-after: page;"
                f" string-set: {names or 'none'} }}\n"
            )
            laid_out = list(
                render(book.document(part, first='<div class="packager-set-up"></div>'), css).pages
            )[1:]
            for number, page in enumerate(laid_out, start):
                for anchor in page.anchors:
                    numbers.setdefault(anchor, number)
            strings = _strings(laid_out, strings)
            rest_pages += laid_out
            start += len(laid_out)
    return None


def _stand_ins(numbers: dict[str, int]) -> str:
    """A page (dropped) that holds these anchors, each with its page number: a ``target-counter``
    reads a counter the target sets itself before the page's (WeasyPrint mixes the target's
    counters over its page's), so one page serves every number."""
    ids = "".join(
        f'<div id="{escape(a)}" style="counter-reset: page {n}"></div>'
        for a, n in sorted(numbers.items())
    )
    return f'<div style="break-before: page">{ids}</div>'


def _strings(pages: Iterable[Any], strings: dict[str, str]) -> dict[str, str]:
    """Each named string's value after these pages (the last assignment, in document order)."""
    strings = dict(strings)
    for page in pages:
        for box in page._page_box.descendants():
            if not box.string_set or box.string_set == "none":
                continue
            for name, text in box.string_set:
                strings[name] = text
    return strings


def _css_string(text: str) -> str:
    """Text as a CSS string: quotes, backslashes and line ends escaped as code points."""
    return '"' + re.sub(r'["\\\n\r\f]', lambda m: f"\\{ord(m.group()):x} ", text) + '"'
