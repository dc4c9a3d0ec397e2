"""Reading a page: parse its Markdown once, check and annotate every block (boxes, headings,
figures, HTML), then its inline text and questions (:mod:`inline`, :mod:`questions`)."""

from __future__ import annotations

import re

from markdown_it.token import Token

from packager.diagnostics import Location, Problems
from packager.source.document import (
    _CLOSE_LINE,
    BOX_KINDS,
    QUESTION_KINDS,
    Document,
    Heading,
    plain_text,
    slugify,
)
from packager.source.fields import suggest
from packager.source.inline import HTML_COMMENT, InlineChecks
from packager.source.markdown import BLOCK_CLOSE, BLOCK_OPEN, MAX_DEPTH, TOO_DEEP, parser
from packager.source.media import MediaFiles
from packager.source.questions import QuestionReader


class _Reader(InlineChecks, QuestionReader):
    """The checks and annotations of one page; see :func:`read_document`."""

    def read(self, body: str) -> Document:
        tokens = self._with_box_titles(parser().parse(body, self.env))
        too_deep = self.env.pop(TOO_DEEP, None)
        if too_deep is not None:
            line, col = too_deep
            self.problems.error(
                Location(self.path, line + 1, col + 1),
                "too-deep",
                f"lists, quotations and boxes nest more than {MAX_DEPTH} deep here; nest them "
                "less (what is deeper could not be published)",
            )
        stack: list[int] = []
        block_line: Token | None = None
        for index, token in enumerate(tokens):
            if token.type == BLOCK_OPEN:
                self._check_block(token, stack, tokens)
                stack.append(index)
            elif token.type == BLOCK_CLOSE:
                opener = stack.pop()
                tokens[opener].meta["close"] = index
            elif token.type == "heading_open":
                self._heading(token, tokens[index + 1])
            elif token.type == "html_block":
                self._html_block(token)
            elif token.type == "paragraph_open":
                self._figure(token, tokens[index + 1])
            if token.map is not None:
                block_line = token
            if token.type == "inline":
                self._inline(token.children or [], block_line)
        self._check_heading_order()
        questions = tuple(
            self._question(
                tokens, index, number, self._unique_id(f"question-{number}", heading=False)
            )
            for number, index in enumerate(
                (i for i, t in enumerate(tokens) if t.type == BLOCK_OPEN and t.info == "question"),
                start=1,
            )
        )
        return Document(
            tokens=tuple(tokens),
            env=self.env,
            headings=tuple(self.headings),
            questions=questions,
            images=tuple(self.images),
            links=tuple(self.links),
            media_links=tuple(self.media_links),
        )

    def _with_box_titles(self, tokens: list[Token]) -> list[Token]:
        """Give each titled box real title tokens, so the title is translatable like any text."""
        out: list[Token] = []
        for token in tokens:
            out.append(token)
            title = token.meta.get("title") if token.type == BLOCK_OPEN else None
            if title and token.info != "question":
                inline = Token("inline", "", 0, content=title, map=token.map, level=token.level + 1)
                inline.children = parser().parseInline(title, self.env)[0].children
                out += [
                    Token("box_title_open", "p", 1, level=token.level + 1, block=True),
                    inline,
                    Token("box_title_close", "p", -1, level=token.level + 1, block=True),
                ]
        return out

    def _check_block(self, token: Token, stack: list[int], tokens: list[Token]) -> None:
        name = token.info
        if not token.meta.get("closed"):
            self.problems.error(
                self.loc(token),
                "unclosed-block",
                f"the '::: {name}' block is never closed; end it with a line ':::'",
            )
        if name == "question":
            kind = token.meta.get("title", "")
            if any(tokens[i].info == "question" for i in stack):
                self.problems.error(
                    self.loc(token), "nested-question", "a question cannot hold another question"
                )
            if kind not in QUESTION_KINDS:
                told = f"unknown question type {kind!r}" if kind else "the question type is missing"
                self.problems.error(
                    self.loc(token, "question"),
                    "question-type",
                    f"{told}{suggest(kind, QUESTION_KINDS)}; use one of: {', '.join(QUESTION_KINDS)}",
                )
        elif name not in BOX_KINDS:
            self.problems.error(
                self.loc(token, name),
                "unknown-box",
                f"unknown box type {name!r}{suggest(name, (*BOX_KINDS, 'question'))}; "
                f"use one of: {', '.join(BOX_KINDS)}, question",
            )

    def _heading(self, token: Token, inline: Token) -> None:
        text = plain_text(inline.children).strip()
        anchor = self._unique_id(slugify(text))
        token.attrSet("id", anchor)
        line = token.map[0] + 1 if token.map else 1
        self.headings.append(Heading(int(token.tag[1]), text, anchor, line))

    def _check_heading_order(self) -> None:
        previous = 1
        for heading in self.headings:
            location = Location(self.path, heading.line, 1)
            if heading.level == 1:
                self.problems.warning(
                    location,
                    "heading-level",
                    "the page title is the page's only level-1 heading; start headings at ##",
                )
            elif heading.level > previous + 1:
                self.problems.warning(
                    location,
                    "heading-level",
                    f"heading level {heading.level} follows level {previous}; do not skip levels",
                )
            previous = heading.level

    def _html_block(self, token: Token) -> None:
        text = token.content.strip()
        if text.startswith("<!--") and "-->" not in text:
            self.problems.error(
                self.loc(token),
                "raw-html",
                "this HTML comment is never closed with '-->', so it would hide the rest of the page",
            )
            return
        if text.startswith("<!--") and HTML_COMMENT.sub("", text).strip():
            self.problems.error(
                self.loc(token),
                "raw-html",
                "write nothing after a comment's '-->' on its line: it would be left out of the page",
            )
            return
        if text.startswith("<!--"):
            directive = re.match(r"<!--\s*i18n:(\S+)", text)
            if directive and directive.group(1) not in ("skip", "comment", "context"):
                self.problems.warning(
                    self.loc(token),
                    "i18n-directive",
                    f"unknown translation directive i18n:{directive.group(1)}{suggest(directive.group(1), ('skip', 'comment', 'context'))}",
                )
            return
        first = text.split("\n", 1)[0]
        self.problems.error(
            self.loc(token),
            "raw-html",
            f"raw HTML blocks are not allowed ({first[:40]!r}); write Markdown instead",
        )

    def _figure(self, paragraph: Token, inline: Token) -> None:
        if _CLOSE_LINE.match(inline.content):
            self.problems.error(
                self.loc(paragraph),
                "stray-block-end",
                "this ':::' closes no box; remove it or open a box above",
            )
        children = [
            c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
        ]
        if len(children) == 1 and children[0].type == "image":
            paragraph.meta["figure"] = True
            children[0].meta["figure"] = True


def read_document(body: str, path: str, media: MediaFiles | None, problems: Problems) -> Document:
    """Parse, check and annotate a page body (front matter already blanked out).

    ``path`` is the file as shown in messages; ``media`` the course's media files that images and
    links are checked against (None skips that check, for snippets).
    """
    return _Reader(body, path, media, problems).read(body)
