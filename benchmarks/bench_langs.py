"""A build of one language of a translated course, beside the same course with no translation.

Run: ``.venv/bin/python benchmarks/bench_langs.py`` (``--pages 200 --repeat 5``).

Two projects hold the same generated course: one with five complete (identity) translations,
one with none. ``packager build --lang en --format html --force`` on the first is timed beside
``packager build --format html --force`` on the second, in fresh processes, alternated, medians.
Goal (issue 21): at most 1.1x: building English must not translate the other languages (their
catalogues are still read, since the language switcher shows which are published).
"""

from __future__ import annotations

import argparse
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
        times: dict[str, list[float]] = {"alone": [], "translated": []}
        for _ in range(args.repeat):
            times["alone"].append(packager(alone, *common)[0])
            times["translated"].append(packager(translated, "--lang", "en", *common)[0])
    alone_s = statistics.median(times["alone"])
    translated_s = statistics.median(times["translated"])
    ratio = translated_s / alone_s
    print(f"English site of a {args.pages}-page course, median of {args.repeat} alternated runs")
    print(f"{'':44}{'seconds':>8}{'ratio':>8}")
    print(f"{'no translation (baseline)':44}{alone_s:8.2f}{1:8.2f}")
    print(f"{'five translations, --lang en':44}{translated_s:8.2f}{ratio:8.2f}")
    print(f"goal: at most 1.10x: {'met' if ratio <= 1.10 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
