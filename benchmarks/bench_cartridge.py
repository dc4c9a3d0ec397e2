"""Cartridge build and validation time beside the HTML site's, on a generated 200-page course.

Run: ``.venv/bin/python benchmarks/bench_cartridge.py`` (``--pages N``, ``--repeat N``).

Both are measured in the same run from the same loaded, translated edition: the HTML site
(rendered in memory) and the Common Cartridge 1.1 (rendered, zipped and validated against the
official schemas and the profile rules). The ratio is what a cartridge costs next to a site.
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
from packager.formats.archive import zip_bytes, zip_time
from packager.formats.cartridge.check import check_cartridge
from packager.formats.cartridge.profile import VERSIONS
from packager.formats.cartridge.writer import cartridge_files
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

        def cartridge() -> None:
            with fewer_collections():
                data = zip_bytes(
                    cartridge_files(edition, project, VERSIONS["1.1"]), zip_time(course)
                )
                found = Problems()
                check_cartridge(data, "bench.imscc", found)
                assert not found.errors, found.sorted()[:3]
                sizes.append(len(data))

        html()
        cartridge()
        site, cc = alternated(args.repeat, html, cartridge)
    print(f"Cartridge beside HTML, {args.pages} pages, median of {args.repeat} runs")
    print(f"{'':40}{'seconds':>10}{'ratio':>8}")
    print(f"{'HTML site, rendered in memory (baseline)':40}{site:10.3f}{1:8.2f}")
    print(f"{'cartridge: render, zip, validate':40}{cc:10.3f}{cc / site:8.2f}")
    print(f"cartridge size: {sizes[-1] / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
