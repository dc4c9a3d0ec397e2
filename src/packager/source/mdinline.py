"""Inline Markdown in one normalised form: the text of a message.

A message's msgid is written from the parsed inline tokens, not copied from the source, so that
the same text always gives the same msgid however the author wrapped or styled it: line wraps
become spaces, ``_em_`` becomes ``*em*``, and links and images become reference style
(``[the guide][1]``, ``![diagram][2]``) with their targets kept aside in :class:`InlineText`
``refs``. A URL change then leaves the msgid alone, and translators see the URLs in a comment.

Writing Markdown from tokens has corner cases; :func:`to_markdown` checks its result by parsing it
back and falls back to the source text (wraps made spaces) if the two would render differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from packager.source.markdown import parser


@dataclass(frozen=True)
class Ref:
    """A link or image target of a message: ``[n]: href "title"``."""

    label: str
    href: str
    title: str = ""

    def comment(self) -> str:
        title = f' "{self.title}"' if self.title else ""
        return f"[{self.label}]: {self.href}{title}"


@dataclass(frozen=True)
class InlineText:
    """A message's text and the link targets its reference labels stand for."""

    text: str
    refs: tuple[Ref, ...] = ()

    def env(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """A markdown-it environment in which ``text`` (or its translation) parses back."""
        env: dict[str, Any] = {k: v for k, v in (base or {}).items() if k != "references"}
        env["references"] = {
            ref.label.upper(): {"href": ref.href, "title": ref.title} for ref in self.refs
        }
        return env


_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HTML_START = re.compile(r"<[A-Za-z/!?]")


def _free_standing(text: str, i: int, open_start: bool, open_end: bool) -> bool:
    """Whether the run of ``*`` or ``_`` at ``i`` has white space (or an end) on both sides.

    Such a run can neither open nor close emphasis (``Goal number ___ .``), so it needs no
    backslashes, which keeps blanks in questions readable for translators.
    """
    start, end = i, i
    while start > 0 and text[start - 1] == text[i]:
        start -= 1
    while end + 1 < len(text) and text[end + 1] == text[i]:
        end += 1
    before = text[start - 1] if start > 0 else (" " if open_start else "x")
    after = text[end + 1] if end + 1 < len(text) else (" " if open_end else "x")
    return before.isspace() and after.isspace()


def escape_text(text: str, open_start: bool = False, open_end: bool = False) -> str:
    """Backslash-escape what inline Markdown would otherwise read as markup.

    ``open_start``/``open_end``: the text begins/ends the message (or a space is next to it), so a
    run of ``*`` or ``_`` there touches white space, not markup.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in "*_" and _free_standing(text, i, open_start, open_end):
            out.append(ch)
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if (
            ch in "\\`*[]"
            or (ch == "_" and not (prev.isalnum() and nxt.isalnum()))
            or (ch == "~" and "~" in (prev, nxt))
            or (ch == "<" and _HTML_START.match(text, i))
            or (ch == "&" and _ENTITY.match(text, i))
            or (ch == "!" and nxt == "[")
        ):
            out.append("\\")
        out.append(ch)
    return "".join(out)


def _code(content: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = (
        content.startswith("`")
        or content.endswith("`")
        or (content.startswith(" ") and content.endswith(" ") and content.strip(" "))
    )
    space = " " if pad else ""
    return f"{fence}{space}{content}{space}{fence}"


class _Writer:
    def __init__(self) -> None:
        self.refs: list[Ref] = []

    def ref(self, href: str, title: str) -> str:
        for ref in self.refs:
            if ref.href == href and ref.title == title:
                return ref.label
        label = str(len(self.refs) + 1)
        self.refs.append(Ref(label, href, title))
        return label

    def target(self, href: str, title: str) -> str:
        """``[1]`` (the URL kept aside), or ``(url "title")`` when there is a title to translate.

        A reference label cannot carry a title, and a title left in the reference would stay in
        the source language on every page.
        """
        if not title:
            return f"[{self.ref(href, title)}]"
        if not href or re.search(r"[\s()<>\\]", href):
            href = "<" + re.sub(r"([<>\\])", r"\\\1", href) + ">"
        escaped = "".join(
            "\\" + ch if ch in '"\\' or (ch == "&" and _ENTITY.match(title, i)) else ch
            for i, ch in enumerate(title)
        )
        return f'({href} "{escaped}")'

    def write(self, tokens: list[Token], top: bool = False) -> str:
        out: list[str] = []
        breaks = ("softbreak", "hardbreak")
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "text":
                first = index == 0 or tokens[index - 1].type in breaks
                last = index == len(tokens) - 1 or tokens[index + 1].type in breaks
                out.append(escape_text(token.content, top and first, top and last))
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\\\n")
            elif kind in ("em_open", "em_close"):
                out.append("*")
            elif kind in ("strong_open", "strong_close"):
                out.append("**")
            elif kind in ("s_open", "s_close"):
                out.append("~~")
            elif kind == "code_inline":
                out.append(_code(token.content))
            elif kind == "html_inline":
                out.append(token.content)
            elif kind == "link_open":
                if token.markup == "autolink":
                    out.append("<")
                else:
                    out.append("[")
            elif kind == "link_close":
                opener = _matching_open(tokens, token)
                if opener.markup == "autolink":
                    out.append(">")
                else:
                    href = str(opener.attrs.get("href", ""))
                    out.append("]" + self.target(href, str(opener.attrs.get("title") or "")))
            elif kind == "image":
                alt = self.write(token.children or [])
                src = str(token.attrs.get("src", ""))
                out.append(f"![{alt}]" + self.target(src, str(token.attrs.get("title") or "")))
            elif kind == "footnote_ref":
                out.append(f"[^{token.meta.get('label', token.meta.get('id', 0) + 1)}]")
            else:
                out.append(escape_text(token.content))
        return "".join(out)


def _matching_open(tokens: list[Token], close: Token) -> Token:
    index = next(i for i, t in enumerate(tokens) if t is close)
    depth = 0
    for i in range(index - 1, -1, -1):
        if tokens[i].type == "link_close":
            depth += 1
        elif tokens[i].type == "link_open":
            if depth == 0:
                return tokens[i]
            depth -= 1
    raise ValueError("unbalanced link tokens")


class _ComparingRenderer(RendererHTML):
    """markdown-it's renderer, with a line wrap written as the space it means in HTML."""

    def softbreak(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return " "


_COMPARE = _ComparingRenderer()


def render_inline(tokens: list[Token], env: dict[str, Any]) -> str:
    """Plain rendering of inline tokens, for comparing two texts."""
    md = parser()
    rules = md.renderer.rules  # type: ignore[attr-defined]
    for name in ("footnote_ref", "footnote_anchor_name", "footnote_caption"):
        _COMPARE.rules.setdefault(name, rules[name])
    return _COMPARE.renderInline(tokens, md.options, env)


def parse_inline(text: str, env: dict[str, Any]) -> list[Token]:
    """The inline tokens of ``text`` in ``env`` (which must hold the references it uses)."""
    return parser().parseInline(text, env)[0].children or []


def to_markdown(tokens: list[Token], source: str, env: dict[str, Any]) -> InlineText:
    """The normalised Markdown of inline ``tokens``; ``source`` is their text in the file."""
    writer = _Writer()
    text = writer.write(tokens, top=True).strip()
    result = InlineText(text, tuple(writer.refs))
    if _same(tokens, result, env):
        return result
    fallback = InlineText(source.replace("\n", " ").strip())
    return fallback if _same(tokens, fallback, env) else result


def _same(tokens: list[Token], candidate: InlineText, env: dict[str, Any]) -> bool:
    parsed = adopt_footnotes(parse_inline(candidate.text, candidate.env(footnote_env(env))), tokens)
    return render_inline(parsed, footnote_env(env)) == render_inline(tokens, footnote_env(env))


def adopt_footnotes(parsed: list[Token], source: list[Token]) -> list[Token]:
    """Give footnote references in ``parsed`` the numbering of the same notes in ``source``.

    Parsing a text on its own numbers its references afresh; the page's notes keep their ids.
    """
    metas: dict[str, list[dict[str, Any]]] = {}
    for token in source:
        if token.type == "footnote_ref":
            metas.setdefault(str(token.meta.get("label")), []).append(token.meta)
    for token in parsed:
        if token.type == "footnote_ref":
            known = metas.get(str(token.meta.get("label")))
            if known:
                token.meta = dict(known.pop(0) if len(known) > 1 else known[0])
    return parsed


def footnote_env(env: dict[str, Any]) -> dict[str, Any]:
    """A copy of the footnote part of ``env``, so parsing a text never adds notes to the page."""
    notes = env.get("footnotes")
    if not notes:
        return {}
    return {"footnotes": {"refs": dict(notes.get("refs", {})), "list": dict(notes.get("list", {}))}}
