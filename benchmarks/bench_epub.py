"""EPUB build time beside the HTML site's, on a generated 200-page course.

Run: ``.venv/bin/python benchmarks/bench_epub.py`` (``--pages N``, ``--repeat N``).

Both are measured in the same run, alternating (HTML, EPUB, HTML, EPUB, ...) so that a busy,
shared machine slows both alike, from the same loaded, translated edition: the HTML site rendered
in memory (baseline) and the EPUB rendered, converted to XHTML, zipped and checked (the build's
structural check; EPUBCheck runs in the tests, not here). The ratio is what an e-book costs next
to a site.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_html import alternated, make_course

from packager.api import check, fewer_collections
from packager.diagnostics import Problems
from packager.formats.epub.book import epub_bytes
from packager.formats.site import site_files
from packager.i18n.editions import editions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        make_course(project, args.pages)
        problems = Problems()
        (course,) = check(project, ("bench",), problems)
        (edition,) = editions(project, course, problems)
        sizes: list[int] = []

        def html() -> None:
            with fewer_collections():
                site_files(edition, project, ("en",))

        def epub() -> None:
            with fewer_collections():
                sizes.append(len(epub_bytes(edition, project, ("en",))))

        html()  # warm both up: templates compiled, caches filled
        epub()
        site, book = alternated(args.repeat, html, epub)
    print(f"EPUB beside HTML, {args.pages} pages, median of {args.repeat} alternating runs")
    print(f"{'':40}{'seconds':>10}{'ratio':>8}")
    print(f"{'HTML site, rendered in memory (baseline)':40}{site:10.3f}{1:8.2f}")
    print(f"{'EPUB: render, XHTML, zip, check':40}{book:10.3f}{book / site:8.2f}")
    print(f"EPUB size: {sizes[-1] / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
