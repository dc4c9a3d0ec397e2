"""Render a checked :class:`~packager.source.document.Document` to an HTML fragment.

The renderer never emits raw HTML from the source: inline tags were parsed and checked by
:mod:`packager.source.document` and are re-serialised from their parsed form; anything else is escaped.
Interface words (box titles, question buttons) come through ``gettext`` so they follow the
page's language.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from packager.source.document import WEB_SCHEMES, Document, Question, Span, plain_text
from packager.source.markdown import BLOCK_OPEN, parser
from packager.source.model import MediaCredit


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction into ``ui.pot`` without translating it here."""
    return message


FALLBACK_NOTE = N_("%(language)s: not translated yet")

BOX_TITLES: dict[str, str] = {
    "objectives": N_("Objectives"),
    "key-points": N_("Key points"),
    "activity": N_("Activity"),
    "reflection": N_("Reflection"),
    "definition": N_("Definition"),
    "reading": N_("Reading"),
    "case-study": N_("Case study"),
    "note": N_("Note"),
    "summary": N_("Summary"),
    "discussion": N_("Discussion"),
}
QUESTION_HINTS: dict[str, str] = {
    "single-choice": N_("Choose one answer."),
    "multiple-response": N_("Choose every correct answer."),
    "true-false": N_("True or false?"),
    "short-answer": N_("Type your answer."),
}


@dataclass(frozen=True)
class RenderContext:
    """What the renderer needs besides the tokens.

    ``image_sizes`` maps ``media/...`` paths to intrinsic sizes; ``credit_for`` gives a media
    file's credit (path relative to ``media/``); ``show_credits`` puts credits under figures.
    """

    gettext: Callable[[str], str]
    image_sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    credit_for: Callable[[str], MediaCredit] | None = None
    show_credits: bool = True
    source_lang: str = "en"
    source_dir: str = "ltr"
    localized_media: Mapping[str, str] = field(default_factory=dict)
    media_prefix: str = ""
    page_prefix: str = ""
    media_names: Mapping[str, str] = field(default_factory=dict)
    questions: bool = True
    book_page: str | None = None  # in a book (the PDF), the page this part of the book is
    page_links: bool = True  # False: links to pages become plain text (where an LMS breaks them)
    page_fragments: bool = True  # False: links to pages drop #anchors (an LMS cannot resolve them)
    # In a book, the note after each passage left in the source language (paper has no hover
    # and no preview colours): FALLBACK_NOTE translated, with the language's name in it.
    fallback_note: str = ""

    def anchor(self, name: str) -> str:
        """An id on the page: in a book, many pages share one document, so ids carry the page's."""
        return f"{self.book_page}--{name}" if self.book_page else name

    def media_url(self, name: str) -> str:
        """Where ``media/...`` is from the page being written: language version, renamed file
        (``media_names``, for cartridges' safe paths) and folder prefix applied."""
        name = self.localized_media.get(name, name)
        return self.media_prefix + quote(self.media_names.get(name, name))

    def href(self, href: str) -> str:
        """The href to write: a page's ``.md`` is its ``.html``, media go where they are put,
        unsafe schemes become ``#``."""
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if scheme:
            return href if scheme in WEB_SCHEMES else "#"
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if self.book_page is not None and (not parts.path or parts.path.endswith(".md")):
            page = parts.path[:-3] if parts.path else self.book_page
            return f"#{page}--{parts.fragment}" if parts.fragment else f"#page-{page}"
        if parts.path.endswith(".md") and "/" not in parts.path:
            fragment = fragment if self.page_fragments else ""
            return self.page_prefix + parts.path[:-3] + ".html" + fragment
        if parts.path.startswith("media/"):
            return self.media_url(unquote(parts.path)) + fragment
        return href

    def fallback(self, html: str) -> str:
        """``html`` marked as text left in the source language."""
        marked = f'<span lang="{self.source_lang}" dir="{self.source_dir}" class="fallback">{html}</span>'
        if self.fallback_note:
            marked += f' <small class="fallback-note">({escape(self.fallback_note)})</small>'
        return marked


def alternatives(answer: str) -> list[str]:
    """An accepted answer may list spellings separated by ``|`` (useful in translations)."""
    return [part.strip() for part in answer.split("|") if part.strip()] or [answer.strip()]


