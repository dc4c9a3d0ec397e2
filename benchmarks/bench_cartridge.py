"""Cartridge build and validation time beside the HTML site's, on a generated 200-page course.

Run: ``.venv/bin/python benchmarks/bench_cartridge.py`` (``--pages N``, ``--repeat N``).

Both are measured in the same run, alternating, from the same loaded, translated edition: the
HTML site (rendered in memory) and the Common Cartridge 1.1 (rendered, zipped and validated
against the official schemas and the profile rules). The ratio is what a cartridge costs next to
a site.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_html import beside_the_site

from packager.diagnostics import Problems
from packager.formats.archive import zip_bytes, zip_time
from packager.formats.cartridge.check import check_cartridge
from packager.formats.cartridge.profile import VERSIONS
from packager.formats.cartridge.writer import cartridge_files
from packager.i18n.editions import Edition


def cartridge(edition: Edition, project: Path) -> bytes:
    files = cartridge_files(edition, project, VERSIONS["1.1"])
    data = zip_bytes(files, zip_time(edition.course))
    found = Problems()
    check_cartridge(data, "bench.imscc", found)
    assert not found.errors, found.sorted()[:3]
    return data


if __name__ == "__main__":
    beside_the_site(__doc__.split("\n")[0], "cartridge", "render, zip, validate", cartridge)
