"""The translation workflow: extract, init, update, stats, and translated builds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

from packager.api import BuildOptions, build, check_all
from packager.diagnostics import Problems, Severity
from packager.formats.registry import FORMATS
from packager.i18n.catalogue import Catalogue, Entry
from packager.i18n.editions import editions
from packager.i18n.locales import catalogue_path, load, save, template_path, ui_catalogue
from packager.i18n.merge import merge
from packager.i18n.pofile import read_po
from packager.i18n.workflow import extract, init, update
from packager.render.document import render_document
from packager.render.settings import RenderContext
from packager.source.mdinline import parse_inline
from tests.conftest import COURSE_YAML, REPO, CourseFactory
from tests.conftest import load as load_course
from tests.test_cli import run

GOLDEN = Path(__file__).parent / "golden"


def _course(project: Path, course_id: str = "demo"):  # type: ignore[no-untyped-def]
    course, problems = load_course(project, course_id)
    assert course is not None, problems
    return course


def _catalogue(path: Path, project: Path) -> Catalogue:
    problems = Problems()
    catalogue = load(path, project, problems)
    assert catalogue is not None, [d.format() for d in problems]
    return catalogue


def _edit_entries(path: Path, project: Path, change: Callable[[Entry], Entry]) -> Catalogue:
    """Rewrite every entry of a catalogue with ``change``; returns the catalogue as it was."""
    catalogue = _catalogue(path, project)
    save(path, replace(catalogue, entries=tuple(change(e) for e in catalogue.entries)))
    return catalogue


def _fill(path: Path, project: Path, translate: Callable[[str], str]) -> None:
    _edit_entries(path, project, lambda e: replace(e, msgstr=translate(e.msgid)))


def _translated_project(make_course: CourseFactory, lang: str, translate, **files: str) -> Path:  # type: ignore[no-untyped-def]
    yaml_text = COURSE_YAML.replace(
        "license: CC-BY-4.0", f"license: CC-BY-4.0\nlanguages: [{lang}]"
    )
    project = make_course({"course.yaml": yaml_text, **files})
    problems = Problems()
    init(project, _course(project), lang, problems)
    assert not problems.errors, [d.format() for d in problems]
    _fill(catalogue_path(project, lang, "demo"), project, translate)
    return project


# -- extraction ------------------------------------------------------------------------------


FEATURES_YAML = (
    COURSE_YAML.replace("pages: [intro, quiz]", "pages: [features, other]").replace(
        "keywords", "keywords"
    )
    + "keywords: [OER]\n"
)


def test_golden_template(make_course: CourseFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/golden/features.pot, reviewed once; UPDATE_GOLDEN=1 rewrites it."""
    import os

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    other = "---\ntitle: Other\nduration: 1\n---\n\n## Second part\n\n<!-- i18n:skip -->\nDo not translate this.\n\n<!-- i18n:context button -->\n<!-- i18n:comment The label of a control -->\nOpen\n"
    project = make_course(
        {
            "course.yaml": FEATURES_YAML,
            "pages/intro.md": None,
            "pages/quiz.md": None,
            "pages/features.md": (GOLDEN / "features.md").read_text(),
            "pages/other.md": other,
        }
    )
    extract(project, [_course(project)])
    text = template_path(project, "demo").read_text()
    golden = GOLDEN / "features.pot"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_extracting_twice_changes_no_byte(make_course: CourseFactory) -> None:
    project = make_course()
    course = _course(project)
    first = extract(project, [course])
    pot = template_path(project, "demo").read_bytes()
    second = extract(project, [course])
    assert [w.changed for w in first] == [True, True]
    assert [w.changed for w in second] == [False, False]
    assert template_path(project, "demo").read_bytes() == pot


