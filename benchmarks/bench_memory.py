"""Re-cutting another tool's catalogues: how many of packager's messages a memory fills right.

Run: ``.venv/bin/python benchmarks/bench_memory.py`` (needs mdpo, a test dependency).

The sample course's pages are cut into messages by mdpo (``md2po``: a block per message, links
inline with their URLs, a box's ``:::`` line joined to its first paragraph). Each message is
"translated" by a known transformation that leaves markup alone (every word's letters in upper
case). The catalogue is then given to ``packager init --memory`` for a new language, and every
message of the course's pages is compared with the same transformation of its own text:
correct (translated, exactly the expected text), fuzzy (a near match, for a person to check),
wrong (translated but not the expected text: must stay 0) or missing. Goal: 90 % correct.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from pathlib import Path

from packager.diagnostics import Problems
from packager.i18n.locales import catalogue_path, load
from packager.i18n.tmx import read_memory
from packager.i18n.workflow import init
from packager.source.loader import load_course

REPO = Path(__file__).resolve().parent.parent
COURSE = "oer-recommendation"

# Markup a translator leaves alone: code, link targets, HTML, reference labels, the box and
# question names on ``:::`` lines, task-list and option boxes ``[x]``.
_PROTECTED = re.compile(
    r"`[^`]*`|\]\([^)\s]*|\]\[[^\]]*\]|<[^>]*>|:::[ \t]*[\w-]+(?:[ \t]+[\w-]+-[\w-]+)?"
    r"|\[[ xX]\]|https?://\S+|&\w+;"
)


def transform(text: str) -> str:
    """The known "translation": letters in upper case outside markup."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        out.append(text[last : match.start()].upper())
        out.append(match.group(0))
        last = match.end()
    out.append(text[last:].upper())
    return "".join(out)


def mdpo_memory(pages: list[Path], target: Path, lang: str) -> int:
    """Write mdpo's catalogue of ``pages``, transformed, to ``target``; its message count."""
    from mdpo.md2po import markdown_to_pofile

    catalogue = markdown_to_pofile([str(p) for p in pages], location=False)
    catalogue.metadata = {
        "Language": lang,
        "Content-Type": "text/plain; charset=UTF-8",
        "MIME-Version": "1.0",
        "Content-Transfer-Encoding": "8bit",
    }
    for entry in catalogue:
        entry.msgstr = transform(entry.msgid)
    catalogue.save(str(target))
    return len(catalogue)


def measure(lang: str = "de", verbose: bool = False) -> tuple[int, int, dict[str, int]]:
    """mdpo's message count, the pages' messages in packager, and the counts of each verdict."""
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copytree(REPO / "courses" / COURSE, project / "courses" / COURSE)
        pages = sorted((project / "courses" / COURSE / "pages").glob("*.md"))
        memory_path = project / "mdpo.po"
        cut = mdpo_memory(pages, memory_path, lang)
        problems = Problems()
        memories = read_memory(memory_path, project, problems)
        course = load_course(project, COURSE, problems)
        assert course is not None and not problems.errors, [d.format() for d in problems]
        init(project, course, lang, problems, memories)
        catalogue = load(catalogue_path(project, lang, COURSE), project, problems)
        assert catalogue is not None
        counts = {"correct": 0, "fuzzy": 0, "wrong": 0, "missing": 0}
        for entry in catalogue.active:
            if not any("/pages/" in ref for ref in entry.references):
                continue  # course.yaml's texts: mdpo never saw them
            expected = transform(entry.msgid)
            if entry.fuzzy:
                verdict = "fuzzy"
            elif not entry.msgstr:
                verdict = "missing"
            else:
                verdict = "correct" if entry.msgstr == expected else "wrong"
            counts[verdict] += 1
            if verbose and verdict != "correct":
                print(f"{verdict}: {entry.msgid[:100]!r}")
        return cut, len(pages), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="de")
    parser.add_argument("-v", "--verbose", action="store_true", help="List what is not right.")
    args = parser.parse_args()
    cut, pages, counts = measure(args.lang, args.verbose)
    total = sum(counts.values())
    print(f"mdpo cut the {pages} pages into {cut} messages; packager into {total}")
    print("| | messages | share |")
    print("|---|---:|---:|")
    for name, count in counts.items():
        print(f"| {name} | {count} | {100 * count / total:.1f} % |")


if __name__ == "__main__":
    main()
