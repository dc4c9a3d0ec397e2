"""Properties over generated input (Hypothesis): round trips that must hold for any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packager.diagnostics import Location, Problems
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.merge import merge
from packager.i18n.messages import document_messages
from packager.i18n.translate import Translation, _translate_document
from packager.render.document import render_document
from packager.render.settings import RenderContext
from packager.source.media import MediaFiles
from packager.source.reader import read_document

HEADER = (("Content-Type", "text/plain; charset=UTF-8"),)

_word = st.sampled_from(
    [
        "open",
        "resources",
        "licence",
        "UNESCO",
        "2019",
        "R&D",
        "snake_case",
        "5*3",
        "a_b",
        "x<y",
        "AT&T",
        "~tilde",
        "ресурсы",
        "الموارد",
        "开放",
        "«cita»",
        "“q”",
        "[x]",
        "!",
        "\\",
        "#tag",
        "1.",
        "-",
        "___",
        "**",
        "*",
        "`",
    ]
)
_plain = st.lists(_word, min_size=1, max_size=6).map(" ".join)


@st.composite
def _inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        text = draw(_plain)
        kind = draw(
            st.sampled_from(
                [
                    "plain",
                    "em",
                    "strong",
                    "code",
                    "link",
                    "page",
                    "image",
                    "html",
                    "strike",
                    "break",
                ]
            )
        )
        parts.append(
            {
                "plain": text,
                "em": f"*{text}*",
                "strong": f"__{text}__",
                "code": f"`{text.replace('`', '')}`",
                "link": f'[{text}](https://example.org/{len(text)} "t")',
                "page": f"[{text}](other.md)",
                "image": f"![{text}](media/pic.svg)",
                "html": f'<abbr title="x">{text}</abbr>',
                "strike": f"~~{text}~~",
                "break": f"{text}\nwrapped",
            }[kind]
        )
    return " ".join(parts)


@st.composite
def _document(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                ["p", "h", "ul", "ol", "quote", "table", "box", "question", "code", "figure"]
            )
        )
        text = draw(_inline())
        if kind == "p":
            blocks.append(text)
        elif kind == "h":
            blocks.append(f"## {draw(_plain)}")
        elif kind == "ul":
            blocks.append(f"- {text}\n- {draw(_inline())}\n  - {draw(_plain)}")
        elif kind == "ol":
            blocks.append(f"1. {text}\n2. {draw(_plain)}")
        elif kind == "quote":
            blocks.append(f"> {text}")
        elif kind == "table":
            blocks.append(f"| A | B |\n| - | - |\n| {draw(_plain)} | {text.replace('|', '')} |")
        elif kind == "box":
            blocks.append(f"::: note {draw(_plain).replace(':', '')}\n{text}\n:::")
        elif kind == "question":
            blocks.append(
                f"::: question single-choice\n{text}\n\n- [x] {draw(_plain)}\n\n  {draw(_inline())}\n- [ ] {draw(_plain)}\n\n{draw(_plain)}\n:::"
            )
        elif kind == "code":
            blocks.append(f"```\n{text}\n```")
        else:
            blocks.append(f'![{draw(_plain)}](media/pic.svg "{draw(_plain).replace(chr(34), "")}")')
    if draw(st.booleans()):
        blocks.append(f"A note[^n].\n\n[^n]: {draw(_inline())}")
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_document())
def test_identity_translation_renders_like_the_source(body: str) -> None:
    identity_translation_renders_like_the_source(body)


def identity_translation_renders_like_the_source(body: str) -> None:
    """Extract a page's messages, translate each by itself: the page renders as before."""
    media = MediaFiles(frozenset({"pic.svg"}))
    document = read_document(body, "p.md", media, Problems())
    messages = document_messages(document, "p.md", "Title")
    lookup = {(m.context, m.msgid): Translation(m.msgid, Location("x.po", 1)) for m in messages}
    translated, fallbacks = _translate_document(
        document, messages, lookup, media, {"other": None}, Problems()
    )  # type: ignore[dict-item]
    ctx = RenderContext(gettext=str)
    assert fallbacks == 0
    assert render_document(translated, ctx) == render_document(document, ctx)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_parser_only_ever_reports_located_problems(body: str) -> None:
    problems = Problems()
    read_document(body, "p.md", MediaFiles(), problems)  # must not raise
    assert all(d.location.path == "p.md" and d.location.line >= 1 for d in problems)


_msgid = st.lists(_word, min_size=2, max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_msgid, _plain, st.booleans(), st.booleans()),
        max_size=12,
        unique_by=lambda t: (t[2], t[0]),
    ),
    st.lists(_msgid, max_size=12, unique=True),
)
def test_update_never_drops_a_translation(
    old: list[tuple[str, str, bool, bool]], new: list[str]
) -> None:
    entries = tuple(
        Entry(
            msgid,
            msgstr,
            flags=("fuzzy",) if fuzzy else (),
            obsolete=obsolete,
            references=() if obsolete else ("p.md:1",),
        )
        for msgid, msgstr, obsolete, fuzzy in old
    )
    catalogue = Catalogue(HEADER, entries)
    template = Catalogue(HEADER, tuple(Entry(m, references=("p.md:2",)) for m in new))
    merged, _report = merge(template, catalogue)
    kept = {e.msgstr for e in merged.entries} | {
        c.removeprefix("another translation: ") for e in merged.entries for c in e.comments
    }
    for entry in entries:
        assert entry.msgstr in kept, entry
    assert [e.msgid for e in merged.entries if not e.obsolete] == new
    again, _report = merge(template, merged)
    assert again == merged  # a second update changes nothing
