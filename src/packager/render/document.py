"""Render a checked :class:`~packager.source.document.Document` to an HTML fragment.

The renderer never emits raw HTML from the source: inline tags were parsed and checked by
:mod:`packager.source.document` and are re-serialised from their parsed form; anything else is escaped.
Interface words (box titles, question buttons) come through ``gettext`` so they follow the
page's language.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from packager.render.questions import QuestionRenderer
from packager.render.settings import (
    BOX_TITLES,
    RenderContext,
    fill,
)
from packager.source.document import Document, Span, plain_text
from packager.source.markdown import BLOCK_OPEN, parser
from packager.source.model import MediaCredit


class _Renderer(QuestionRenderer, RendererHTML):
    """markdown-it's HTML renderer with the packager's rules (methods named after token types)."""

    def __init__(self) -> None:
        super().__init__()
        base = parser().renderer.rules  # type: ignore[attr-defined]
        for name in (
            "footnote_ref",
            "footnote_open",
            "footnote_close",
            "footnote_caption",
            "footnote_anchor_name",
        ):
            self.rules.setdefault(name, base[name])

    @staticmethod
    def _ctx(env: EnvType) -> RenderContext:
        ctx = env["ctx"]
        assert isinstance(ctx, RenderContext)
        return ctx

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        ctx = self._ctx(env)
        level = min(int(token.tag[1]) + (1 if ctx.book_page else 0), 6)
        anchor = token.attrs.get("id")
        return f'<h{level} id="{escape(ctx.anchor(str(anchor)))}">' if anchor else f"<h{level}>"

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        level = min(int(tokens[idx].tag[1]) + (1 if self._ctx(env).book_page else 0), 6)
        return f"</h{level}>\n"

    def softbreak(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return (
            " "  # a line wrap in the source is a space: the same HTML however the text is wrapped
        )

    def html_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""  # only comments (translator directives) get past the checker

    def html_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        if token.content.startswith("<!--"):
            return ""
        tag = token.meta.get("tag")
        if not tag:
            return escape(token.content)
        closing, name, attrs = tag
        if closing:
            return f"</{name}>"
        rendered = "".join(f' {attr}="{escape(value)}"' for attr, value in attrs)
        return f"<{name}{rendered}>"

    @staticmethod
    def _is_page_link(token: Token) -> bool:
        parts = urlsplit(str(token.attrs.get("href", "")))
        return not parts.scheme and (parts.path.endswith(".md") or not parts.path)

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        if not self._ctx(env).page_links:
            depth = 0
            for i in range(idx - 1, -1, -1):
                if tokens[i].type == "link_close":
                    depth += 1
                elif tokens[i].type == "link_open":
                    if depth == 0:
                        return "" if self._is_page_link(tokens[i]) else "</a>"
                    depth -= 1
        return "</a>"

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        if not self._ctx(env).page_links and self._is_page_link(token):
            return ""
        href = self._ctx(env).href(str(token.attrs.get("href", "")))
        title = token.attrs.get("title")
        extra = f' title="{escape(str(title))}"' if title else ""
        return f'<a href="{escape(href)}"{extra}>'

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        ctx = self._ctx(env)
        # The parser percent-encodes paths (``caf%C3%A9.svg``); sizes and credits know file names.
        name = unquote(str(token.attrs.get("src", "")))
        src = ctx.media_url(name) if name.startswith("media/") else ""
        alt = plain_text(token.children)
        size = ctx.image_sizes.get(ctx.localized_media.get(name, name))
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        title = token.attrs.get("title")
        extra = f' title="{escape(str(title))}"' if title and not token.meta.get("figure") else ""
        return f'<img src="{escape(src)}" alt="{escape(alt)}"{dims}{extra} loading="lazy" decoding="async">'

    def paragraph_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        if tokens[idx].meta.get("figure"):
            return '<figure class="figure">'
        return self.renderToken(tokens, idx, options, env)

    def paragraph_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        opener = tokens[idx - 2]  # paragraph_open, inline, paragraph_close
        if not opener.meta.get("figure"):
            return self.renderToken(tokens, idx, options, env)
        image = next(c for c in tokens[idx - 1].children or [] if c.type == "image")
        return self._figcaption(image, self._ctx(env)) + "</figure>\n"

    def _figcaption(self, image: Token, ctx: RenderContext) -> str:
        _ = ctx.gettext
        parts: list[str] = []
        caption = image.attrs.get("title")
        if caption:
            text = escape(str(caption))
            if image.meta.get("fallback_caption"):
                text = ctx.fallback(text)
            parts.append(f'<span class="caption">{text}</span>')
        src = unquote(str(image.attrs.get("src", "")))
        if ctx.show_credits and ctx.credit_for is not None and src.startswith("media/"):
            credit = ctx.credit_for(src.removeprefix("media/"))
            title = escape(credit.title)
            if credit.source:
                title = f'<a href="{escape(credit.source)}">{title}</a>'
            text = fill(
                escape(_("“{title}” by {author}, {license}")),
                title=title,
                author=escape(credit.author),
                license=_license_link(credit),
            )
            parts.append(f'<span class="credit">{text}</span>')
        return f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""

    def table_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        label = escape(self._ctx(env).gettext("Table"))
        return (
            f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">\n<table>\n'
        )

    def table_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</table>\n</div>\n"

    def box_title_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""  # rendered with the box, see block_open

    def box_title_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""

    def footnote_block_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        ctx = self._ctx(env)
        notes = escape(ctx.gettext("Notes"))
        title = ctx.anchor("footnotes-title")
        level = 3 if ctx.book_page else 2
        return (
            f'<section class="footnotes" aria-labelledby="{title}">\n'
            f'<h{level} id="{title}" class="footnotes-title">{notes}</h{level}>\n<ol class="footnotes-list">\n'
        )

    def footnote_block_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</ol>\n</section>\n"

    def footnote_anchor(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
        if tokens[idx].meta.get("subId", 0) > 0:
            ident += f":{tokens[idx].meta['subId']}"
        label = escape(self._ctx(env).gettext("Back to the text"))
        return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="{label}">\u21a9\ufe0e</a>'

    # -- the block structure -----------------------------------------------------------------

    def inline_html(self, token: Token, env: EnvType) -> str:
        """An inline token's HTML, marked when it fell back to the source language."""
        html = self.renderInline(token.children or [], parser().options, env)
        if token.meta.get("glossary"):  # only a preview: what the glossary says it lacks
            note = escape(str(token.meta["glossary"]))
            html = f'<span class="glossary-miss" title="{note}">{html}</span>'
        if token.meta.get("fuzzy"):  # only a preview uses fuzzy translations
            return f'<span class="fuzzy">{html}</span>'
        return self._ctx(env).fallback(html) if token.meta.get("fallback") else html

    def render_blocks(
        self, tokens: Sequence[Token], span: Span, env: EnvType, document: Document
    ) -> str:
        out: list[str] = []
        options = parser().options
        index = span.start
        while index < span.end:
            token = tokens[index]
            if token.type == BLOCK_OPEN:
                close = int(token.meta["close"])
                question = document.question_at(index)
                if question is not None:
                    if self._ctx(env).questions:
                        out.append(self._question(tokens, question, env, document))
                else:
                    out.append(self._box(tokens, index, close, env, document))
                index = close + 1
                continue
            if token.type == "inline":
                out.append(self.inline_html(token, env))
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, index, options, env))
            else:
                out.append(self.renderToken(tokens, index, options, env))
            index += 1
        return "".join(out)

    def _box(
        self, tokens: Sequence[Token], start: int, close: int, env: EnvType, document: Document
    ) -> str:
        ctx = self._ctx(env)
        kind = tokens[start].info
        box_id = ctx.anchor(f"box-{start}")
        body_start = start + 1
        if body_start < close and tokens[body_start].type == "box_title_open":
            title = self.inline_html(tokens[body_start + 1], env)
            body_start += 3
        else:
            title = escape(ctx.gettext(BOX_TITLES.get(kind, kind)))
        body = self.render_blocks(tokens, Span(body_start, close), env, document)
        return (
            f'<div class="box box-{escape(kind)}" role="group" aria-labelledby="{box_id}">\n'
            f'<p class="box-title" id="{box_id}"><span class="box-icon" aria-hidden="true"></span>{title}</p>\n'
            f"{body}</div>\n"
        )