def fill(template: str, **values: str) -> str:
    """Put ``values`` into ``{name}`` slots; unlike ``str.format``, a translator's stray brace
    or ``{name.attr}`` is left as text, never evaluated or fatal."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


class _Renderer(RendererHTML):
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

    def _question(
        self, tokens: Sequence[Token], question: Question, env: EnvType, document: Document
    ) -> str:
        ctx = self._ctx(env)
        _ = ctx.gettext
        qid = ctx.anchor(question.anchor)
        if ctx.book_page is not None:
            return self._printed_question(tokens, question, env, document, qid)
        prompt = self.render_blocks(tokens, question.prompt, env, document)
        hint = escape(_(QUESTION_HINTS.get(question.kind, "")))
        out = [
            f'<div class="question" id="{qid}" data-kind="{escape(question.kind)}">\n',
            f'<div class="question-prompt" id="{qid}-prompt">\n{prompt}</div>\n',
        ]
        answers: list[str] = []
        if question.kind == "short-answer":
            accepted = [
                a
                for o in question.options
                for a in alternatives(plain_text(tokens[o.inline].children))
            ]
            out.append(
                f'<p class="short-answer"><label for="{qid}-input">{hint}</label> '
                f'<input type="text" id="{qid}-input" aria-describedby="{qid}-prompt" autocomplete="off" spellcheck="false" '
                f'data-answers="{escape(json.dumps(accepted, ensure_ascii=False))}"></p>\n'
            )
            answers = [escape(a) for a in accepted]
        else:
            input_type = "checkbox" if question.kind == "multiple-response" else "radio"
            out.append(
                f'<fieldset class="question-options" aria-describedby="{qid}-prompt">\n'
                f'<legend class="question-hint">{hint}</legend>\n'
            )
            for number, option in enumerate(question.options, start=1):
                oid = f"{qid}-option-{number}"
                label = self.inline_html(tokens[option.inline], env)
                correct = " data-correct" if option.correct else ""
                out.append(
                    f'<div class="option"><input type="{input_type}" name="{qid}" id="{oid}"{correct}>'
                    f' <label for="{oid}">{label}</label></div>\n'
                )
                if option.correct:
                    answers.append(escape(plain_text(tokens[option.inline].children)))
            out.append("</fieldset>\n")
        check = escape(_("Check"))
        out.append(
            f'<p class="question-actions"><button type="button" class="question-check" hidden>{check}</button></p>\n'
            f'<p class="question-result" role="status" aria-live="polite"></p>\n'
        )
        out.append(self._answer_details(tokens, question, answers, env, document))
        out.append("</div>\n")
        return "".join(out)

    def _printed_question(
        self,
        tokens: Sequence[Token],
        question: Question,
        env: EnvType,
        document: Document,
        qid: str,
    ) -> str:
        """A question on paper: the prompt and the options; the answers are in the book's key."""
        _ = self._ctx(env).gettext
        prompt = self.render_blocks(tokens, question.prompt, env, document)
        hint = escape(_(QUESTION_HINTS.get(question.kind, "")))
        number = escape(_("Question %(number)s") % {"number": question.number})
        out = [
            f'<div class="question" id="{qid}">\n<p class="question-number">{number}</p>\n'
            f'<div class="question-prompt">\n{prompt}</div>\n',
            f'<p class="question-hint">{hint}</p>\n',
        ]
        if question.kind == "short-answer":
            answer = escape(_("Answer:"))
            out.append(f'<p class="answer-line">{answer} <span class="blank"></span></p>\n')
        else:
            items = "".join(
                f"<li>{self.inline_html(tokens[o.inline], env)}</li>\n" for o in question.options
            )
            out.append(f'<ol class="options" type="A">\n{items}</ol>\n')
        out.append("</div>\n")
        return "".join(out)

    def _answer_details(
        self,
        tokens: Sequence[Token],
        question: Question,
        answers: list[str],
        env: EnvType,
        document: Document,
    ) -> str:
        _ = self._ctx(env).gettext
        summary = escape(_("Show the answer"))
        if question.kind == "short-answer":
            label = escape(_("Accepted answers:"))
        else:
            label = escape(_("Correct answer:") if len(answers) == 1 else _("Correct answers:"))
        items = "".join(f"<li>{a}</li>" for a in answers)
        body = [
            f'<details class="question-answer"><summary>{summary}</summary>\n<p>{label}</p>\n<ul>{items}</ul>\n'
        ]
        explained = [
            (number, o, self.render_blocks(tokens, o.feedback, env, document))
            for number, o in enumerate(question.options, start=1)
            if o.feedback
        ]
        if explained:
            # Each option's feedback stands once, here; the script quotes the chosen ones' text.
            body.append('<dl class="option-explanations">\n')
            body.extend(
                f"<dt>{escape(plain_text(tokens[o.inline].children))}</dt>\n"
                f'<dd id="{question.anchor}-option-{number}-feedback">{feedback}</dd>\n'
                for number, o, feedback in explained
            )
            body.append("</dl>\n")
        general = self.render_blocks(tokens, question.feedback, env, document)
        if general:
            body.append(f'<div class="question-feedback">\n{general}</div>\n')
        body.append("</details>\n")
        return "".join(body)


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
