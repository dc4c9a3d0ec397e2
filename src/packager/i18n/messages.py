"""Where a course's translatable text stands: one :class:`Message` per smallest block.

Extraction (writing the ``.pot``) and translation (substituting ``msgstr`` into the tokens) both
walk the course through :func:`course_messages`, so they always agree on what a message is.

A message is the text of one ``inline`` token (paragraph, heading, list-item paragraph, table
cell, box title, question prompt, option or feedback, footnote), an image's alt text or a figure's
caption, or a text of the course's YAML (titles, description, outcomes, objectives, keywords,
media credits). Code blocks are never messages. Authors steer extraction with HTML comments before
a block: ``<!-- i18n:skip -->``, ``<!-- i18n:comment ... -->``, ``<!-- i18n:context ... -->``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from markdown_it.token import Token

from packager.source.document import Document, plain_text
from packager.source.markdown import BLOCK_OPEN
from packager.source.mdinline import InlineText, to_markdown
from packager.source.model import Course, Page

_DIRECTIVE = re.compile(r"^<!--\s*i18n:(skip|comment|context)\b\s*(.*?)\s*-->$", re.DOTALL)


@dataclass(frozen=True)
class Message:
    """One translatable text and where it stands.

    ``where`` says what to replace on translation: ``inline`` (the children of the inline token
    at ``index``), ``alt`` or ``caption`` (of the figure image in that inline token), or
    ``meta`` (a YAML text; ``index`` is -1). ``kind`` describes the block for translators.
    """

    text: InlineText
    kind: str
    source: str
    line: int
    where: str = "meta"
    index: int = -1
    context: str | None = None
    comments: tuple[str, ...] = ()
    breadcrumb: tuple[str, ...] = ()
    markdown: bool = True

    @property
    def msgid(self) -> str:
        return self.text.text


def course_messages(course: Course) -> list[Message]:
    """Every message of ``course`` in outline order."""
    yaml_path = f"courses/{course.id}/course.yaml"

    def meta(
        text: str | None, kind: str, markdown: bool = False, context: str | None = None
    ) -> Iterator[Message]:
        if text:
            line = course.text_lines.get(text.strip(), 1)
            yield Message(
                InlineText(text), kind, yaml_path, line, markdown=markdown, context=context
            )

    out: list[Message] = []
    out += meta(course.title, "course title")
    out += meta(course.subtitle, "course subtitle")
    out += meta(course.description, "course description")
    for outcome in course.outcomes:
        out += meta(outcome, "course outcome", markdown=True)
    for keyword in course.keywords:
        # A keyword is a short word that may also stand in the text meaning something else.
        out += meta(keyword, "keyword", context="keyword")
    for module in course.modules:
        out += meta(module.title, "module title")
        for page in module.pages:
            out += page_messages(page)
    for credit in course.media:
        out += meta(credit.title, f"title of media/{credit.path}")
    return out


def page_messages(page: Page) -> list[Message]:
    """The messages of one page: its title and objectives, then its body."""
    out = [
        Message(
            InlineText(page.title),
            "page title",
            page.source,
            page.text_lines.get(page.title, 1),
            markdown=False,
        )
    ]
    out += [
        Message(
            InlineText(objective),
            "learning objective",
            page.source,
            page.text_lines.get(objective, 1),
        )
        for objective in page.objectives
    ]
    if page.url:
        line = page.text_lines.get(page.url, 1)
        out.append(
            Message(
                InlineText(page.url),
                "web link address (may point to a page in your language)",
                page.source,
                line,
                markdown=False,
            )
        )
    out += document_messages(page.document, page.source, page.title)
    return out


def _question_roles(document: Document) -> dict[int, str]:
    """Token index ranges of question parts, as a map from inline index to its role."""
    roles: dict[int, str] = {}
    for q in document.questions:
        for i in range(q.prompt.start, q.prompt.end):
            roles[i] = f"question {q.number} prompt"
        for option in q.options:
            roles[option.inline] = (
                f"question {q.number} accepted answer"
                if q.kind == "short-answer"
                else f"question {q.number} option ({'correct' if option.correct else 'wrong'})"
            )
            for i in range(option.feedback.start, option.feedback.end):
                roles[i] = f"question {q.number} option feedback"
        for i in range(q.feedback.start, q.feedback.end):
            roles[i] = f"question {q.number} general feedback"
    return roles


def _block_end(tokens: tuple[Token, ...], start: int) -> int:
    """The index just past the block that starts at ``start``."""
    token = tokens[start]
    if token.nesting != 1:
        return start + 1
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index + 1
    return len(tokens)


def document_messages(document: Document, source: str, title: str) -> list[Message]:
    """The messages of a page body, in reading order."""
    tokens = document.tokens
    roles = _question_roles(document)
    directives: list[tuple[int, int, str, str]] = []  # (start, end, name, value)
    pending: list[tuple[str, str]] = []
    headings: list[tuple[int, str]] = []
    out: list[Message] = []
    kinds: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            match = _DIRECTIVE.match(token.content.strip())
            if match:
                pending.append((match.group(1), " ".join(match.group(2).split())))
            continue
        if pending and token.nesting >= 0 and token.type != "inline":
            end = _block_end(tokens, index)
            directives += [(index, end, name, value) for name, value in pending]
            pending = []
        if token.nesting == 1:
            kinds.append(_kind(token))
        elif token.nesting == -1 and kinds:
            kinds.pop()
        if token.type == "heading_open":
            level = int(token.tag[1])
            text = plain_text(tokens[index + 1].children)
            headings = [(lvl, t) for lvl, t in headings if lvl < level] + [(level, text)]
        if token.type != "inline":
            continue
        active = [(name, value) for start, end, name, value in directives if start <= index < end]
        if any(name == "skip" for name, _ in active):
            continue
        context = next((value for name, value in reversed(active) if name == "context"), None)
        comments = tuple(value for name, value in active if name == "comment")
        kind = roles.get(index) or roles.get(index - 1) or _describe(kinds)
        line = (token.map[0] if token.map else 0) + 1
        in_heading = index > 0 and tokens[index - 1].type == "heading_open"
        trail = headings[:-1] if in_heading else headings
        crumbs = (title, *(heading for _level, heading in trail))

        base = Message(
            InlineText(""), kind, source, line, "inline", index, context, comments, crumbs
        )
        opener = tokens[index - 1] if index else None
        if opener is not None and opener.meta.get("figure"):
            image = next(c for c in token.children or [] if c.type == "image")
            alt = to_markdown(image.children or [], image.content, document.env)
            if alt.text:
                out.append(replace(base, text=alt, kind="image alt text", where="alt"))
            caption = str(image.attrs.get("title") or "")
            if caption:
                out.append(
                    replace(
                        base,
                        text=InlineText(caption),
                        kind="figure caption",
                        where="caption",
                        markdown=False,
                    )
                )
            continue
        if all(c.type == "code_inline" or not c.content.strip() for c in token.children or []):
            continue  # only code (a table cell holding `x = 1`): nothing to translate
        body = to_markdown(token.children or [], token.content, document.env)
        if body.text:
            out.append(replace(base, text=body))
    return out


def _describe(kinds: list[str]) -> str:
    """What the innermost block holding a text is: ``list item``, ``activity box title``..."""
    if not kinds:
        return "paragraph"
    inner = kinds[-1]
    outer = kinds[-2] if len(kinds) > 1 else ""
    if inner == "box title" and outer.endswith(" box"):
        return f"{outer} title"
    if inner == "paragraph" and outer in ("list item", "quotation", "footnote"):
        return outer
    if inner == "paragraph" and outer.endswith(" box"):
        return f"paragraph in {outer}"
    return inner


def _kind(token: Token) -> str:
    """A block's name for translators."""
    if token.type == "heading_open":
        return f"heading {token.tag[1]}"
    if token.type == BLOCK_OPEN:
        return f"{token.info} box"
    names = {
        "box_title_open": "box title",
        "th_open": "table header cell",
        "td_open": "table cell",
        "list_item_open": "list item",
        "blockquote_open": "quotation",
        "footnote_open": "footnote",
    }
    if token.type == "paragraph_open":
        return "paragraph"
    return names.get(token.type, "paragraph")
