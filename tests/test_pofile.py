"""The .po reader and writer: lossless round trips and GNU-identical wrapping."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packager.diagnostics import Problems
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.pofile import read_po, write_po
from tests.conftest import REPO

CATALOGUES = sorted((REPO / "locales").rglob("*.po")) + sorted((REPO / "locales").glob("*.pot"))
needs_gettext = pytest.mark.skipif(
    shutil.which("msgcat") is None, reason="GNU gettext is not installed"
)


def _read(text: str) -> Catalogue:
    problems = Problems()
    catalogue = read_po(text, "x.po", problems)
    assert catalogue is not None, [d.format() for d in problems]
    return catalogue


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(REPO)))
def test_repository_catalogues_round_trip_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert write_po(_read(text)) == text


def _gnu(text: str, *args: str) -> str:
    return subprocess.run(
        ["msgcat", *args, "-"], input=text, capture_output=True, text=True, check=True
    ).stdout


def _without_unknown_flags(text: str) -> str:
    """GNU tools drop flags they do not know (Weblate's md-text); nothing else may differ."""
    return re.sub(r"^#, md-text\n", "", text, flags=re.M).replace(", md-text", "")


@needs_gettext
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(REPO)))
def test_msgcat_leaves_repository_catalogues_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _gnu(text) == _without_unknown_flags(text)


@needs_gettext
@pytest.mark.parametrize(
    "path", [p for p in CATALOGUES if p.suffix == ".po"], ids=lambda p: str(p.relative_to(REPO))
)
def test_msgfmt_check_accepts_repository_catalogues(path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


_WORDS = st.sampled_from(
    [
        "open",
        "resources",
        "licence",
        "UNESCO",
        "2019",
        "REL",
        "ресурсы",
        "открытые",
        "الموارد",
        "المفتوحة",
        "开放式教育资源",
        "建议书",
        "《建议书》",
        "（REL）",
        "«cita»",
        "“quoted”",
        "a-b",
        "x/y",
        "`#oerrec`",
        "[the guide][1]",
        "![alt][2]",
        "**bold**",
        "\\_\\_\\_",
        "10%",
        "$5",
        "№",
        "—",
        "...",
        "!",
        "?",
        ",",
        ":",
        "(",
        ")",
        "\t",
        '"q"',
        "C:\\x",
    ]
)
_TEXT = st.lists(_WORDS, min_size=1, max_size=40).map(lambda words: " ".join(words))
_SEPARATED = st.lists(_WORDS, min_size=1, max_size=40).map(lambda words: "".join(words))


@needs_gettext
@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(_TEXT, _SEPARATED), min_size=1, max_size=20, unique=True))
def test_wrapping_matches_gnu_msgcat(texts: list[str]) -> None:
    catalogue = Catalogue(
        header=(("Content-Type", "text/plain; charset=UTF-8"), ("Language", "fr")),
        entries=tuple(
            Entry(text, msgstr=text[::-1], references=(f"a/b.md:{n}",))
            for n, text in enumerate(texts)
        ),
    )
    text = write_po(catalogue)
    assert _gnu(text) == text


_STRINGS = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)


@st.composite
def _entries(draw: st.DrawFn) -> Entry:
    obsolete = draw(st.booleans())
    fuzzy = draw(st.booleans())
    return Entry(
        msgid=draw(_STRINGS.filter(bool)),
        msgstr=draw(_STRINGS),
        msgctxt=draw(st.one_of(st.none(), _STRINGS)),
        flags=(("fuzzy",) if fuzzy else ())
        + draw(st.sampled_from([(), ("md-text",), ("python-format",)])),
        references=()
        if obsolete
        else tuple(
            draw(
                st.lists(
                    st.from_regex(r"[a-z]{1,8}/[a-z]{1,8}\.md:[1-9][0-9]{0,3}", fullmatch=True),
                    max_size=3,
                )
            )
        ),
        extracted=tuple(
            draw(
                st.lists(
                    st.from_regex(r"[A-Za-z ›·\[\]:/.]{1,30}", fullmatch=True)
                    .map(str.strip)
                    .filter(bool),
                    max_size=2,
                )
            )
        ),
        comments=tuple(
            draw(
                st.lists(
                    st.from_regex(r"[A-Za-z ]{1,30}", fullmatch=True).map(str.strip).filter(bool),
                    max_size=2,
                )
            )
        ),
        previous_msgid=draw(st.one_of(st.none(), _STRINGS.filter(bool))) if fuzzy else None,
        obsolete=obsolete,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_entries(), max_size=8, unique_by=lambda e: (e.obsolete, e.msgctxt, e.msgid)))
def test_reading_what_was_written_loses_nothing(entries: list[Entry]) -> None:
    catalogue = Catalogue(
        header=(("Content-Type", "text/plain; charset=UTF-8"),),
        entries=tuple(entries),
        header_comments=("A header",),
    )
    again = _read(write_po(catalogue))
    assert again == catalogue


def test_syntax_errors_are_located() -> None:
    problems = Problems()
    assert read_po('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\n', "fr.po", problems) is None
    assert [d.format() for d in problems] == [
        "fr.po:5:1: error[po-syntax]: invalid .po file: expected a quoted string, found '\"b'"
    ]


def test_duplicate_messages_are_refused() -> None:
    problems = Problems()
    read_po('msgid "a"\nmsgstr "1"\n\nmsgid "a"\nmsgstr "2"\n', "fr.po", problems)
    assert [d.format() for d in problems] == [
        "fr.po:4:1: error[po-duplicate]: duplicate message (first on line 1): 'a'"
    ]
