"""A quiz page as a Moodle quiz: its questions in the course's question bank (``questions.xml``),
the quiz (``quiz.xml``) with one slot per question, and its grade item.

Grading is what the author wrote: each question is worth 1 mark, ``sumgrades`` is the sum of the
marks and the grade 10, so full marks give 10 out of 10 (a cartridge cannot say this: Moodle's
converter fixes ``sumgrades``; see docs/moodle.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from packager.formats.cartridge.qti import question_name
from packager.formats.moodle.xml import activity, document, node
from packager.render.document import render_inline_at, render_span
from packager.render.settings import RenderContext, alternatives
from packager.source.document import Question, Span, plain_text
from packager.source.model import Course, Page

GRADE = 10
#: Every review option at every time (during, just after, later, after close): the feedback the
#: author wrote is shown.
REVIEW_ALL = 0x10000 | 0x01000 | 0x00100 | 0x00010
QTYPES = {
    "single-choice": "multichoice",
    "multiple-response": "multichoice",
    "true-false": "truefalse",
    "short-answer": "shortanswer",
}


@dataclass(frozen=True)
class QuizTexts:
    """How a quiz's texts are rendered; ``store(html, area, itemid)`` gives a text as stored:
    in the language and direction, links encoded, its images stored as the question's files."""

    ctx: RenderContext
    store: Callable[[str, str, int], str]
    stamp: str  # unique per course and language: Moodle matches questions by stamp


def _fraction(value: float) -> str:
    return f"{value:.7f}"


class QuestionIds:
    """Ids counted over the whole backup (answers and questions are numbered once)."""

    def __init__(self) -> None:
        self.question = 0
        self.answer = 0

    def next_answer(self) -> int:
        self.answer += 1
        return self.answer


def question_entry(
    page: Page, question: Question, category: int, ids: QuestionIds, texts: QuizTexts
) -> etree._Element:
    """One ``<question_bank_entry>``: the question, its answers with their scores and feedback."""
    ids.question += 1
    qid = ids.question
    document = page.document
    prompt = render_span(document, question.prompt, texts.ctx)
    general = render_span(document, question.feedback, texts.ctx).strip()
    kind = QTYPES[question.kind]
    answers: list[etree._Element] = []
    options = question.options
    right = [o for o in options if o.correct]
    wrong = len(options) - len(right)

    def answer(text: str, fraction: float, span: Span, fmt: int) -> int:
        aid = ids.next_answer()
        html = render_span(document, span, texts.ctx).strip()
        fb = texts.store(html, "answerfeedback", aid) if html else ""
        if fmt == 1:  # an HTML answer (a choice), with files of its own
            text = texts.store(text, "answer", aid)
        answers.append(
            node(
                "answer",
                [
                    ("answertext", text),
                    ("answerformat", fmt),
                    ("fraction", _fraction(fraction)),
                    ("feedback", fb),
                    ("feedbackformat", 1),
                ],
                id=aid,
            )
        )
        return aid

    plugin: list[tuple[str, object]]
    if kind == "shortanswer":
        for option in options:
            for spelling in alternatives(plain_text(document.tokens[option.inline].children)):
                answer(spelling, 1.0, option.feedback, 0)
        plugin = [("shortanswer", node("shortanswer", [("usecase", 0)], id=qid))]
    elif kind == "truefalse":
        # The True option comes first (as in the cartridge's QTI).
        made = [
            answer(
                plain_text(document.tokens[o.inline].children),
                1.0 if o.correct else 0.0,
                o.feedback,
                0,
            )
            for o in options
        ]
        plugin = [
            (
                "truefalse",
                node(
                    "truefalse",
                    [
                        ("trueanswer", made[0]),
                        ("falseanswer", made[1] if len(made) > 1 else 0),
                        ("showstandardinstruction", 1),
                    ],
                    id=qid,
                ),
            )
        ]
    else:
        single = question.kind == "single-choice"
        for o in options:
            if single:
                fraction = 1.0 if o.correct else 0.0
            else:  # every right option a share of the mark, every wrong one takes a share off
                fraction = 1.0 / len(right) if o.correct else -1.0 / max(wrong, 1)
            text = render_inline_at(document, o.inline, texts.ctx)
            answer(text, fraction, o.feedback, 1)
        plugin = [
            (
                "multichoice",
                node(
                    "multichoice",
                    [
                        ("layout", 0),
                        ("single", 1 if single else 0),
                        ("shuffleanswers", 0),
                        ("correctfeedback", ""),
                        ("correctfeedbackformat", 1),
                        ("partiallycorrectfeedback", ""),
                        ("partiallycorrectfeedbackformat", 1),
                        ("incorrectfeedback", ""),
                        ("incorrectfeedbackformat", 1),
                        ("answernumbering", "abc"),
                        ("shownumcorrect", 0),
                        ("showstandardinstruction", 1),
                    ],
                    id=qid,
                ),
            )
        ]
    qtype_plugin = node(f"plugin_qtype_{kind}_question", [("answers", answers), *plugin])
    q = node(
        "question",
        [
            ("parent", 0),
            ("name", question_name(prompt)),
            ("questiontext", texts.store(prompt, "questiontext", qid)),
            ("questiontextformat", 1),
            ("generalfeedback", texts.store(general, "generalfeedback", qid) if general else ""),
            ("generalfeedbackformat", 1),
            ("defaultmark", "1.0000000"),
            ("penalty", "0.0000000" if kind == "truefalse" else "0.3333333"),
            ("qtype", kind),
            ("length", 1),
            ("stamp", f"{texts.stamp}+{page.id}+{question.number}"),
            ("timecreated", 0),
            ("timemodified", 0),
            ("createdby", None),
            ("modifiedby", None),
        ],
        id=qid,
    )
    q.append(qtype_plugin)
    for name in ("question_hints", "tags"):
        etree.SubElement(q, name)
    version = node(
        "question_versions",
        [("version", 1), ("status", "ready"), ("questions", [q])],
        id=qid,
    )
    return node(
        "question_bank_entry",
        [
            ("questioncategoryid", category),
            ("idnumber", None),
            ("ownerid", None),
            ("question_version", [version]),
        ],
        id=qid,
    )


