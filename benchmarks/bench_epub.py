"""EPUB build time beside the HTML site's, on a generated 200-page course.

Run: ``.venv/bin/python benchmarks/bench_epub.py`` (``--pages N``, ``--repeat N``).

Both are measured in the same run, alternating (HTML, EPUB, HTML, EPUB, ...) so that a busy,
shared machine slows both alike, from the same loaded, translated edition: the HTML site rendered
in memory (baseline) and the EPUB rendered, converted to XHTML, zipped and checked (the build's
structural check; EPUBCheck runs in the tests, not here). The ratio is what an e-book costs next
to a site.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_html import beside_the_site

from packager.formats.epub.book import epub_bytes
from packager.i18n.editions import Edition


def epub(edition: Edition, project: Path) -> bytes:
    return epub_bytes(edition, project, ("en",))


if __name__ == "__main__":
    beside_the_site(__doc__.split("\n")[0], "EPUB", "render, XHTML, zip, check", epub)