@functools.cache
def _renderer() -> _Renderer:
    return _Renderer()


def render_document(document: Document, ctx: RenderContext) -> str:
    """The page body as HTML."""
    env: dict[str, Any] = {**document.env, "ctx": ctx}
    if ctx.book_page is not None:
        env["docId"] = ctx.book_page  # footnote ids carry the page's name
    tokens = document.tokens
    return _renderer().render_blocks(tokens, Span(0, len(tokens)), env, document)


def render_span(document: Document, span: Span, ctx: RenderContext) -> str:
    """Part of a page (a question's prompt or feedback) as HTML."""
    env: dict[str, Any] = {**document.env, "ctx": ctx}
    return _renderer().render_blocks(document.tokens, span, env, document)


def render_inline_at(document: Document, index: int, ctx: RenderContext) -> str:
    """One inline token of a page (an option's text) as HTML."""
    env: dict[str, Any] = {**document.env, "ctx": ctx}
    return _renderer().inline_html(document.tokens[index], env)


def render_inline_text(text: str, ctx: RenderContext) -> str:
    """A short Markdown text (a title or an objective) as inline HTML."""
    env: dict[str, Any] = {"ctx": ctx}
    tokens = parser().parseInline(text, env)
    return _renderer().renderInline(tokens[0].children or [], parser().options, env)


def _license_link(credit: MediaCredit) -> str:
    """A credit's licence: linked when it has an address; ``rel="license"`` only for an open
    licence (a licence in words, "used with permission", must not read as the page's licence)."""
    license = credit.license
    label = escape(license.label)
    if not license.url:
        return label
    rel = ' rel="license"' if license.spdx else ""
    return f'<a href="{escape(license.url)}"{rel}>{label}</a>'