def quiz_activity(
    page: Page,
    quiz_id: int,
    cmid: int,
    contextid: int,
    first_entry: int,
    intro: str,
    count: int,
) -> etree._Element:
    """``quiz.xml``: the quiz with a slot per question, all on one page, 1 mark each."""
    instances = [
        node(
            "question_instance",
            [
                ("quizid", quiz_id),
                ("slot", slot),
                ("page", 1),
                ("displaynumber", None),
                ("requireprevious", 0),
                ("maxmark", "1.0000000"),
                ("quizgradeitemid", None),
                (
                    "question_reference",
                    node(
                        "question_reference",
                        [
                            ("usingcontextid", contextid),
                            ("component", "mod_quiz"),
                            ("questionarea", "slot"),
                            ("questionbankentryid", first_entry + slot - 1),
                            ("version", None),
                        ],
                        id=first_entry + slot - 1,
                    ),
                ),
            ],
            id=first_entry + slot - 1,
        )
        for slot in range(1, count + 1)
    ]
    review = [
        (f"review{name}", REVIEW_ALL)
        for name in (
            "attempt",
            "correctness",
            "maxmarks",
            "marks",
            "specificfeedback",
            "generalfeedback",
            "rightanswer",
            "overallfeedback",
        )
    ]
    fields: list[tuple[str, object]] = [
        ("name", page.title),
        ("intro", intro),
        ("introformat", 1),
        ("timeopen", 0),
        ("timeclose", 0),
        ("timelimit", 0),
        ("overduehandling", "autosubmit"),
        ("graceperiod", 0),
        ("preferredbehaviour", "immediatefeedback"),
        ("canredoquestions", 1),
        ("attempts_number", 0),
        ("attemptonlast", 0),
        ("grademethod", 1),
        ("decimalpoints", 2),
        ("questiondecimalpoints", -1),
        *review,
        ("questionsperpage", 0),
        ("navmethod", "free"),
        ("shuffleanswers", 0),
        ("sumgrades", f"{count:.5f}"),
        ("grade", f"{GRADE:.5f}"),
        ("timecreated", 0),
        ("timemodified", 0),
        ("password", ""),
        ("subnet", ""),
        ("browsersecurity", "-"),
        ("delay1", 0),
        ("delay2", 0),
        ("showuserpicture", 0),
        ("showblocks", 0),
        ("completionattemptsexhausted", 0),
        ("completionminattempts", 0),
        ("allowofflineattempts", 0),
        ("subplugin_quizaccess_seb_quiz", []),
        ("quiz_grade_items", []),
        ("question_instances", instances),
        (
            "sections",
            [
                node(
                    "section",
                    [("firstslot", 1), ("heading", ""), ("shufflequestions", 0)],
                    id=quiz_id,
                )
            ],
        ),
        (
            "feedbacks",
            [
                node(
                    "feedback",
                    [
                        ("feedbacktext", ""),
                        ("feedbacktextformat", 1),
                        ("mingrade", "0.00000"),
                        ("maxgrade", f"{GRADE + 1:.5f}"),
                    ],
                    id=quiz_id,
                )
            ],
        ),
        ("overrides", []),
        ("grades", []),
        ("attempts", []),
    ]
    return activity(node("quiz", fields, id=quiz_id), quiz_id, cmid, "quiz", contextid)


def question_bank(
    course: Course,
    lang: str,
    course_id: int,
    contextid: int,
    category: int,
    entries: list[etree._Element],
) -> bytes:
    """``questions.xml``: a top category and the course's own with every quiz's questions, in
    the course's context (the question bank a teacher finds under the course)."""

    def category_node(
        cid: int, name: str, stamp: str, parent: int, items: list[etree._Element]
    ) -> etree._Element:
        return node(
            "question_category",
            [
                ("name", name),
                ("contextid", contextid),
                ("contextlevel", 50),
                ("contextinstanceid", course_id),
                ("info", ""),
                ("infoformat", 0),
                ("stamp", stamp),
                ("parent", parent),
                ("sortorder", 999 if parent else 0),
                ("idnumber", None),
                ("question_bank_entries", items),
            ],
            id=cid,
        )

    stamp = f"packager+{course.id}+{lang}"
    root = etree.Element("question_categories")
    root.append(category_node(1, "top", f"{stamp}+top", 0, []))
    root.append(category_node(category, course.title, stamp, 1, entries))
    return document(root)
