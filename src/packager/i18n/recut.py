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
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from packager.diagnostics import Problems
from packager.i18n.messages import Message, document_messages
from packager.source.reader import read_document

# The limits of what is worth parsing: a memory's message is text, not a whole book.
_MAX_LENGTH = 50_000
_MARKUP = re.compile(r"[\n\[\]`*_<>|:#]|^\s*(?:[-+*>]|\d+[.)])\s")


def _messages(text: str) -> list[Message]:
    document = read_document(text, "memory", None, Problems())
    return [m for m in document_messages(document, "memory", "") if m.where == "inline"]


def _shape(messages: list[Message]) -> list[tuple[str, int]]:
    """What pairs a piece with its translation: its kind and how many references it holds."""
    return [(m.kind, len(m.text.refs)) for m in messages]


def recut(source: str, target: str) -> Iterator[tuple[str, str]]:
    """``(source, translation)`` pairs in packager's cut; the whole pair first, as it came."""
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
