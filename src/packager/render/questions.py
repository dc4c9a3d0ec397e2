"""Self-check questions in HTML: on a page (a form the site's script makes interactive, the
answers behind a disclosure), and printed (options lettered, the answers in the book's key)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from markdown_it.token import Token
from markdown_it.utils import EnvType

from packager.render.settings import QUESTION_HINTS, RenderContext, alternatives
from packager.source.document import Document, Question, Span, plain_text


class QuestionRenderer:
    """The question blocks of the document renderer (mixed into it)."""

    if TYPE_CHECKING:  # the renderer's own, which these blocks use

        @staticmethod
        def _ctx(env: EnvType) -> RenderContext: ...

        def render_blocks(
            self, tokens: Sequence[Token], span: Span, env: EnvType, document: Document
        ) -> str: ...

        def inline_html(self, token: Token, env: EnvType) -> str: ...

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
