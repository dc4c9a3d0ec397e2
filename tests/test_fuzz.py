"""Fuzzing (Hypothesis): hostile pages, catalogues and cartridges give located errors, never a crash.

Budgets come from the Hypothesis profile in ``conftest`` (100 examples a property);
``HYPOTHESIS_PROFILE=long`` runs each property 5,000 times. A crash found here is kept as an
explicit ``@example``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from packager.api import check_all
from packager.diagnostics import InputError, Location, Problems
from packager.formats.cartridge.check import check_cartridge
from packager.formats.cartridge.profile import VERSIONS
from packager.formats.cartridge.writer import cartridge_files
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.messages import document_messages
from packager.i18n.pofile import read_po, write_po
from packager.i18n.translate import Translation, _translate_document
from packager.source.loader import load_course
from packager.source.media import MediaFiles
from packager.source.reader import read_document
from tests.conftest import COURSE_YAML, INTRO, QUIZ, SVG
from tests.test_properties import identity_translation_renders_like_the_source

# -- Markdown ---------------------------------------------------------------------------------

#: Pieces that have broken Markdown tools: markers, entities, HTML, odd URLs, invisible text.
_PIECES = [
    "text",
    "*",
    "**",
    "_",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    '"',
    "'",
    "\\",
    "|",
    "#",
    "## ",
    "- ",
    "1. ",
    "> ",
    "---",
    ":::",
    "::: note",
    "::: question single-choice",
    "::: question true-false",
    "- [x] ",
    "- [ ] ",
    "[^1]",
    "[^1]: ",
    "<!--",
    "-->",
    "<span>",
    "</span>",
    "<script>",
    "<span onclick=x>",
    "<br/>",
    "javascript:",
    "JaVaScRiPt:",
    "file:///etc/passwd",
    "../../",
    "media/",
    "media/pic.svg",
    "other.md",
    "other.md#x",
    "#first-section",
    "https://example.org/a b",
    "mailto:",
    "\u200b",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\r",
    "\t",
    "\x0b",
    "é",
    "ع",
    "开",
    "\n",
    "\n\n",
    " ",
    "    ",
]
_markdown = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=60).map(
    "".join
)


@given(_markdown)
@example("::: question single-choice\n- [x]\n:::")
@example("<!-- x -->\n:::\n:::")
@example("[a](<>)![](#)")
def test_any_page_text_gives_located_problems_only(body: str) -> None:
    problems = Problems()
    read_document(body, "p.md", MediaFiles(frozenset({"pic.svg"})), problems)
    lines = body.count("\n") + body.count("\r") + 2
    for d in problems:
        assert d.location.path == "p.md" and 1 <= d.location.line <= lines, d.format()


def _new_project() -> Path:
    """The small course of ``conftest`` in a new temporary folder."""
    root = Path(tempfile.mkdtemp(prefix="packager-fuzz-"))
    course = root / "courses/demo"
    for name, text in {
        "course.yaml": COURSE_YAML,
        "pages/intro.md": INTRO,
        "pages/quiz.md": QUIZ,
        "media/pic.svg": SVG,
    }.items():
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text(text)
    return root


#: One project whose files the examples rewrite in turn (a fixture per example would be slow).
_project = cache(_new_project)


@given(
    st.text(max_size=80),
    _markdown,
    st.sampled_from(["title: T\nduration: 3\n", "title: [\n", "kind: quiz\n", "", "- a\n"]),
)
@example("a: &x [*x]", "", "title: T\nduration: 3\n")
@example("title: !!binary AAAA", "", "")
def test_any_page_file_loads_or_gives_located_errors(front: str, body: str, base: str) -> None:
    project = _project()
    path = project / "courses/demo/pages/intro.md"
    text = f"---\n{base}{front}\n---\n{body}"
    path.write_text(text, encoding="utf-8", newline="")
    problems = Problems()
    load_course(project, "demo", problems)  # must not raise
    lines = text.count("\n") + text.count("\r") + 2
    for d in problems:
        assert d.location.line >= 1 and d.location.col >= 1, d.format()
        if d.location.path.endswith("intro.md"):
            assert d.location.line <= lines, d.format()


@given(st.binary(max_size=300))
def test_any_bytes_as_course_yaml_give_located_errors(data: bytes) -> None:
    project = _project()
    yaml_path = project / "courses/demo/course.yaml"
    yaml_path.write_bytes(data)
    try:
        problems = Problems()
        try:
            check_all(project, (), problems)
        except InputError as exc:  # the tool's own error, located
            problems.extend(exc.diagnostics)
        assert problems.errors
        assert all(d.location.line >= 1 for d in problems)
    finally:
        yaml_path.write_text(COURSE_YAML)


# -- translation: identity renders like the source, any msgstr is only located errors ---------

_hostile_word = st.sampled_from(
    ["a&b", "<x>", '"q"', "'s'", "\\", "\u200b", "\u202ex\u202c", "&amp;", "1.", "#", "-", "é"]
)
_plain = st.lists(
    st.one_of(_hostile_word, st.from_regex(r"[a-z]{1,6}", fullmatch=True)), min_size=1, max_size=6
).map(" ".join)


@st.composite
def _page(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        text = draw(_plain)
        blocks.append(
            draw(
                st.sampled_from(
                    [
                        text,
                        f"## {text}",
                        f"- {text}\n- *{draw(_plain)}*",
                        f"> {text} [link](other.md)",
                        f"::: note {draw(_plain).replace(':', '')}\n{text}\n:::",
                        f"::: question single-choice\n{text}\n\n- [x] {draw(_plain)}\n- [ ] b\n:::",
                        f"| A | B |\n| - | - |\n| {text.replace('|', '')} | `c` |",
                        f"![{text}](media/pic.svg)",
                    ]
                )
            )
        )
    return "\n\n".join(blocks) + "\n"


@given(_page())
def test_identity_translation_of_hostile_text_renders_like_the_source(body: str) -> None:
    identity_translation_renders_like_the_source(body)


@given(_page(), st.data())
def test_any_msgstr_gives_located_errors_only(body: str, data: st.DataObject) -> None:
    media = MediaFiles(frozenset({"pic.svg"}))
    document = read_document(body, "p.md", media, Problems())
    messages = document_messages(document, "p.md", "Title")
    lookup = {
        (m.context, m.msgid): Translation(
            data.draw(st.one_of(_markdown, st.text(max_size=40))), Location("x.po", 7)
        )
        for m in messages
    }
    problems = Problems()
    _translate_document(document, messages, lookup, media, {"other": None}, problems)  # type: ignore[arg-type]
    assert all(d.location.path == "x.po" for d in problems), [d.format() for d in problems]


# -- catalogues: what is written is read back whole; any text is read or located --------------

_po_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    st.lists(
        st.tuples(_po_text.filter(bool), _po_text, st.one_of(st.none(), _po_text)),
        max_size=6,
        unique_by=lambda t: (t[2], t[0]),
    )
)
def test_a_catalogue_written_and_read_loses_nothing(
    entries: list[tuple[str, str, str | None]],
) -> None:
    catalogue = Catalogue(
        header=(("Content-Type", "text/plain; charset=UTF-8"),),
        entries=tuple(Entry(msgid, msgstr, msgctxt=ctx) for msgid, msgstr, ctx in entries),
    )
    problems = Problems()
    assert read_po(write_po(catalogue), "x.po", problems) == catalogue
    assert not problems.items


_PO_PIECES = [
    'msgid "',
    'msgstr "',
    "msgctxt ",
    "msgid_plural ",
    "msgstr[0] ",
    '"',
    "\\",
    "\\x",
    "#~ ",
    "#| ",
    "#, fuzzy",
    "\n",
    "a",
    '""',
]


@given(
    st.lists(st.one_of(st.sampled_from(_PO_PIECES), st.text(max_size=4)), max_size=40).map("".join)
)
@example('msgid "a"\nmsgstr "b"\n#~ msgid "a"\n#~ msgstr "c"\n')
def test_any_po_text_is_read_or_located(text: str) -> None:
    problems = Problems()
    read_po(text, "x.po", problems)  # must not raise
    lines = text.count("\n") + text.count("\r") + 2
    assert all(d.location.path == "x.po" and 1 <= d.location.line <= lines for d in problems)


# -- cartridges: mutated zips and XML ---------------------------------------------------------


@cache
def _cartridge() -> dict[str, bytes]:
    project = _new_project()
    (edition,) = check_all(project, (), Problems())
    return cartridge_files(edition, project, VERSIONS["1.1"])


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _located(data: bytes) -> Problems:
    problems = Problems()
    check_cartridge(data, "x.imscc", problems)  # must not raise
    assert all(d.location.path.startswith("x.imscc") and d.location.line >= 1 for d in problems)
    return problems


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_cartridge_with_spoilt_bytes_gives_located_errors(spoils: list[tuple[int, int]]) -> None:
    data = bytearray(_zip(_cartridge()))
    for offset, value in spoils:
        data[offset % len(data)] = value
    _located(bytes(data))


_XML_PIECES = [
    "<",
    ">",
    "</",
    "/>",
    '"',
    "=",
    "&",
    ";",
    "<!DOCTYPE x [",
    "<!ENTITY e SYSTEM 'file:///etc/passwd'>",
    "]>",
    "&e;",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "xmlns=",
    "identifier",
    "href",
    "item",
    "resource",
    "\x00",
    "\ufeff",
]


@given(
    st.sampled_from(["imsmanifest.xml", "qz_quiz/assessment.xml", "pages/intro.html"]),
    st.integers(0, 10**5),
    st.integers(0, 200),
    st.lists(st.one_of(st.sampled_from(_XML_PIECES), st.text(max_size=3)), max_size=10).map(
        "".join
    ),
)
def test_a_cartridge_with_mutated_xml_gives_located_errors(
    name: str, at: int, cut: int, insert: str
) -> None:
    files = dict(_cartridge())
    name = name if name in files else "imsmanifest.xml"
    original = files[name]
    start = at % (len(original) + 1)
    files[name] = (
        original[:start] + insert.encode("utf-8", "surrogatepass") + original[start + cut :]
    )
    _located(_zip(files))


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "../x",
                    "/abs",
                    "C:/x",
                    "a\\b",
                    "",
                    "/",
                    ".",
                    "a/../../b",
                    "imsmanifest.xml",
                    "x/imsmanifest.xml",
                    "\u202e.xml",
                    "a" * 300,
                ]
            ),
            st.text(max_size=12),
        ),
        max_size=5,
    )
)
@example(["\x00"])
def test_a_cartridge_with_hostile_entry_names_gives_located_errors(names: list[str]) -> None:
    files = dict(_cartridge())
    for name in names:
        # zipfile cuts a name at NUL (and then fails on an empty one): that is the writer's limit.
        files[name.split("\x00", 1)[0] or "empty"] = b"x"
    problems = _located(_zip(files))
    escaping = [
        n for n in files if n.startswith("/") or "\\" in n or ".." in n.split("/") or n[1:3] == ":/"
    ]
    if escaping:  # not only no crash: a name leaving the cartridge is refused as such
        assert any(d.code == "cc-path" for d in problems), escaping


def test_the_fuzzed_cartridge_is_valid_to_start_with() -> None:
    """The mutations start from a cartridge the checker accepts, so they test the rules."""
    problems = Problems()
    check_cartridge(_zip(_cartridge()), "x.imscc", problems)
    assert problems.items == []
