"""A build of one language of a translated course, beside the same course with no translation.

Run: ``.venv/bin/python benchmarks/bench_langs.py`` (``--pages 200 --repeat 5``).

Two projects hold the same generated course: one with five complete (identity) translations,
one with none. ``packager build --lang en --format html --force`` on the first is timed beside
``packager build --format html --force`` on the second, in fresh processes, alternated, medians;
once as a first build (nothing kept in the output folder's ``.packager``) and once as every later
build (the course's message keys and the other languages' glimpses kept). Goal (issue 21): at
most 1.1x: building English must not translate the other languages, nor parse their catalogues
again when they have not changed (the switcher still shows which are published).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from bench_build import make_catalogue, packager


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        translated, alone = Path(tmp, "translated"), Path(tmp, "alone")
        for project in (translated, alone):
            project.mkdir()
        make_catalogue(translated, 1, args.pages)
        make_catalogue(alone, 1, args.pages)
        yaml_path = alone / "courses" / "course-00" / "course.yaml"
        text = yaml_path.read_text()
        yaml_path.write_text("\n".join(x for x in text.splitlines() if "languages:" not in x))
        for path in sorted((alone / "locales").glob("*/LC_MESSAGES/*.po")):
            path.unlink()
        common = ("--format", "html", "--force", "-j", "1")
        cold: dict[str, list[float]] = {"alone": [], "translated": []}
        times: dict[str, list[float]] = {"alone": [], "translated": []}
        for _ in range(args.repeat):
            # Cold: nothing kept from an earlier build (the output folder's .packager removed),
            # as a first build; warm: the message keys and the other languages' glimpses kept,
            # as every later build (--force still renders every page).
            for project in (alone, translated):
                shutil.rmtree(project / "build" / ".packager", ignore_errors=True)
            cold["alone"].append(packager(alone, *common)[0])
            cold["translated"].append(packager(translated, "--lang", "en", *common)[0])
            times["alone"].append(packager(alone, *common)[0])
            times["translated"].append(packager(translated, "--lang", "en", *common)[0])
    print(f"English site of a {args.pages}-page course, median of {args.repeat} alternated runs")
    print(f"{'':44}{'seconds':>8}{'ratio':>8}")
    for name, figures in (("first build", cold), ("later builds", times)):
        alone_s = statistics.median(figures["alone"])
        translated_s = statistics.median(figures["translated"])
        ratio = translated_s / alone_s
        print(f"{name}: no translation (baseline)".ljust(44) + f"{alone_s:8.2f}{1:8.2f}")
        print(
            f"{name}: five translations, --lang en".ljust(44) + f"{translated_s:8.2f}{ratio:8.2f}"
        )
    print(
        f"goal (later builds): at most 1.10x: {'met' if ratio <= 1.10 else 'NOT met'} ({ratio:.2f}x)"
    )


if __name__ == "__main__":
    main()
