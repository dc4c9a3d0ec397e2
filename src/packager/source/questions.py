"""Self-check questions in a page: the ``::: question`` block's prompt, options (``[x]`` marks
the right ones), feedback, and the checks that each kind has the answers it needs."""

from __future__ import annotations

from markdown_it.token import Token

from packager.diagnostics import Location
from packager.source.document import (
    _MARKER_RE,
    Option,
    Question,
    Span,
)
from packager.source.markdown import parser
from packager.source.pagestate import PageState


class QuestionReader(PageState):
    """Reads a page's questions; mixed into the page's reader."""

    def _question(self, tokens: list[Token], open_index: int, number: int, anchor: str) -> Question:
        opener = tokens[open_index]
        kind = str(opener.meta.get("title", ""))
        close = int(opener.meta.get("close", len(tokens)))
        level = opener.level + 1
        location = self.loc(opener)
        list_open = next(
            (
                i
                for i in range(open_index + 1, close)
                if tokens[i].level == level and tokens[i].type.endswith("list_open")
            ),
            None,
        )
        if list_open is None:
            what = "accepted answers" if kind == "short-answer" else "options"
            self.problems.error(location, "no-options", f"question {number} has no list of {what}")
            return Question(
                kind,
                number,
                open_index,
                close,
                Span(open_index + 1, close),
                (),
                Span(close, close),
                location,
                anchor,
            )
        list_close = next(
            i
            for i in range(list_open + 1, close)
            if tokens[i].level == level and tokens[i].type.endswith("list_close")
        )
        if tokens[list_open].type != "bullet_list_open":
            self.problems.error(
                self.loc(tokens[list_open]),
                "option-list",
                "write the options as a bulleted list (- [x] ...)",
            )
        prompt = Span(open_index + 1, list_open)
        if not prompt:
            self.problems.error(
                location, "no-prompt", f"question {number} has no question text before its options"
            )
        options = tuple(
            self._option(tokens, i, kind)
            for i in range(list_open + 1, list_close)
            if tokens[i].type == "list_item_open" and tokens[i].level == level + 1
        )
        self._check_answers(kind, number, options, location)
        return Question(
            kind,
            number,
            open_index,
            close,
            prompt,
            options,
            Span(list_close + 1, close),
            location,
            anchor,
        )

    def _option(self, tokens: list[Token], item: int, kind: str) -> Option:
        item_close = next(
            i
            for i in range(item + 1, len(tokens))
            if tokens[i].type == "list_item_close" and tokens[i].level == tokens[item].level
        )
        inline_index = item + 2
        inline = tokens[inline_index]
        if tokens[item + 1].type != "paragraph_open" or inline.type != "inline":
            self.problems.error(
                self.loc(tokens[item]), "option-text", "each option starts with a line of text"
            )
            return Option(item + 1, False, Span(item_close, item_close))
        match = _MARKER_RE.match(inline.content)
        correct = bool(match and match.group(1) in "xX")
        if match:
            inline.content = inline.content[match.end() :]
            first = inline.children[0] if inline.children else None
            if (
                first is not None
                and first.type == "text"
                and first.content.startswith(match.group(0))
            ):
                first.content = first.content[match.end() :]  # the common case: no need to re-parse
            else:
                inline.children = parser().parseInline(inline.content, self.env)[0].children
        elif kind != "short-answer":
            self.problems.error(
                self.loc(inline),
                "option-marker",
                "an option starts with [x] (a correct answer) or [ ] (a wrong one)",
            )
        if kind == "short-answer":
            if match and not correct:
                self.problems.error(
                    self.loc(inline),
                    "option-marker",
                    "a short-answer question lists only accepted answers; remove the [ ] option",
                )
            correct = True
        if not inline.content.strip():
            self.problems.error(self.loc(inline), "option-text", "this option has no text")
        return Option(inline_index, correct, Span(inline_index + 2, item_close))

    def _check_answers(
        self, kind: str, number: int, options: tuple[Option, ...], location: Location
    ) -> None:
        correct = sum(option.correct for option in options)
        if not options:
            self.problems.error(
                location, "no-options", f"question {number} has an empty list of options"
            )
        elif correct == 0:
            self.problems.error(
                location,
                "no-correct-answer",
                f"question {number} has no correct answer; mark one with [x]",
            )
        elif kind in ("single-choice", "true-false") and correct > 1:
            self.problems.error(
                location,
                "too-many-correct",
                f"question {number} is {kind} but {correct} options are marked [x]",
            )
        if kind == "true-false" and len(options) != 2:
            self.problems.error(
                location,
                "true-false-options",
                f"question {number} is true-false but has {len(options)} options, not 2",
            )
        if kind in ("single-choice", "multiple-response") and len(options) < 2:
            self.problems.error(
                location, "too-few-options", f"question {number} needs at least two options"
            )
