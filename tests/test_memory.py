"""Translation memory (issue 20): init and update reuse what the project or a file translated."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from packager.diagnostics import Problems
from packager.i18n.catalogue import Entry
from packager.i18n.locales import catalogue_path
from packager.i18n.workflow import init, update
from tests.conftest import COURSE_YAML, REPO, CourseFactory
from tests.test_cli import run
from tests.test_pofile import _without_unknown_flags
from tests.test_translation import (
    _catalogue,
    _course,
    _edit_entries,
    _fill,
    _translated_project,
)

SHARED = """\
---
title: Introduction
duration: 10
---

## First section

Open licences let *anyone* reuse the material.

- Reuse it.
- Adapt it to your class.
"""


def _upper(text: str) -> str:
    return text.upper() if text else text


def _two_courses(make_course: CourseFactory, second_intro: str = SHARED) -> Path:
    """``demo`` translated into French (upper case), and ``other`` beside it, not yet started."""
    yaml_text = COURSE_YAML.replace("license: CC-BY-4.0", "license: CC-BY-4.0\nlanguages: [fr]")
    project = make_course({"course.yaml": yaml_text, "pages/intro.md": SHARED})
    problems = Problems()
    init(project, _course(project), "fr", problems)
    _fill(catalogue_path(project, "fr", "demo"), project, _upper)
    make_course(
        {
            "course.yaml": yaml_text.replace("id: demo", "id: other"),
            "pages/intro.md": second_intro,
        },
        course_id="other",
    )
    return project


def _entries(project: Path, domain: str = "other") -> dict[str, Entry]:
    catalogue = _catalogue(catalogue_path(project, "fr", domain), project)
    return {e.msgid: e for e in catalogue.active}


def _gnu_identity(path: Path) -> None:
    """The file is as GNU gettext writes it, and msgfmt accepts it."""
    if shutil.which("msgcat") is None:
        pytest.skip("GNU gettext is not installed")
    text = path.read_text(encoding="utf-8")
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
    assert gnu.stdout == _without_unknown_flags(text)
    check = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_init_translates_paragraphs_another_course_translated(make_course: CourseFactory) -> None:
    project = _two_courses(make_course)
    problems = Problems()
    written = init(project, _course(project, "other"), "fr", problems)
    assert not problems.errors
    entries = _entries(project)
    shared = entries["Open licences let *anyone* reuse the material."]
    assert shared.msgstr == "OPEN LICENCES LET *ANYONE* REUSE THE MATERIAL."
    assert not shared.fuzzy
    assert entries["Adapt it to your class."].msgstr == "ADAPT IT TO YOUR CLASS."
    assert written[0].memory is not None and written[0].memory.exact == len(entries)
    _gnu_identity(catalogue_path(project, "fr", "other"))


def test_a_changed_word_gives_a_fuzzy_translation_with_the_previous_text(
    make_course: CourseFactory,
) -> None:
    changed = SHARED.replace("reuse the material", "reuse the materials")
    project = _two_courses(make_course, changed)
    init(project, _course(project, "other"), "fr", Problems())
    entry = _entries(project)["Open licences let *anyone* reuse the materials."]
    assert entry.fuzzy
    assert entry.msgstr == "OPEN LICENCES LET *ANYONE* REUSE THE MATERIAL."
    assert entry.previous_msgid == "Open licences let *anyone* reuse the material."
    path = catalogue_path(project, "fr", "other")
    assert '#| msgid "Open licences let *anyone* reuse the material."' in path.read_text()
    _gnu_identity(path)


def test_update_fills_new_messages_but_never_over_a_persons_translation(
    make_course: CourseFactory,
) -> None:
    project = _two_courses(make_course)
    problems = Problems()
    init(project, _course(project, "other"), "fr", problems)
    path = catalogue_path(project, "fr", "other")
    # A person translates one message their own way and empties another.
    own = {"Reuse it.": "Réutilisez-le.", "Adapt it to your class.": ""}
    _edit_entries(path, project, lambda e: replace(e, msgstr=own.get(e.msgid, e.msgstr)))
    written = update(project, [_course(project), _course(project, "other")], problems)
    assert not problems.errors
    entries = _entries(project)
    assert entries["Reuse it."].msgstr == "Réutilisez-le."
    assert entries["Adapt it to your class."].msgstr == "ADAPT IT TO YOUR CLASS."
    memory = {w.path: w.memory for w in written}[path]
    assert memory is not None and (memory.exact, memory.near) == (1, 0)
    _gnu_identity(path)


MDPO_MEMORY = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "- Reuse it.\\n- Adapt it to your class."
msgstr "- REUSE IT.\\n- ADAPT IT TO YOUR CLASS."

msgid "> Open licences let _anyone_ reuse the [material](https://example.org)."
msgstr "> OPEN LICENCES LET _ANYONE_ REUSE THE [MATERIAL](https://example.org/fr)."
"""


