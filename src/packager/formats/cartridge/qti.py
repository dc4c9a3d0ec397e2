"""Quizzes as QTI 1.2 in the Common Cartridge profile, laid out as Moodle's own exporter
writes them (Moodle and cc2olx read that layout back)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import lxml.html
from lxml import etree

from packager.formats.cartridge.profile import QTI_NS, XSI, CcVersion
from packager.formats.cartridge.xml import element
from packager.render.document import render_inline_at, render_span
from packager.render.settings import RenderContext, alternatives
from packager.source.document import Question, Span, plain_text
from packager.source.model import Page

SCORE_MAX = "100"
NAME_LENGTH = 80  # a question's name in an LMS's question bank: the prompt's start


@dataclass(frozen=True)
class QtiTexts:
    """How a quiz's texts are rendered: the version's strings, the interface language, and the
    contexts for the introduction, prompts and options, and feedback (which may not link to
    pages: Moodle rewrites $IMS-CC-FILEBASE$ in a question's text only), and the edition's
    language and direction, which every text carries."""

    version: CcVersion
    gettext: Callable[[str], str]
    quiz: RenderContext
    descriptor: RenderContext
    feedback: RenderContext
    lang: str = "en"
    dir: str = "ltr"


def assessment(page: Page, texts: QtiTexts) -> etree._Element:
    """A quiz page as a QTI 1.2 assessment in the Common Cartridge profile."""
    root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})  # type: ignore[dict-item]
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {texts.version.schema_location(QTI_NS)}")
    q = f"{{{QTI_NS}}}"
    assessment = element(root, f"{q}assessment", ident=f"A_{page.id}", title=page.title)
    metadata(
        assessment,
        {
            "cc_profile": "cc.exam.v0p1",
            "qmd_assessmenttype": "Examination",
            "cc_maxattempts": "unlimited",
        },
    )
    first = page.document.questions[0].open
    intro = render_span(page.document, Span(0, first), texts.quiz).strip()
    if intro:
        flow = element(element(assessment, f"{q}presentation_material"), f"{q}flow_mat")
        _mattext(element(flow, f"{q}material"), intro, texts)
    section = element(assessment, f"{q}section", ident=f"S_{page.id}")
    for question in page.document.questions:
        _item(section, page, question, texts)
    return root


def _item(section: etree._Element, page: Page, question: Question, texts: QtiTexts) -> None:
    q = f"{{{QTI_NS}}}"
    document = page.document
    ident = f"Q_{page.id}_{question.number}"
    prompt = render_span(document, question.prompt, texts.descriptor)
    item = element(section, f"{q}item", ident=ident, title=question_name(prompt))
    profiles = {
        "single-choice": "cc.multiple_choice.v0p1",
        "multiple-response": "cc.multiple_response.v0p1",
        "true-false": "cc.true_false.v0p1",
        "short-answer": "cc.fib.v0p1",
    }
    metadata(
        element(item, f"{q}itemmetadata"),
        {"cc_profile": profiles[question.kind], "cc_weighting": "1"},
    )
    presentation = element(item, f"{q}presentation")
    _mattext(element(presentation, f"{q}material"), prompt, texts)
    response = "response1"
    if question.kind == "true-false":
        # Moodle reads a true/false item by these two idents; the True option comes first.
        labels = ["true", "false"][: len(question.options)]
    else:
        labels = [f"{ident}_A{n}" for n in range(1, len(question.options) + 1)]
    if question.kind == "short-answer":
        fib = element(
            element(presentation, f"{q}response_str", ident=response, rcardinality="Single"),
            f"{q}render_fib",
        )
        element(fib, f"{q}response_label", ident=f"{ident}_blank")
    else:
        cardinality = "Multiple" if question.kind == "multiple-response" else "Single"
        choice = element(
            element(presentation, f"{q}response_lid", ident=response, rcardinality=cardinality),
            f"{q}render_choice",
        )
        for label, option in zip(labels, question.options, strict=True):
            choice_label = element(choice, f"{q}response_label", ident=label)
            _mattext(
                element(choice_label, f"{q}material"),
                render_inline_at(document, option.inline, texts.descriptor),
                texts,
            )
    # The layout of Moodle's own exporter, which Moodle and cc2olx read back: general feedback
    # (continue), then the scoring condition (stop) with the right answer's feedback, then
    # each wrong option's feedback.
    processing = element(item, f"{q}resprocessing")
    element(
        element(processing, f"{q}outcomes"),
        f"{q}decvar",
        varname="SCORE",
        vartype="Decimal",
        minvalue="0",
        maxvalue=SCORE_MAX,
    )
    feedback: list[tuple[str, str]] = []
    general = render_span(document, question.feedback, texts.feedback).strip()
    if general:
        condition = element(processing, f"{q}respcondition", **{"continue": "Yes"})
        element(element(condition, f"{q}conditionvar"), f"{q}other")
        element(
            condition,
            f"{q}displayfeedback",
            feedbacktype="Response",
            linkrefid=feedback_ident(question.number),
        )
        feedback.append((feedback_ident(question.number), general))
    option_feedback = {
        label: render_span(document, option.feedback, texts.feedback).strip()
        for label, option in zip(labels, question.options, strict=True)
    }
    option_ident = {
        label: feedback_ident(question.number, n) for n, label in enumerate(labels, start=1)
    }
    scoring = element(processing, f"{q}respcondition", **{"continue": "No"})
    variable = element(scoring, f"{q}conditionvar")
    if question.kind == "short-answer":
        # Every accepted spelling in the one scoring condition: importers read only that one.
        for option in question.options:
            for answer in alternatives(plain_text(document.tokens[option.inline].children)):
                element(variable, f"{q}varequal", answer, respident=response, case="No")
    elif question.kind == "multiple-response":
        both = element(variable, f"{q}and")
        for label, option in zip(labels, question.options, strict=True):
            target = both if option.correct else element(both, f"{q}not")
            element(target, f"{q}varequal", label, respident=response, case="Yes")
    else:
        correct = next(
            label for label, option in zip(labels, question.options, strict=True) if option.correct
        )
        element(variable, f"{q}varequal", correct, respident=response)
    element(scoring, f"{q}setvar", SCORE_MAX, varname="SCORE", action="Set")
    if question.kind in ("single-choice", "true-false"):
        right = next(
            label for label, option in zip(labels, question.options, strict=True) if option.correct
        )
        if option_feedback[right]:
            element(
                scoring,
                f"{q}displayfeedback",
                feedbacktype="Response",
                linkrefid=option_ident[right],
            )
    for label, option in zip(labels, question.options, strict=True):
        html = option_feedback[label]
        if not html:
            continue
        feedback.append((option_ident[label], html))
        if option.correct and question.kind != "multiple-response":
            continue  # shown by the scoring condition
        condition = element(processing, f"{q}respcondition", **{"continue": "No"})
        element(element(condition, f"{q}conditionvar"), f"{q}varequal", label, respident=response)
        element(
            condition,
            f"{q}displayfeedback",
            feedbacktype="Response",
            linkrefid=option_ident[label],
        )
    for identifier, html in feedback:
        flow = element(element(item, f"{q}itemfeedback", ident=identifier), f"{q}flow_mat")
        _mattext(element(flow, f"{q}material"), html, texts)


def feedback_ident(question: int, option: int | None = None) -> str:
    """The ident of a question's general feedback (``Q1_general_fb``) or of an option's
    (``Q1_A2_fb``). Canvas sorts feedback by its ident alone: general feedback only when the
    ident has ``general_`` or ``_all`` in it, and an ident with ``correct``, ``wrong`` or
    ``solution`` in it is taken for right-answer or wrong-answer feedback, never an option's
    (gems/plugins/qti_exporter/lib/qti/assessment_item_converter.rb, get_feedback and
    get_feedback_id). So no ident carries the page's id, which could hold those words; Moodle
    follows ``linkrefid`` and reads any ident."""
    if option is None:
        return f"Q{question}_general_fb"
    return f"Q{question}_A{option}_fb"


def question_name(prompt_html: str) -> str:
    """The item's title: Moodle names the question after it (and, without one, "Question 1..n",
    the same in every quiz), so it is the prompt's opening words as plain text."""
    text = lxml.html.fragment_fromstring(prompt_html, create_parent="div").text_content()
    text = " ".join(text.split())
    if len(text) <= NAME_LENGTH:
        return text
    cut = text[: NAME_LENGTH - 1]
    if " " in cut:  # whole words where the script has spaces
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def metadata(parent: etree._Element, fields: Mapping[str, str]) -> None:
    q = f"{{{QTI_NS}}}"
    block = element(parent, f"{q}qtimetadata")
    for label, entry in fields.items():
        field = element(block, f"{q}qtimetadatafield")
        element(field, f"{q}fieldlabel", label)
        element(field, f"{q}fieldentry", entry)


def _mattext(material: etree._Element, html: str, texts: QtiTexts) -> None:
    """A text in the language's direction: importers drop the document's ``lang`` and ``dir``,
    so each text carries them on a ``<div>``, which Moodle's and cc2olx's readers keep."""
    wrapped = f'<div lang="{texts.lang}" dir="{texts.dir}">{html}</div>'
    element(material, f"{{{QTI_NS}}}mattext", wrapped, texttype="text/html")
