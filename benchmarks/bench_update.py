"""Extract and update catalogues against GNU msgmerge, on a generated course of 2,000 messages.

Run: ``.venv/bin/python benchmarks/bench_update.py`` (needs GNU gettext's ``msgmerge``).

A generated course of about 2,000 messages is translated into 6 catalogues; then one word in
every tenth paragraph changes, some paragraphs are removed and new ones added, and:

- packager: ``extract`` (the template) and ``update`` (merge into all 6 catalogues);
- baseline: GNU ``msgmerge --previous`` of the same old catalogues with the same new template,
  6 runs, in the same process run, timed the same way.

Both are timed as the median of several runs; the goal is a ratio of at most 1.0 (not slower
than msgmerge). The merged results are compared too: the counts of fuzzy, untranslated and
obsolete entries must agree, so the two did the same work.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from packager.api import check
from packager.diagnostics import Problems
from packager.i18n.locales import catalogue_path, load, new_catalogue, save, template_path
from packager.i18n.merge import _similarity
from packager.i18n.pofile import format_string
from packager.i18n.workflow import extract, update

LANGS = ("fr", "es", "ar", "zh-Hans", "ru", "pt")
WORDS = [
    "open",
    "educational",
    "resources",
    "licence",
    "share",
    "adapt",
    "learners",
    "teachers",
    "policy",
    "access",
    "quality",
]


def paragraph(n: int, edit: bool = False) -> str:
    words = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(18)]
    if edit:
        words[5] = "changed"
    return f"Paragraph {n}: " + " ".join(words) + f", see [page {n}](https://example.org/{n})."


def write_course(project: Path, messages: int, edited: bool) -> None:
    root = project / "courses" / "bench"
    pages = root / "pages"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    per_page = 50
    count = messages // per_page
    for p in range(count):
        body = []
        for k in range(per_page - 2):
            n = p * per_page + k
            if edited and n % 37 == 0:
                continue  # removed
            body.append(paragraph(n, edit=edited and n % 10 == 0))
        if edited:
            body.append(f"A new paragraph on page {p}, written after the translation.")
        (pages / f"page-{p}.md").write_text(
            f"---\ntitle: Page {p}\nduration: 5\n---\n\n## Section {p}\n\n"
            + "\n\n".join(body)
            + "\n"
        )
    outline = "\n".join(f"  - title: Module {m}\n    pages: [page-{m}]" for m in range(count))
    (root / "course.yaml").write_text(
        "id: bench\ntitle: Bench\ndescription: Generated.\nlanguage: en\nlicense: CC-BY-4.0\n"
        f"languages: [{', '.join(LANGS)}]\nauthors:\n  - name: Bench\nversion: 1.0.0\nhours: 3\noutline:\n{outline}\n"
    )


def alternated_times(
    repeat: int, *runs: tuple[Callable[[], None], Callable[[], object]]
) -> list[float]:
    """The median time of each (prepare, work) pair, run in turns so that a change of load on a
    shared machine falls on every one alike; ``prepare`` is not timed."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for spent, (prepare, work) in zip(times, runs, strict=True):
            prepare()
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def counts(path: Path) -> tuple[int, int, int]:
    catalogue = load(path, path.parents[3], Problems())
    assert catalogue is not None
    fuzzy = sum(e.fuzzy for e in catalogue.active)
    untranslated = sum(not e.msgstr for e in catalogue.active)
    obsolete = sum(e.obsolete for e in catalogue.entries)
    return fuzzy, untranslated, obsolete


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("msgmerge") is None:
        raise SystemExit(
            "GNU gettext's msgmerge is needed for the baseline (apt-get install gettext)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        write_course(project, args.messages, edited=False)
        (course,) = check(project, ("bench",), Problems())
        extract(project, [course])
        template = load(template_path(project, "bench"), project, Problems())
        assert template is not None
        messages = len(template.entries)
        saved = project / "saved"
        saved.mkdir()
        for lang in LANGS:
            translated = replace(
                template,
                entries=tuple(replace(e, msgstr=f"[{lang}] {e.msgid}") for e in template.entries),
            )
            save(
                catalogue_path(project, lang, "bench"),
                new_catalogue(translated, lang, "2026-01-01 00:00+0000"),
            )
            shutil.copy(catalogue_path(project, lang, "bench"), saved / f"{lang}.po")
        write_course(project, args.messages, edited=True)
        (edited,) = check(project, ("bench",), Problems())

        def restore() -> None:
            format_string.cache_clear()  # every run starts cold, as a command does
            _similarity.cache_clear()
            for lang in LANGS:
                shutil.copy(saved / f"{lang}.po", catalogue_path(project, lang, "bench"))

        def ours() -> None:
            problems = Problems()
            update(project, [edited], problems)
            assert not problems.errors

        new_pot = project / "new.pot"
        extract(project, [edited])
        shutil.copy(template_path(project, "bench"), new_pot)
        out = project / "gnu"
        out.mkdir()

        def gnu() -> None:
            for lang in LANGS:
                subprocess.run(
                    [
                        "msgmerge",
                        "--quiet",
                        "--previous",
                        "-o",
                        str(out / f"{lang}.po"),
                        str(saved / f"{lang}.po"),
                        str(new_pot),
                    ],
                    check=True,
                )

        theirs, mine = alternated_times(args.repeat, (restore, gnu), (restore, ours))
        ours_counts = counts(catalogue_path(project, "fr", "bench"))
        gnu_counts = counts(out / "fr.po")
    print(
        f"Extract + update, {messages} messages into {len(LANGS)} catalogues, median of {args.repeat}"
    )
    print(f"{'':34}{'seconds':>10}{'ratio':>8}   fuzzy / untranslated / obsolete (fr)")
    print(f"{'GNU msgmerge --previous (baseline)':34}{theirs:10.3f}{1:8.2f}   {gnu_counts}")
    print(
        f"{'packager update (extract + merge)':34}{mine:10.3f}{mine / theirs:8.2f}   {ours_counts}"
    )
    verdict = "met" if mine <= theirs else "NOT met"
    print(f"goal: not slower than msgmerge: {verdict} ({mine / theirs:.2f}x)")


if __name__ == "__main__":
    main()
