"""A course's questions as Open edX problems (capa XML), and the HTML-to-XML helpers the
export shares: every text comes from the same renderer as the site's pages.

single choice and true/false -> ``multiplechoiceresponse``, multiple response ->
``choiceresponse``, short answer -> ``stringresponse`` (every accepted spelling an
``additional_answer``); each option's feedback is a ``choicehint`` (``correcthint`` for an
accepted answer), the general feedback the ``solution``, and the interface's instruction ("Choose
one answer.") the ``description``.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from packager.render.document import render_inline_at, render_span
from packager.render.settings import QUESTION_HINTS, RenderContext, alternatives
from packager.source.document import Question, plain_text
from packager.source.model import Page

#: Elements HTML writes without an end tag; any other empty element gets one (``<span></span>``,
#: never ``<span/>``, which a browser reads as an open tag).
VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def fragment(html: str, **attrs: str) -> etree._Element:
    """Rendered HTML inside one ``<div>`` (with ``attrs``, e.g. ``lang`` and ``dir``)."""
    root: etree._Element = lxml_html.fragment_fromstring(html, create_parent="div")
    for name, value in attrs.items():
        root.set(name, value)
    return root


def fill(target: etree._Element, html: str) -> None:
    """Move rendered HTML into ``target``; a lone paragraph gives its content only (a hint or an
    option reads as a line, not as a block)."""
    source = fragment(html)
    children = list(source)
    if len(children) == 1 and children[0].tag == "p" and not (source.text or "").strip():
        source = children[0]
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + (source.text or "")
    else:
        target.text = (target.text or "") + (source.text or "")
    for child in list(source):
        target.append(child)
    if len(target):
        target[-1].tail = (target[-1].tail or "").rstrip() or None


def end_tags(root: etree._Element) -> etree._Element:
    """Give every empty non-void element an end tag when written as XML."""
    for element in root.iter():
        empty = element.text is None and len(element) == 0
        if isinstance(element.tag, str) and element.tag not in VOID and empty:
            element.text = ""
    return root


def problem(
    page: Page,
    question: Question,
    ctx: RenderContext,
    gettext: Callable[[str], str],
    lang: str,
    direction: str,
) -> etree._Element:
    """One question as a ``<problem>``: prompt, options with their feedback, solution."""
    document = page.document
    title = gettext("Question %(number)s") % {"number": question.number}
    root = etree.Element("problem", display_name=title, showanswer="always")
    body = etree.SubElement(root, "div", lang=lang, dir=direction)
    blocks = list(fragment(render_span(document, question.prompt, ctx)))
    last = blocks.pop() if blocks and blocks[-1].tag == "p" else None
    for block in blocks:  # a prompt of several blocks: all but its last paragraph stand first
        body.append(block)
    tags = {
        "single-choice": "multiplechoiceresponse",
        "true-false": "multiplechoiceresponse",
        "multiple-response": "choiceresponse",
        "short-answer": "stringresponse",
    }
    response = etree.SubElement(body, tags[question.kind])
    if last is not None:
        label = etree.SubElement(response, "label")
        label.text = last.text
        label.extend(list(last))
    description = etree.SubElement(response, "description")
    description.text = gettext(QUESTION_HINTS[question.kind])
    if question.kind == "short-answer":
        answers = [
            (answer, option)
            for option in question.options
            for answer in alternatives(plain_text(document.tokens[option.inline].children))
        ]
        response.set("answer", answers[0][0])
        response.set("type", "ci")
        for number, (answer, option) in enumerate(answers):
            feedback = render_span(document, option.feedback, ctx).strip()
            if number == 0:
                holder = response
            else:
                holder = etree.SubElement(response, "additional_answer", answer=answer)
            if feedback:
                fill(etree.SubElement(holder, "correcthint"), feedback)
        etree.SubElement(response, "textline", size="20")
    else:
        multiple = question.kind == "multiple-response"
        group = (
            etree.SubElement(response, "checkboxgroup")
            if multiple
            else etree.SubElement(response, "choicegroup", type="MultipleChoice")
        )
        for option in question.options:
            choice = etree.SubElement(group, "choice", correct=str(option.correct).lower())
            fill(choice, render_inline_at(document, option.inline, ctx))
            feedback = render_span(document, option.feedback, ctx).strip()
            if feedback:
                hint = etree.SubElement(choice, "choicehint")
                if multiple:
                    hint.set("selected", "true")
                fill(hint, feedback)
    general = render_span(document, question.feedback, ctx).strip()
    if general:
        solution = etree.SubElement(response, "solution")
        explained = etree.SubElement(solution, "div", {"class": "detailed-solution"})
        fill(explained, general)
    return end_tags(root)