def test_creation_date_moves_only_with_the_messages(
    make_course: CourseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = make_course()
    extract(project, [_course(project)])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    extract(project, [_course(project)])
    assert "POT-Creation-Date: 2023-11-14 22:13+0000" in template_path(project, "demo").read_text()
    make_course({"pages/intro.md": "---\ntitle: Introduction\nduration: 10\n---\n\nA new text.\n"})
    extract(project, [_course(project)])
    assert "POT-Creation-Date: 2027-01-15 08:00+0000" in template_path(project, "demo").read_text()


def test_code_blocks_and_skipped_blocks_are_not_messages(make_course: CourseFactory) -> None:
    page = "---\ntitle: T\nduration: 1\n---\n\n```\ncode here\n```\n\n    indented code\n\n<!-- i18n:skip -->\nSkip me.\n\nKeep me.\n"
    project = make_course({"pages/intro.md": page})
    extract(project, [_course(project)])
    msgids = [e.msgid for e in _catalogue(template_path(project, "demo"), project).entries]
    assert "Keep me." in msgids
    assert not [m for m in msgids if "code" in m or "Skip me" in m]


# -- init ------------------------------------------------------------------------------------


def test_init_writes_a_complete_header_never_fuzzy(make_course: CourseFactory) -> None:
    project = make_course()
    problems = Problems()
    init(project, _course(project), "ar", problems)
    catalogue = _catalogue(catalogue_path(project, "ar", "demo"), project)
    assert "fuzzy" not in catalogue.header_flags
    assert catalogue.header_value("Language") == "ar"
    assert catalogue.header_value("Content-Type") == "text/plain; charset=UTF-8"
    assert catalogue.header_value(
        "Plural-Forms",
    ).startswith("nplurals=6;")  # type: ignore[union-attr]
    assert catalogue.header_value(
        "X-Generator",
    ).startswith("packager ")  # type: ignore[union-attr]
    assert [d.format() for d in problems] == [
        "courses/demo/course.yaml:4:1: warning[language-not-listed]: add the line 'languages: [ar]' to course.yaml to publish 'ar'"
    ]
    again = Problems()
    init(project, _course(project), "ar", again)
    assert [d.code for d in again] == ["init-exists", "language-not-listed"]


def test_the_init_warning_points_at_the_languages_line_and_says_what_to_write(
    make_course: CourseFactory,
) -> None:
    yaml = COURSE_YAML.replace("license:", "languages: [fr]\nlicense:")
    project = make_course({"course.yaml": yaml})
    result = run("init", "demo", "--lang", "de", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "courses/demo/course.yaml:5:1: warning[language-not-listed]: add 'de' to 'languages' to publish it: languages: [fr, de]"
    )


@pytest.mark.parametrize("command", ["init demo", "build", "serve", "new other"])
def test_an_unknown_language_option_is_a_usage_error(
    make_course: CourseFactory, command: str
) -> None:
    # A timeout: `serve` would run for ever if the option were accepted.
    result = subprocess.run(
        [sys.executable, "-m", "packager", *command.split(), "--lang", "deutsch"],
        cwd=make_course(),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        "Error: Invalid value for '--lang': unknown language code 'deutsch' (use BCP 47, like 'fr' or 'zh-Hans')"
        in result.stderr
    )
    assert "locales:" not in result.stderr


def test_a_language_option_in_another_case_is_read_in_the_usual_case(
    make_course: CourseFactory,
) -> None:
    project = make_course()
    result = run("init", "demo", "--lang", "ZH-hans", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "warning[language-case]: --lang 'ZH-hans' is read as 'zh-Hans'; write it so (BCP 47's usual case, which catalogue folders and outputs use)"
    )
    assert catalogue_path(project, "zh-Hans", "demo").is_file()
    assert [p.name for p in (project / "locales").iterdir() if p.is_dir()] == ["zh_Hans"]


def test_course_yaml_languages_are_read_in_the_usual_case(make_course: CourseFactory) -> None:
    yaml = COURSE_YAML.replace("language: en", "language: EN\nlanguages: [zh-hans, DE]")
    course, problems = load_course(make_course({"course.yaml": yaml}))
    assert problems == [
        "courses/demo/course.yaml:4:11: warning[language-case]: the language code 'EN' is read as 'en'; write it so (BCP 47's usual case, which catalogue folders and outputs use)",
        "courses/demo/course.yaml:5:13: warning[language-case]: the language code 'zh-hans' is read as 'zh-Hans'; write it so (BCP 47's usual case, which catalogue folders and outputs use)",
        "courses/demo/course.yaml:5:22: warning[language-case]: the language code 'DE' is read as 'de'; write it so (BCP 47's usual case, which catalogue folders and outputs use)",
    ]
    assert course is not None
    assert (course.language, course.languages) == ("en", ("zh-Hans", "de"))


def test_a_catalogue_folder_in_another_case_is_named_as_it_must_be(
    make_course: CourseFactory,
) -> None:
    yaml = COURSE_YAML.replace("license:", "languages: [zh-Hans]\nlicense:")
    project = make_course({"course.yaml": yaml})
    init(project, _course(project), "zh-Hans", Problems())
    (project / "locales/zh_Hans").rename(project / "locales/zh_hans")
    problems = Problems()
    check_all(project, (), problems)
    assert [d.format() for d in problems.sorted()] == [
        "locales/zh_hans/LC_MESSAGES/demo.po:1:1: error[invalid-language]: the folder locales/zh_hans must be called zh_Hans, as gettext tools expect"
    ]


# -- update ----------------------------------------------------------------------------------


def _entry(msgid: str, msgstr: str = "", **kw: object) -> Entry:
    return Entry(msgid, msgstr, references=kw.pop("references", ("p.md:1",)), **kw)  # type: ignore[arg-type]


def _merge(old: list[Entry], new: list[str]) -> list[Entry]:
    header = (("Content-Type", "text/plain; charset=UTF-8"),)
    merged, _report = merge(
        Catalogue(header, tuple(_entry(m) for m in new)), Catalogue(header, tuple(old))
    )
    return list(merged.entries)


def test_exact_match_keeps_the_translation() -> None:
    (entry,) = _merge([_entry("Hello world.", "Bonjour le monde.")], ["Hello world."])
    assert entry.msgstr == "Bonjour le monde." and not entry.fuzzy


def test_spacing_or_markup_change_keeps_it_without_fuzz() -> None:
    (entry,) = _merge(
        [_entry("Open *resources* for all.", "Des ressources *libres* pour tous.")],
        ["Open **resources** for all."],
    )
    assert entry.msgstr == "Des ressources *libres* pour tous." and not entry.fuzzy
    assert entry.previous_msgid is None


def test_a_changed_text_becomes_fuzzy_with_the_previous_text() -> None:
    entries = _merge(
        [
            _entry(
                "UNESCO adopted the Recommendation in 2019.",
                "L'UNESCO a adopté la Recommandation en 2019.",
            )
        ],
        ["UNESCO's member states adopted the Recommendation in 2019."],
    )
    (entry,) = entries
    assert entry.fuzzy and entry.msgstr == "L'UNESCO a adopté la Recommandation en 2019."
    assert entry.previous_msgid == "UNESCO adopted the Recommendation in 2019."


def test_an_unmatched_translation_is_kept_as_obsolete() -> None:
    entries = _merge(
        [_entry("A paragraph that goes away.", "Un paragraphe qui disparaît.")],
        ["Something else entirely."],
    )
    assert [(e.msgid, e.msgstr, e.obsolete) for e in entries] == [
        ("Something else entirely.", "", False),
        ("A paragraph that goes away.", "Un paragraphe qui disparaît.", True),
    ]


def test_an_obsolete_translation_comes_back() -> None:
    (entry,) = _merge([_entry("Back again.", "De retour.", obsolete=True)], ["Back again."])
    assert entry.msgstr == "De retour." and not entry.obsolete and not entry.fuzzy


def test_translator_comments_survive() -> None:
    (entry,) = _merge([_entry("Hello.", "Bonjour.", comments=("checked by Ana",))], ["Hello."])
    assert entry.comments == ("checked by Ana",)


def test_editing_one_paragraph_fuzzes_exactly_that_message_everywhere(tmp_path: Path) -> None:
    """Issue 3's acceptance test, on a copy of the sample course with all its catalogues."""
    project = tmp_path / "project"
    for folder in ("courses", "locales"):
        shutil.copytree(REPO / folder, project / folder)
    before = {p: p.read_text() for p in (project / "locales").rglob("*.po")}
    page = project / "courses/oer-recommendation/pages/why-it-matters.md"
    text = page.read_text()
    old_paragraph = next(
        p for p in text.split("\n\n") if p.startswith("The Recommendation") or p.startswith("OER ")
    )
    new_paragraph = old_paragraph.replace(" the ", " this ", 1)
    assert new_paragraph != old_paragraph
    page.write_text(text.replace(old_paragraph, new_paragraph))
    problems = Problems()
    (course,) = check_all(project, ("oer-recommendation",), problems)[:1]
    update(project, [course.course], problems)
    assert not problems.errors, [d.format() for d in problems.errors]
    old_id = " ".join(old_paragraph.split())
    for path, old_text in before.items():
        if path.name == "ui.po":
            assert path.read_text() == old_text
            continue
        old_catalogue = read_po(old_text, str(path), Problems())
        catalogue = _catalogue(path, project)
        assert old_catalogue is not None
        changed = [
            (a, b) for a, b in zip(old_catalogue.entries, catalogue.entries, strict=True) if a != b
        ]
        assert len(changed) == 1, path
        old_entry, new_entry = changed[0]
        assert new_entry.fuzzy and not old_entry.fuzzy
        assert (
            new_entry.previous_msgid == old_entry.msgid
            and " ".join(old_entry.msgid.split()) == old_id
        )
        assert new_entry.msgstr == old_entry.msgstr  # the old translation is offered, marked fuzzy
        header_changes = {k for (k, v) in set(catalogue.header) ^ set(old_catalogue.header)}
        assert header_changes <= {"POT-Creation-Date"}


# -- translated builds -----------------------------------------------------------------------


def _pseudo(msgid: str) -> str:
    """Pseudo-translation: every text segment wrapped in ⟦ ⟧, markup and labels kept."""
    return (
        re.sub(
            r"([^\[\]*`<>]+)(?![^\[]*\]\[)",
            lambda m: f"⟦{m.group(1)}⟧" if m.group(1).strip() else m.group(1),
            msgid,
        )
        if msgid
        else ""
    )


def test_pseudo_locale_shows_every_message_translated(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "eo", lambda m: f"⟦{m}⟧" if m else "")
    # The interface too: a published language with English buttons is warned about (strict).
    _fill(catalogue_path(project, "eo", "ui"), project, lambda m: f"⟦{m}⟧" if m else "")
    outputs = build(BuildOptions(project=project, out=project / "build", strict=True), Problems())
    assert sorted((o.lang, o.format) for o in outputs) == [
        (lang, fmt) for lang in ("en", "eo") for fmt in sorted(FORMATS)
    ]
    site = project / "build/demo/eo/html"
    for page in ("intro.html", "quiz.html", "index.html"):
        root = lxml_html.parse(str(site / page)).getroot()
        assert root.get("lang") == "eo"
        main = root.find(".//main")
        assert not main.find_class("fallback")
        assert "⟦Introduction⟧" in lxml_html.tostring(root, encoding="unicode")
    assert (
        "⟦Some *text* with a [link][1].⟧" not in (site / "intro.html").read_text()
    )  # markup rendered
    assert (
        '<p>⟦Some <em>text</em> with a <a href="quiz.html">link</a>.⟧</p>'
        in (site / "intro.html").read_text()
    )


def test_identity_translation_renders_exactly_like_the_source(tmp_path: Path) -> None:
    """Every page of the sample course and the golden page: msgstr = msgid gives the same HTML."""
    from packager.diagnostics import Location
    from packager.i18n.messages import course_messages
    from packager.i18n.translate import Translation, translate_course
    from packager.source.loader import load_course as loader

    project = tmp_path
    shutil.copytree(REPO / "courses", project / "courses")
    features = project / "courses/oer-recommendation/pages/welcome.md"
    features.write_text(
        features.read_text()
        + "\n"
        + (GOLDEN / "features.md")
        .read_text()
        .split("---\n", 2)[2]
        .replace("other.md#second-part", "what-are-oer.md#open-licences")
        .replace("media/pic.svg", "media/timeline.svg")
    )
    problems = Problems()
    course = loader(project, "oer-recommendation", problems)
    assert course is not None, [d.format() for d in problems]
    lookup = {
        (m.context, m.msgid): Translation(m.msgid, Location("x.po", 1))
        for m in course_messages(course)
    }
    translated = translate_course(course, lookup, problems)
    assert not problems.errors, [d.format() for d in problems.errors]
    ctx = RenderContext(gettext=str)
    for source, copy in zip(course.pages, translated.pages, strict=True):
        assert render_document(copy.document, ctx) == render_document(source.document, ctx), (
            source.id
        )
        assert copy.fallbacks == 0


def test_untranslated_text_falls_back_marked_with_its_language(make_course: CourseFactory) -> None:
    project = _translated_project(
        make_course, "fr", lambda m: "" if m.startswith("Some") else f"«{m}»" if m else ""
    )
    build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    html = (project / "build/demo/fr/html/intro.html").read_text()
    assert '<span lang="en" dir="ltr" class="fallback">Some <em>text</em>' in html
    assert 'class="fallback-notice"' in html
    assert 'class="fallback-notice"' not in (project / "build/demo/fr/html/quiz.html").read_text()


def test_fuzzy_translations_are_used_only_in_preview(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: f"«{m}»" if m else "")
    path = catalogue_path(project, "fr", "demo")
    _edit_entries(path, project, lambda e: e.with_flag("fuzzy") if e.msgid == "Pick one." else e)
    build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    assert "«Pick one.»" not in (project / "build/demo/fr/html/quiz.html").read_text()
    build(
        BuildOptions(project=project, out=project / "preview", preview=True, formats=("html",)),
        Problems(),
    )
    assert "«Pick one.»" in (project / "preview/demo/fr/html/quiz.html").read_text()


def test_a_language_below_the_gate_is_not_published(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: "")
    yaml_path = project / "courses/demo/course.yaml"
    yaml_path.write_text(yaml_path.read_text() + "min_translated: 80\n")
    problems = Problems()
    outputs = build(
        BuildOptions(project=project, out=project / "build", formats=("html",)), problems
    )
    assert [o.lang for o in outputs] == ["en"]
    assert [d.format() for d in problems.warnings] == [
        "locales/fr/LC_MESSAGES/demo.po:1:1: warning[below-threshold]: français (fr) is 0% translated, below min_translated 80% in course.yaml; it is not published"
    ]


def test_region_falls_back_to_its_language_never_across_scripts(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "pt", lambda m: f"PT {m}" if m else "")
    yaml_path = project / "courses/demo/course.yaml"
    yaml_path.write_text(
        yaml_path.read_text().replace("languages: [pt]", "languages: [pt-BR, zh-Hant]")
    )
    problems = Problems()
    init(project, _course(project), "pt-BR", problems)
    _fill(
        catalogue_path(project, "pt-BR", "demo"),
        project,
        lambda m: "BR Introduction" if m == "Introduction" else "",
    )
    init(project, _course(project), "zh-Hans", problems)
    _fill(catalogue_path(project, "zh-Hans", "demo"), project, lambda m: f"简 {m}" if m else "")
    problems = Problems()
    found = {e.lang: e for e in editions(project, _course(project), problems)}
    assert sorted(found) == [
        "en",
        "pt-BR",
    ]  # zh-Hant has no catalogue of its own; zh-Hans is not its fallback
    pages = {p.id: p for p in found["pt-BR"].course.pages}
    assert pages["intro"].title == "BR Introduction" and pages["quiz"].title == "PT Quiz"


def test_translations_are_untrusted(make_course: CourseFactory) -> None:
    def hostile(msgid: str) -> str:
        if msgid.startswith("Some"):
            return "Some <script>alert(1)</script> [link](javascript:alert(1)) and [more][1]."
        return msgid

    project = _translated_project(make_course, "fr", hostile)
    problems = Problems()
    check_all(project, (), problems)
    codes = sorted(d.code for d in problems.errors)
    assert codes == ["po-html", "po-links", "raw-html", "raw-html", "unsafe-url"]
    assert all(
        d.location.path == "locales/fr/LC_MESSAGES/demo.po" and d.location.line > 1
        for d in problems.errors
    )


@pytest.mark.parametrize(
    ("msgstr", "message"),
    [
        ("Du *texte* avec un lien.", "error[po-links]: the translation drops [1] (links)"),
        (
            "Du *texte* avec [un lien][1] et [un autre][2].",
            "error[po-links]: the translation uses [2], which the source does not have (links)",
        ),
        (
            "Du texte avec [un lien][1].",
            "warning[po-emphasis]: the translation drops *emphasis*; check that the stress is meant",
        ),
        (
            "Du *texte*\n\navec [un lien][1].",
            "error[po-new-block]: the translation has a blank line, which would start a new paragraph",
        ),
    ],
)
def test_translation_checks(make_course: CourseFactory, msgstr: str, message: str) -> None:
    project = _translated_project(
        make_course, "fr", lambda m: msgstr if m.startswith("Some") else m
    )
    problems = Problems()
    check_all(project, (), problems)
    # The fixture's figure has no credit entry, and its French interface is not translated: those
    # warnings are not what this test is about.
    found = [d for d in problems.sorted() if d.code not in ("uncredited-media", "ui-untranslated")]
    assert [d.format().split(": ", 1)[1] for d in found] == [message]


def test_right_to_left_languages(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "ar", lambda m: f"ع {m}" if m else "")
    build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    root = lxml_html.parse(str(project / "build/demo/ar/html/intro.html")).getroot()
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    switcher = root.find(".//nav[@class='language-switcher']")
    assert [a.get("hreflang") for a in switcher.iter("a")] == ["en"]
    assert switcher.find(".//a").get("href") == "../../en/html/intro.html"


def test_stats_json(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: "" if m == "Pick one." else m)
    result = run("stats", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)["demo"]["fr"]
    assert data["total"]["untranslated"] == 1 and data["pages"]["quiz"]["untranslated"] == 1
    assert data["total"]["words_untranslated"] == 2


def test_stats_in_a_pipe_is_plain_text_with_every_word_whole(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: "" if m == "Pick one." else m)
    (project / "courses/demo/pages/intro.md").rename(
        project / "courses/demo/pages/a-rather-long-page-name.md"
    )
    yaml = project / "courses/demo/course.yaml"
    yaml.write_text(yaml.read_text().replace("[intro, quiz]", "[a-rather-long-page-name, quiz]"))
    result = run("stats", cwd=project)
    assert result.returncode == 0, result.stderr
    course_rows, interface = result.stdout.rsplit("  interface (ui.po)", 1)
    # The interface row: its figures follow the templates' strings (tests/test_memory.py).
    assert re.fullmatch(r" +0% +\d+ +0 +0 +\d+ +\d+\n", interface)
    assert course_rows == (
        "demo: translations\n"
        "language / page           done messages translated fuzzy untranslated words left\n"
        "fr                         90%       10          9     0            1          2\n"
        "  (course)                100%        3          3     0            0          0\n"
        "  a-rather-long-page-name 100%        3          3     0            0          0\n"
        "  quiz                     75%        4          3     0            1          2\n"
    )


def test_stats_in_a_narrow_terminal_cuts_no_word(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "60", "FORCE_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "packager", "stats"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)
    assert "\x1b" in result.stdout  # coloured: rich took it for a terminal
    assert "…" not in text
    assert " ".join(text.splitlines()[1].split()) == (
        "language / page done messages translated fuzzy untranslated words left"
    )


def test_sample_course_builds_in_six_languages() -> None:
    problems = Problems()
    found = check_all(REPO, ("oer-recommendation",), problems)
    assert not problems.fails(strict=True), [d.format() for d in problems]
    assert [e.lang for e in found] == ["en", "fr", "es", "ar", "zh-Hans", "ru"]
    assert all(page.fallbacks == 0 for e in found for page in e.course.pages)


def test_a_change_of_escaping_alone_keeps_the_translation() -> None:
    (entry,) = _merge(
        [
            _entry(
                "In CC BY-SA, the letters \\_\\_\\_ mean",
                "En CC BY-SA, les lettres \\_\\_\\_ signifient",
            )
        ],
        ["In CC BY-SA, the letters ___ mean"],
    )
    assert entry.msgstr.startswith("En CC BY-SA") and not entry.fuzzy


def test_blanks_stay_readable_in_messages() -> None:
    from packager.source.mdinline import to_markdown

    tokens = parse_inline("Goal number ___ is about *quality*.", {})
    assert to_markdown(tokens, "", {}).text == "Goal number ___ is about *quality*."
    tokens = parse_inline("Goal number \\_\\_\\_, on quality.", {})
    assert to_markdown(tokens, "", {}).text == "Goal number \\_\\_\\_, on quality."


def test_repository_templates_and_catalogues_are_up_to_date(tmp_path: Path) -> None:
    """After changing sources or templates, run `packager update` and commit the result."""
    for folder in ("courses", "locales", "templates"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    problems = Problems()
    found = check_all(tmp_path, (), problems)
    update(tmp_path, [e.course for e in found if e.lang == e.course.language], problems)
    for path in sorted((REPO / "locales").rglob("*.po*")):
        assert (tmp_path / path.relative_to(REPO)).read_text() == path.read_text(), path


# -- regressions from review ----------------------------------------------------------------


def test_interface_translations_cannot_inject_html(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    ui = catalogue_path(project, "fr", "ui")
    _fill(ui, project, lambda m: "Suivant <script>alert(1)</script>" if m == "Next" else "")
    problems = Problems()
    check_all(project, (), problems)
    assert [d.code for d in problems.errors] == ["po-html"]
    # Even unchecked, what templates get from a catalogue is escaped text, never markup.
    catalogue = ui_catalogue(project, "fr", Problems())
    assert (
        catalogue.translations(html=True).gettext("Next")
        == "Suivant &lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_a_lone_percent_in_an_interface_string_is_refused_and_never_fatal(
    make_course: CourseFactory,
) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    _fill(
        catalogue_path(project, "fr", "ui"),
        project,
        lambda m: "Version à 100 % : %(version)s" if m == "Version %(version)s" else "",
    )
    problems = Problems()
    check_all(project, (), problems)
    assert [d.code for d in problems.errors] == ["po-format"]
    catalogue = ui_catalogue(project, "fr", Problems())
    assert (
        catalogue.translations(html=True).gettext("Version %(version)s") == "Version %(version)s"
    )  # falls back


def test_a_fuzzy_entry_stays_fuzzy_when_it_comes_back_from_obsolete() -> None:
    (entry,) = _merge(
        [_entry("Back again.", "Guess", obsolete=True, flags=("fuzzy",))], ["Back again."]
    )
    assert entry.fuzzy and not entry.obsolete


def test_fuzzy_entries_and_unpublished_drafts_do_not_fail_the_build(
    make_course: CourseFactory,
) -> None:
    project = _translated_project(
        make_course, "fr", lambda m: "Du texte sans lien." if m.startswith("Some") else m
    )
    path = catalogue_path(project, "fr", "demo")
    catalogue = _edit_entries(
        path, project, lambda e: e.with_flag("fuzzy") if e.msgid.startswith("Some") else e
    )
    problems = Problems()
    check_all(project, (), problems)
    assert not problems.errors
    yaml_path = project / "courses/demo/course.yaml"
    yaml_path.write_text(yaml_path.read_text() + "min_translated: 100\n")
    # The broken translation, not fuzzy, in a language below the gate (one message untranslated).
    save(
        path,
        replace(
            catalogue,
            entries=tuple(
                replace(e, msgstr="") if e.msgid == "Pick one." else e for e in catalogue.entries
            ),
        ),
    )
    problems = Problems()
    check_all(project, (), problems)
    assert not problems.errors
    assert {d.code for d in problems.warnings} == {"below-threshold", "po-links", "po-emphasis"}


def test_a_new_link_or_code_span_is_a_change_translators_see() -> None:
    (entry,) = _merge(
        [_entry("Plan three hours.", "Prévoyez trois heures.")], ["Plan three [hours][1]."]
    )
    assert entry.fuzzy and entry.previous_msgid == "Plan three hours."
    (entry,) = _merge([_entry("Use the tag.", "Utilisez le tag.")], ["Use the `tag`."])
    assert entry.fuzzy


def test_previous_text_of_a_fuzzy_candidate_is_kept() -> None:
    old = _entry(
        "The cat sat on the red mat.",
        "Le chat",
        flags=("fuzzy",),
        previous_msgid="The cat sat on the mat today.",
    )
    (entry,) = _merge([old], ["The cat sat on the big red mat."])
    assert entry.fuzzy and entry.previous_msgid == "The cat sat on the mat today."


def test_a_kept_fuzzy_entry_keeps_its_previous_context() -> None:
    """Regression: ``#| msgctxt`` of a fuzzy entry was dropped on update (GNU msgmerge keeps it)."""
    header = (("Content-Type", "text/plain; charset=UTF-8"),)
    old = _entry(
        "The big cat.",
        "Le gros chat.",
        msgctxt="intro",
        flags=("fuzzy",),
        previous_msgctxt="intro",
        previous_msgid="The cat.",
    )
    template = Catalogue(header, (_entry("The big cat.", msgctxt="intro"),))
    merged, _report = merge(template, Catalogue(header, (old,)))
    (entry,) = merged.entries
    assert entry.fuzzy
    assert (entry.previous_msgctxt, entry.previous_msgid) == ("intro", "The cat.")


def test_a_translation_may_write_a_link_out_to_localise_it(make_course: CourseFactory) -> None:
    project = _translated_project(
        make_course,
        "fr",
        lambda m: (
            "Du *texte* avec [un lien](https://example.org/fr)." if m.startswith("Some") else m
        ),
    )
    problems = Problems()
    check_all(project, (), problems)
    assert not problems.errors, [d.format() for d in problems]
    build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    assert (
        '<a href="https://example.org/fr">un lien</a>'
        in (project / "build/demo/fr/html/intro.html").read_text()
    )


def test_markdown_checks_do_not_depend_on_the_md_text_flag(make_course: CourseFactory) -> None:
    project = _translated_project(
        make_course, "fr", lambda m: "Du *texte* sans lien." if m.startswith("Some") else m
    )
    path = catalogue_path(project, "fr", "demo")
    _edit_entries(path, project, lambda e: replace(e, flags=()))  # as msgcat leaves it
    problems = Problems()
    check_all(project, (), problems)
    assert [d.code for d in problems.errors] == ["po-links"]


def test_translated_objectives_are_checked(make_course: CourseFactory) -> None:
    intro = "---\ntitle: Introduction\nduration: 10\nobjectives:\n  - Describe the course.\n---\n\nText.\n"
    project = _translated_project(
        make_course,
        "fr",
        lambda m: "Décrire [le cours](javascript:alert(1))." if m == "Describe the course." else m,
        **{"pages/intro.md": intro},
    )
    problems = Problems()
    check_all(project, (), problems)
    assert [d.code for d in problems.errors] == ["po-links", "unsafe-url"]


def test_preview_builds_say_so_and_go_elsewhere(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    result = run("build", "--preview", "--format", "html", cwd=project)
    assert result.returncode == 0, result.stderr
    html = (project / "build/preview/demo/fr/html/intro.html").read_text()
    assert 'class="preview-notice"' in html and 'name="robots" content="noindex"' in html
    assert not (project / "build/demo").exists()


def test_conventional_plural_forms_are_accepted(make_course: CourseFactory) -> None:
    project = _translated_project(make_course, "fr", lambda m: m)
    _fill(catalogue_path(project, "fr", "ui"), project, lambda m: m)
    path = catalogue_path(project, "fr", "demo")
    assert _catalogue(path, project).header_value("Plural-Forms") == "nplurals=2; plural=(n > 1);"
    save(
        path,
        _catalogue(path, project).with_header(
            "Plural-Forms", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : 2;"
        ),
    )
    problems = Problems()
    check_all(project, (), problems)
    assert not problems.warnings  # Babel's CLDR form is fine too


def test_unknown_directive_is_a_warning(make_course: CourseFactory) -> None:
    project = make_course(
        {"pages/intro.md": "---\ntitle: I\nduration: 1\n---\n\n<!-- i18n:skp -->\nText.\n"}
    )
    _course, problems = load_course(project)
    assert problems == [
        "courses/demo/pages/intro.md:6:1: warning[i18n-directive]: unknown translation directive i18n:skp (did you mean 'skip'?)"
    ]


def test_code_only_cells_are_not_messages(make_course: CourseFactory) -> None:
    page = "---\ntitle: T\nduration: 1\n---\n\n| Code | Meaning |\n| - | - |\n| `x = 1` | one |\n"
    project = make_course({"pages/intro.md": page})
    extract(project, [_course(project)])
    msgids = [e.msgid for e in _catalogue(template_path(project, "demo"), project).entries]
    assert "one" in msgids and not [m for m in msgids if "x = 1" in m]


def test_plural_msgstr_without_msgid_plural_is_refused() -> None:
    problems = Problems()
    assert read_po('msgid "a"\nmsgstr[0] "b"\n', "fr.po", problems) is None
    assert [d.code for d in problems] == ["po-syntax"]
    assert (
        read_po('msgid "\\x41"\nmsgstr "\\x42c"\n', "fr.po", Problems()).entries[0].msgstr == "Bc"
    )  # type: ignore[union-attr]


def test_untranslated_text_is_marked_in_the_book_with_a_note(make_course: CourseFactory) -> None:
    """Regression: the site marks a passage left in the source language; paper said nothing."""
    from packager.formats.pdf.book import book_html
    from packager.i18n.editions import editions
    from tests.conftest import load

    project = _translated_project(
        make_course, "fr", lambda m: "" if m.startswith("Some") else f"«{m}»" if m else ""
    )
    course, _problems = load(project)
    assert course is not None
    (edition,) = [e for e in editions(project, course, Problems()) if e.lang == "fr"]
    html = book_html(edition, project)
    assert (
        '<a href="#page-quiz">link</a>.</span> <small class="fallback-note">'
        "(anglais: not translated yet)</small></p>"  # this project has no French interface
    ) in html


TITLED = (
    "---\ntitle: Introduction\nduration: 10\n---\n\n"
    'See [the guide][1], [the site](https://example.org/b "Site title") and '
    '![a logo](media/pic.svg "Logo title") here.\n\n'
    '[1]: https://example.org/a "Guide title"\n'
)
TITLED_MSGID = (
    'See [the guide](https://example.org/a "Guide title"), '
    '[the site](https://example.org/b "Site title") and '
    '![a logo](media/pic.svg "Logo title") here.'
)


def test_link_and_image_titles_are_translated(make_course: CourseFactory) -> None:
    """A title is part of the message: extracted, translated, checked by URL only."""
    french = (
        'Voir [le guide](https://example.org/a "Titre du guide"), '
        '[le site](https://example.org/b "Titre du site") et '
        '![un logo](media/pic.svg "Titre du logo") ici.'
    )
    project = _translated_project(
        make_course,
        "fr",
        lambda m: french if m.startswith("See") else m,
        **{"pages/intro.md": TITLED},
    )
    template = _catalogue(template_path(project, "demo"), project)
    assert TITLED_MSGID in [e.msgid for e in template.entries]
    problems = Problems()
    build(BuildOptions(project=project, out=project / "build", formats=("html",)), problems)
    assert not problems.errors, [d.format() for d in problems]
    page = lxml_html.fromstring((project / "build/demo/fr/html/intro.html").read_bytes())
    titles = {a.text_content(): a.get("title") for a in page.iter("a") if a.get("title")}
    assert titles == {"le guide": "Titre du guide", "le site": "Titre du site"}
    assert [i.get("title") for i in page.iter("img") if i.get("alt") == "un logo"] == [
        "Titre du logo"
    ]


@pytest.mark.parametrize(
    ("msgstr", "message"),
    [
        (
            'Voir [le guide](https://example.org/a "Titre"), [le site][9] et '
            '![un logo](media/pic.svg "Logo") ici.',
            "error[po-links]: the translation uses [9], which the source does not have (links)",
        ),
        (
            'Voir [le guide](https://example.org/a "Titre") et ![un logo](media/pic.svg "Logo") ici.',
            "error[po-links]: the translation drops (https://example.org/b) (links)",
        ),
        (
            'Voir [le guide](https://example.org/a "Titre"), [le site](https://example.org/b) '
            '[et](https://evil.example "x") ![un logo](media/pic.svg "Logo") ici.',
            "error[po-links]: the translation adds a link (links)",
        ),
    ],
)
def test_titled_links_are_checked_by_url(
    make_course: CourseFactory, msgstr: str, message: str
) -> None:
    project = _translated_project(
        make_course,
        "fr",
        lambda m: msgstr if m.startswith("See") else m,
        **{"pages/intro.md": TITLED},
    )
    problems = Problems()
    check_all(project, (), problems)
    errors = [d for d in problems.sorted() if d.severity is Severity.ERROR]
    assert [d.format().split(": ", 1)[1] for d in errors] == [message]
