"""The one Markdown parser that extraction and rendering share.

CommonMark (markdown-it-py) plus tables, strikethrough, footnotes and ``:::`` blocks. Message
extraction and HTML rendering both start from the tokens this parser produces, so a translation
is substituted into exactly the structure the author wrote and Markdown is never regenerated.

The ``:::`` rule is our own rather than mdit-py-plugins' container plugin because authors nest
boxes (a question inside an activity) and that plugin closes the outer box at the first inner
``:::``; ours pairs opening and closing lines like brackets and marks a block left open so the
checker can report it.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

BLOCK_OPEN = "block_open"
BLOCK_CLOSE = "block_close"

_OPEN_RE = re.compile(r"^ {0,3}(:{3,})[ \t]*([A-Za-z][\w-]*)(?:[ \t]+(.*?))?[ \t]*$")
_CLOSE_RE = re.compile(r"^ {0,3}(:{3,})[ \t]*$")
_FENCE_RE = re.compile(r"^(`{3,}|~{3,})")


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] : state.eMarks[line]]


def _block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``::: name title`` ... ``:::``, nesting like brackets.

    The open token carries ``info`` (the name), ``meta['title']`` (the rest of the line) and
    ``meta['closed']`` (False when the document ended first).
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    match = _OPEN_RE.match(_line(state, start_line))
    if not match:
        return False
    if silent:
        return True
    depth = 1
    line = start_line + 1
    closed = False
    in_fence = ""
    while line < end_line:
        if (
            state.sCount[line] < state.blkIndent
            and state.bMarks[line] + state.tShift[line] < state.eMarks[line]
        ):
            break
        text = _line(state, line)[state.blkIndent :] if state.blkIndent else _line(state, line)
        stripped = text.lstrip(" ")
        fence = _FENCE_RE.match(stripped)
        if in_fence:
            # CommonMark: a fence closes with the same character, at least as long, nothing after.
            if (
                fence
                and fence.group(1)[0] == in_fence[0]
                and len(fence.group(1)) >= len(in_fence)
                and not stripped[len(fence.group(1)) :].strip()
            ):
                in_fence = ""
        elif fence:
            in_fence = fence.group(1)
        elif _CLOSE_RE.match(text):
            depth -= 1
            if depth == 0:
                closed = True
                break
        elif _OPEN_RE.match(text):
            depth += 1
        line += 1

    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "container"
    state.lineMax = line
    token = state.push(BLOCK_OPEN, "div", 1)
    token.markup = match.group(1)
    token.block = True
    token.info = match.group(2)
    token.meta = {"title": (match.group(3) or "").strip(), "closed": closed}
    token.map = [start_line, line + 1 if closed else line]
    state.md.block.tokenize(state, start_line + 1, line)
    token = state.push(BLOCK_CLOSE, "div", -1)
    token.block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = line + 1 if closed else line
    return True


#: How many lists, quotations, boxes and footnotes may hold one another. markdown-it drops
#: whatever lies deeper than its ``maxNesting`` (in token levels, two for a list) without a word,
#: so the parser's limit is set well above this one and the guard below reports the first line
#: that goes deeper, before anything could be dropped.
MAX_DEPTH = 32
MAX_NESTING = 100
INLINE_NESTING = 20
_CONTAINERS = (
    "bullet_list_open",
    "ordered_list_open",
    "blockquote_open",
    BLOCK_OPEN,
    "footnote_open",
)
_CLOSERS = (
    "bullet_list_close",
    "ordered_list_close",
    "blockquote_close",
    BLOCK_CLOSE,
    "footnote_close",
)
TOO_DEEP = "too_deep"  # env key: (0-based line, 0-based column) where the nesting passed MAX_DEPTH


def _depth_guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Record in ``env`` where blocks nest deeper than :data:`MAX_DEPTH`; never takes a line."""
    if silent or state.level < MAX_DEPTH or TOO_DEEP in state.env:
        return False
    depth = 0
    for token in state.tokens:
        if token.type in _CONTAINERS:
            depth += 1
        elif token.type in _CLOSERS:
            depth -= 1
    if depth > MAX_DEPTH:
        start = state.bMarks[start_line] + state.tShift[start_line]
        line_start = state.src.rfind("\n", 0, start) + 1
        state.env[TOO_DEEP] = (start_line, start - line_start)
    return False


@functools.cache
def parser() -> MarkdownIt:
    """The shared, configured parser (created once per process).

    Raw HTML is parsed (``html=True``) so that comments can carry translator directives; the
    checker refuses anything but a short allow-list and the renderer never emits raw HTML.
    ``validateLink`` accepts everything so that the checker, not the parser, decides: an unsafe
    ``javascript:`` link becomes a located error instead of silently turning into text.

    Blocks nest up to :data:`MAX_NESTING` token levels (the guard reports what goes deeper than
    :data:`MAX_DEPTH`); inline text keeps CommonMark's limit of 20, past which markdown-it keeps
    the rest as plain text (nothing is lost) and a run of ``[`` stays cheap to parse.
    """
    md = _configured(MAX_NESTING)
    md.block.ruler.before("table", "depth_guard", _depth_guard)
    inline_md = _configured(INLINE_NESTING)

    def inline(state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline":
                token.children = token.children or []
                inline_md.inline.parse(token.content, inline_md, state.env, token.children)

    md.core.ruler.at("inline", inline)
    return md


def _configured(max_nesting: int) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": True, "linkify": False, "typographer": False, "maxNesting": max_nesting},
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.block.ruler.before(
        "fence",
        "colon_block",
        _block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def parse(source: str) -> list[Token]:
    """Block tokens of ``source``; lines in ``Token.map`` are 0-based lines of ``source``."""
    return parser().parse(source, {})


def split_front_matter(text: str) -> tuple[str | None, int, str]:
    """Split ``---`` front matter from a page.

    Returns ``(yaml_text, yaml_first_line, body)`` where ``body`` keeps the front matter's lines
    as blank lines, so line numbers in the body's tokens are line numbers of the file. ``yaml_text``
    is None when the page has no front matter; ``yaml_first_line`` is the 0-based line the YAML
    starts on. An unterminated front matter block is treated as having none (the checker reports it).
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n" * index + "\n" + "\n".join(lines[index + 1 :])
            return yaml_text, 1, body
    return None, 0, text
