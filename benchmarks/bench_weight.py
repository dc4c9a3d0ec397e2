"""Page weight of the sample course's site: each page's HTML, CSS and JavaScript, without images.

Run: ``.venv/bin/python benchmarks/bench_weight.py`` (every language; ``--lang fr`` for one,
``--course ID`` for another course).

A page's weight is what a browser fetches to show it, images aside: the HTML file plus every
stylesheet and script it links (each counted once per page, as a first visit would fetch it).
Images are left out because they load lazily and a course chooses its own. Budget: 100 KB
(100,000 bytes) for the course home, so a learner on a slow, metered phone connection gets the
page in a few seconds. Every page is printed beside the budget; the script exits 1 if the home
page of any language is over it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from packager.api import BuildOptions, build
from packager.diagnostics import Problems

REPO = Path(__file__).resolve().parents[1]
BUDGET = 100_000  # bytes: the course home, HTML + CSS + JS, without images


@dataclass(frozen=True)
class PageWeight:
    """What one page costs: its own HTML and the stylesheets and scripts it links, in bytes."""

    name: str
    html: int
    css: int
    js: int

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


def page_weight(page: Path) -> PageWeight:
    """The weight of the built page ``page``, following its local stylesheet and script links."""
    data = page.read_bytes()
    root = lxml_html.fromstring(data)
    css = {e.get("href", "") for e in root.iter("link") if e.get("rel") == "stylesheet"}
    js = {e.get("src", "") for e in root.iter("script") if e.get("src")}

    def size(refs: set[str]) -> int:
        return sum((page.parent / ref).stat().st_size for ref in refs if "://" not in ref)

    return PageWeight(page.name, len(data), size(css), size(js))


def site_weights(site: Path) -> list[PageWeight]:
    """Every page of a built site (a folder of ``*.html``), the home first."""
    pages = sorted(site.glob("*.html"), key=lambda p: (p.name != "index.html", p.name))
    return [page_weight(p) for p in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--course", default="oer-recommendation")
    parser.add_argument("--lang", action="append", default=[], help="one language (repeatable)")
    args = parser.parse_args()
    over = False
    with tempfile.TemporaryDirectory() as tmp:
        options = BuildOptions(
            project=REPO,
            out=Path(tmp),
            courses=(args.course,),
            formats=("html",),
            langs=tuple(args.lang),
        )
        for output in build(options, Problems()):
            weights = site_weights(output.path)
            print(f"{args.course} [{output.lang}]: bytes per page without images")
            print(f"  {'page':<30} {'HTML':>7} {'CSS':>7} {'JS':>6} {'total':>7}  of {BUDGET:,}")
            for w in weights:
                share = f"{w.total / BUDGET:.0%}" + ("" if w.total <= BUDGET else " OVER")
                print(f"  {w.name:<30} {w.html:>7,} {w.css:>7,} {w.js:>6,} {w.total:>7,}  {share}")
            over = over or weights[0].total > BUDGET
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