def test_a_memory_cut_by_blocks_is_re_cut_into_packagers_messages(
    make_course: CourseFactory,
) -> None:
    page = SHARED.replace(
        "Open licences let *anyone* reuse the material.",
        "Open licences let *anyone* reuse the [material](https://example.org).",
    )
    project = make_course({"pages/intro.md": page})
    (project / "mdpo.po").write_text(MDPO_MEMORY, encoding="utf-8")
    result = run("init", "demo", "--lang", "fr", "--memory", "mdpo.po", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "wrote locales/fr/LC_MESSAGES/demo.po: 3 from memory, 0 fuzzy" in result.stdout
    entries = _entries(project, "demo")
    assert entries["Reuse it."].msgstr == "REUSE IT."
    assert entries["Adapt it to your class."].msgstr == "ADAPT IT TO YOUR CLASS."
    link = entries["Open licences let *anyone* reuse the [material][1]."]
    assert link.msgstr == "OPEN LICENCES LET *ANYONE* REUSE THE [MATERIAL][1]."


def test_export_memory_writes_a_tmx_that_fills_another_project(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project = _two_courses(make_course)
    result = run("export-memory", "demo", "-o", "memory.tmx", cwd=project)
    assert result.returncode == 0, result.stderr
    tmx = (project / "memory.tmx").read_bytes()
    assert b'<tuv xml:lang="fr">' in tmx and b"ADAPT IT TO YOUR CLASS." in tmx
    again = run("export-memory", "demo", "-o", "memory.tmx", cwd=project)
    assert again.stdout.strip() == "unchanged memory.tmx"
    assert (project / "memory.tmx").read_bytes() == tmx
    shutil.rmtree(project / "locales")
    result = run("init", "other", "--lang", "fr", "--memory", "memory.tmx", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _entries(project)["Reuse it."].msgstr == "REUSE IT."


def test_a_po_memory_without_a_language_is_a_located_error(make_course: CourseFactory) -> None:
    project = make_course()
    (project / "m.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n')
    result = run("update", "--memory", "m.po", cwd=project)
    assert result.returncode == 1
    assert (
        "m.po:1:1: error[memory-language]: the memory does not say its language: add the header "
        "line 'Language: xx' (BCP 47)"
    ) in result.stderr


@pytest.mark.parametrize(
    ("source", "target", "pairs"),
    [
        # A list as one message, links inline with their URLs.
        (
            "- Reuse [it](https://a.org).\n- Adapt it.",
            "- REUSE [IT](https://a.org/fr).\n- ADAPT IT.",
            [("Reuse [it][1].", "REUSE [IT][1]."), ("Adapt it.", "ADAPT IT.")],
        ),
        # A table as one message: each cell.
        ("| a | b |\n|---|---|\n| c | d |", "| A | B |\n|---|---|\n| C | D |", [("c", "C")]),
        # A question's ``:::`` line joined to its prompt, as mdpo writes it.
        (
            "::: question single-choice When did it happen?",
            "::: question single-choice WHEN DID IT HAPPEN?",
            [("When did it happen?", "WHEN DID IT HAPPEN?")],
        ),
        # A box's title and first paragraph joined: paired at a sentence boundary.
        (
            "::: reflection Where do you stand? Think about it:",
            "::: reflection WHERE DO YOU STAND? THINK ABOUT IT:",
            [
                ("Where do you stand?", "WHERE DO YOU STAND?"),
                ("Think about it:", "THINK ABOUT IT:"),
            ],
        ),
        # The closing fence joined to the last item.
        (
            "Who needs to know? :::",
            "WHO NEEDS TO KNOW? :::",
            [("Who needs to know?", "WHO NEEDS TO KNOW?")],
        ),
        # Front matter as one message.
        (
            "title: Five areas kind: page duration: 25",
            "TITLE: FÜNF BEREICHE KIND: PAGE DURATION: 25",
            [("Five areas", "FÜNF BEREICHE")],
        ),
    ],
)
def test_recut_finds_packagers_messages_in_another_tools_blocks(
    source: str, target: str, pairs: list[tuple[str, str]]
) -> None:
    from packager.i18n.recut import recut

    found = list(recut(source, target))
    assert found[0] == (source, target)
    for pair in pairs:
        assert pair in found


def test_recut_pairs_nothing_when_the_translation_is_cut_otherwise() -> None:
    from packager.i18n.recut import recut

    merged = "- REUSE IT AND ADAPT IT."
    assert list(recut("- Reuse it.\n- Adapt it.", merged)) == [("- Reuse it.\n- Adapt it.", merged)]


def test_an_mdpo_memory_fills_90_percent_of_the_sample_course_and_nothing_wrong() -> None:
    pytest.importorskip("mdpo")
    from benchmarks.bench_memory import measure

    _cut, _pages, counts = measure()
    assert counts["wrong"] == 0
    assert counts["correct"] >= 0.9 * sum(counts.values()), counts


# -- glossary -------------------------------------------------------------------------------

GLOSSARY_CSV = "term,fr,ar,keep\ntext,texte | textes,نص,\nQuiz,,,yes\n"
LINK = "Some *text* with a [link][1]."


def _glossary_project(make_course: CourseFactory, lang: str, translation: str) -> Path:
    project = _translated_project(
        make_course, lang, lambda msgid: translation if msgid == LINK else msgid
    )
    (project / "locales" / "glossary.csv").write_text(GLOSSARY_CSV, encoding="utf-8")
    return project


def _line_of(project: Path, lang: str, msgid: str) -> int:
    catalogue = _catalogue(catalogue_path(project, lang, "demo"), project)
    return next(e.msgstr_line for e in catalogue.active if e.msgid == msgid)


@pytest.mark.parametrize(
    ("lang", "wrong", "agreed"),
    [
        ("fr", "Un *écrit* avec un [lien][1].", "'texte' or 'textes'"),
        ("ar", "بعض *الكلام* مع [رابط][1].", "'نص'"),
    ],
)
def test_check_warns_at_the_po_line_when_a_translation_lacks_the_agreed_term(
    make_course: CourseFactory, lang: str, wrong: str, agreed: str
) -> None:
    project = _glossary_project(make_course, lang, wrong)
    result = run("check", cwd=project)
    line = _line_of(project, lang, LINK)
    assert (
        f"locales/{lang}/LC_MESSAGES/demo.po:{line}:1: warning[glossary]: the glossary "
        f"(locales/glossary.csv:2) translates 'text' as {agreed}; this translation does not"
    ) in result.stderr
    stats = run("stats", "--json", cwd=project)
    assert '"glossary": 1' in stats.stdout


@pytest.mark.parametrize(
    ("lang", "right"),
    [("fr", "Des *textes* avec un [lien][1]."), ("ar", "بعض *النص* مع [رابط][1].")],
)
def test_no_glossary_warning_for_the_agreed_term(
    make_course: CourseFactory, lang: str, right: str
) -> None:
    project = _glossary_project(make_course, lang, right)
    result = run("check", cwd=project)
    assert "glossary" not in result.stderr
    assert '"glossary": 0' in run("stats", "--json", cwd=project).stdout


def test_a_term_to_keep_and_a_tbx_glossary(make_course: CourseFactory) -> None:
    project = _translated_project(
        make_course, "fr", lambda msgid: "Questionnaire" if msgid == "Quiz" else msgid
    )
    (project / "locales" / "glossary.csv").write_text(GLOSSARY_CSV, encoding="utf-8")
    line = _line_of(project, "fr", "Quiz")
    expected = (
        f"locales/fr/LC_MESSAGES/demo.po:{line}:1: warning[glossary]: the glossary "
        "(locales/glossary.csv:3) keeps 'Quiz' as it is; this translation does not"
    )
    assert expected in run("check", cwd=project).stderr
    from translate.storage.tbx import tbxfile

    store = tbxfile(sourcelanguage="en", targetlanguage="fr")
    store.addsourceunit("Quiz").settarget("Quiz")
    (project / "locales" / "glossary.csv").unlink()
    (project / "locales" / "glossary.tbx").write_bytes(bytes(store))
    result = run("check", cwd=project)
    assert (
        f"locales/fr/LC_MESSAGES/demo.po:{line}:1: warning[glossary]: the glossary "
        "(locales/glossary.tbx:13) translates 'Quiz' as 'Quiz'; this translation does not"
    ) in result.stderr


# -- the interface counts too ---------------------------------------------------------------


def test_an_untranslated_interface_is_warned_about_and_counted(
    make_course: CourseFactory,
) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    ui = catalogue_path(project, "fr", "ui")
    total = len(_catalogue(ui, project).active)
    result = run("check", cwd=project)
    assert (
        f"locales/fr/LC_MESSAGES/ui.po:1:1: warning[ui-untranslated]: français (fr) is published "
        f"but {total} of its {total} interface texts are not translated: the pages show them "
        "in English"
    ) in result.stderr
    stats = run("stats", "--no-pages", cwd=project).stdout
    assert re.search(rf"interface \(ui\.po\) +0% +{total} +0 +0 +{total} ", stats), stats
    _fill(ui, project, lambda m: m)
    assert "ui-untranslated" not in run("check", cwd=project).stderr
    ui.unlink()
    assert (
        "locales/fr/LC_MESSAGES/demo.po:1:1: warning[ui-untranslated]: français (fr) is "
        "published but has no interface catalogue locales/fr/LC_MESSAGES/ui.po: buttons and "
        "labels are shown in English; start it with 'msginit -i locales/ui.pot -l fr -o "
        "locales/fr/LC_MESSAGES/ui.po'"
    ) in run("check", cwd=project).stderr


def test_the_catalogue_page_shows_an_untranslated_interface(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    result = run("build", "--format", "html", cwd=project)
    assert result.returncode == 0, result.stderr
    report = json.loads((project / "build/report.json").read_text())
    shares = {lang["lang"]: lang["interface"] for lang in report["courses"][0]["languages"]}
    assert shares == {"en": 1.0, "fr": 0.0}
    page = (project / "build/index.html").read_text()
    assert page.count("(interface 0%)") == 1


# -- machine drafts -------------------------------------------------------------------------


def _apertium_en_es() -> bool:
    from packager.i18n.draft import pairs

    return "eng-spa" in pairs() or "en-es" in pairs()


@pytest.mark.skipif(not _apertium_en_es(), reason="Apertium's en-es pair is not installed")
def test_an_apertium_draft_fills_every_empty_message_as_fuzzy_with_markup_intact(
    tmp_path: Path,
) -> None:
    from packager.i18n.checks import check_entry

    shutil.copytree(REPO / "courses", tmp_path / "courses")
    assert run("init", "oer-recommendation", "--lang", "es", cwd=tmp_path).returncode == 0
    path = catalogue_path(tmp_path, "es", "oer-recommendation")
    human = "Recursos educativos abiertos y la Recomendación de la UNESCO"
    title = "Open Educational Resources and the UNESCO Recommendation"
    _edit_entries(path, tmp_path, lambda e: replace(e, msgstr=human) if e.msgid == title else e)
    result = run("update", "--draft", "apertium", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entries = _catalogue(path, tmp_path).active
    assert f"; {len(entries) - 1} drafted by Apertium (fuzzy)" in result.stdout
    for entry in entries:
        if entry.msgid == title:
            assert entry.msgstr == human and not entry.fuzzy  # never over human work
            continue
        assert entry.fuzzy and entry.msgstr, entry.msgid
        assert entry.comments == (
            "machine draft by Apertium (eng-spa): check it, then remove the fuzzy flag",
        )
        # Accepted as it is, the draft passes the translation checks: links, code, tags kept.
        problems = Problems()
        check_entry(replace(entry, flags=()), "es.po", problems, markdown=True)
        assert not problems.errors, [d.format() for d in problems]
    link = next(e for e in entries if e.msgid.startswith("Look back at the table in"))
    assert "][1]" in link.msgstr
    code = next(e for e in entries if "`#oerrec`" in e.msgid)
    assert "`#oerrec`" in code.msgstr
    _gnu_identity(path)


def test_a_missing_apertium_pair_says_which_pairs_there_are(make_course: CourseFactory) -> None:
    from packager.i18n.draft import pairs

    project = _translated_project(make_course, "tt", lambda m: "")
    result = run("update", "--draft", "apertium", cwd=project)
    assert result.returncode == 1
    installed = ", ".join(pairs()) or "none"
    message = "locales/tt/LC_MESSAGES/demo.po:1:1: error[draft-pair]: " + (
        f"Apertium has no en -> tt pair installed here (installed: {installed}); on Debian, "
        "look for it with: apt-cache search apertium-en"
        if pairs()
        else "Apertium is not installed; on Debian: apt install apertium apertium-en-tt "
        "(if that pair exists)"
    )
    assert message in result.stderr


def test_the_preview_highlights_a_translation_that_lacks_the_agreed_term(
    make_course: CourseFactory,
) -> None:
    """Issue 20: ``serve --preview`` (a ``--preview`` build) marks the paragraph where the glossary's
    term is missing, with what the glossary says as its title; a real build never does."""
    project = _glossary_project(make_course, "fr", "Un *écrit* avec un [lien][1].")
    result = run("build", "--preview", "--format", "html", "--lang", "fr", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = (project / "build/preview/demo/fr/html").glob("*.html")
    html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    note = (
        "the glossary (locales/glossary.csv:2) translates &#x27;text&#x27; as &#x27;texte&#x27; "
        "or &#x27;textes&#x27;; this translation does not"
    )
    assert f'<span class="glossary-miss" title="{note}">Un <em>écrit</em> avec' in html
    assert html.count('class="glossary-miss" title=') == 1  # the agreed terms elsewhere: none
    assert '<mark class="glossary-miss">' in html  # the preview's key says what the colour is
    result = run("build", "--format", "html", "--lang", "fr", cwd=project)
    assert result.returncode == 0, result.stderr
    built = "\n".join(
        p.read_text(encoding="utf-8") for p in (project / "build/demo/fr/html").glob("*.html")
    )
    assert "Un <em>écrit</em> avec" in built and "glossary-miss" not in built
