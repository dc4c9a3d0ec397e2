"""Re-cutting a memory made by another tool into packager's messages.

Tools such as mdpo, po4a, Sphinx or lesson translation tools may keep a whole Markdown block as
one message: a list with its ``- `` markers, a block quote with its ``> ``, a box with its
``:::`` lines, links written inline with their URLs. packager's message is smaller (a paragraph,
a list item, a table cell, a title) and writes links by reference. Both sides of such a pair are
parsed with the very parser and definition of a message that extraction uses
(:mod:`packager.source.reader`, :mod:`packager.i18n.messages`); when the source and the
translation cut into the same blocks in the same order, each piece pairs with its translation.
When they do not (a translator merged two sentences into one list item), only the whole pair is
kept: a wrong pairing would be worse than none.

Tools that do not know packager's syntax also join lines with spaces, so a box's ``:::`` line
runs into its first paragraph (``::: activity Title First sentence.``), the closing ``:::``
into the last list item, and a page's front matter into one text. :func:`_unjoined` undoes
what can be undone safely: the fence words go, a question's prompt stands alone, a box's title
and body are paired at sentence boundaries only where source and translation have as many
sentences, and a front matter's ``title:`` pairs with the translation's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from packager.diagnostics import Problems
from packager.i18n.messages import Message, document_messages
from packager.source.document import QUESTION_KINDS
from packager.source.reader import read_document

# The limits of what is worth parsing: a memory's message is text, not a whole book.
_MAX_LENGTH = 50_000
_MARKUP = re.compile(r"[\n\[\]`*_<>|:#]|^\s*(?:[-+*>]|\d+[.)])\s")


def _messages(text: str) -> list[Message]:
    document = read_document(text, "memory", None, Problems())
    return document_messages(document, "memory", "")


def _shape(messages: list[Message]) -> list[tuple[str, int]]:
    """What pairs a piece with its translation: its kind and how many references it holds."""
    return [(m.kind, len(m.text.refs)) for m in messages]


_OPENING = re.compile(r"^:::[ \t]*([A-Za-z][\w-]*)[ \t]*(.*)$", re.DOTALL)
_CLOSING = re.compile(r"\s+:::$")
_TITLE = re.compile(r"^title:[ \t]*(.+?)(?:\s+[A-Za-z_]+:(?:\s|$)|\s*$)", re.DOTALL | re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?:;\u3002\uff01\uff1f\u061f])\s+(?=\S)")


def _unjoined(source: str, target: str) -> Iterator[tuple[str, str]]:
    """The pairs hidden in a text that joined a fence or front matter to its text; see above."""
    title, other = _TITLE.match(source), _TITLE.match(target)
    # Front matter: ``title:`` followed by another field (a text merely starting "Title:" is not).
    if title and other and title.end(1) < len(source.rstrip()):
        yield title.group(1).strip(), other.group(1).strip()
        return
    if _CLOSING.search(source) and _CLOSING.search(target):
        source, target = _CLOSING.sub("", source), _CLOSING.sub("", target)
        yield source, target
    opening, other = _OPENING.match(source), _OPENING.match(target)
    if not opening or not other or opening.group(1) != other.group(1) or "\n" in source:
        return
    source, target = opening.group(2), other.group(2)
    if opening.group(1) == "question":
        kind, _, source = source.partition(" ")
        if kind in QUESTION_KINDS and target.startswith(kind + " "):
            yield source.strip(), target[len(kind) + 1 :].strip()
        return
    yield source, target
    sentences, translated = _SENTENCE_END.split(source), _SENTENCE_END.split(target)
    if len(sentences) == len(translated):
        for cut in range(1, len(sentences)):
            yield " ".join(sentences[:cut]), " ".join(translated[:cut])
            yield " ".join(sentences[cut:]), " ".join(translated[cut:])


def recut(source: str, target: str) -> Iterator[tuple[str, str]]:
    """``(source, translation)`` pairs in packager's cut; the whole pair first, as it came."""
    yield from _cut(source, target)
    for piece, translation in _unjoined(source, target):
        yield from _cut(piece, translation)


def _cut(source: str, target: str) -> Iterator[tuple[str, str]]:
    """The pair, and its pieces when both sides parse into blocks of the same shape."""
    yield source, target
    if len(source) > _MAX_LENGTH or len(target) > _MAX_LENGTH or not _MARKUP.search(source):
        return  # plain text: its own message already, nothing to cut
    pieces = _messages(source)
    if len(pieces) == 1 and pieces[0].msgid == source:
        return
    translated = _messages(target)
    if _shape(pieces) != _shape(translated):
        return
    for piece, translation in zip(pieces, translated, strict=True):
        yield piece.msgid, translation.msgid
