"""PDF time against a bare WeasyPrint render of the same HTML, and peak memory.

Run: ``.venv/bin/python benchmarks/bench_pdf.py`` (``--pages N``, ``--repeat N``).

For the sample course in every language and for a generated course of 100 pages, in the same run:
- packager: ``pdf_bytes`` (the book's HTML from the course, the missing-glyph check, and WeasyPrint
  with the packager's shared font configuration and parsed stylesheet);
- baseline: WeasyPrint alone writing the same HTML with the same stylesheet, as a bare script
  would (a new font configuration and stylesheet each time).
Goal: ratio at most 1.10. Peak memory of a process that makes the 100-page PDF: under 300 MiB.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_html import alternated, make_course

from packager.api import check_all
from packager.diagnostics import Problems
from packager.formats.pdf.book import book_html, pdf_bytes
from packager.formats.pdf.fetch import ROOT, fetcher_class
from packager.i18n.editions import Edition
from packager.render.templates import find_static, search_path
from packager.source.licenses import badge_svg

REPO = Path(__file__).resolve().parents[1]


def bare(edition: Edition, project: Path, html: str) -> bytes:
    from weasyprint import CSS, HTML

    css_path = find_static(search_path(project, edition.course.root), "print.css")
    fetcher = fetcher_class()(
        edition.course.root / "media",
        {"assets/badge.svg": badge_svg(edition.course.license).encode()},
    )
    data: bytes = HTML(string=html, base_url=ROOT, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(css_path))], pdf_variant="pdf/ua-1"
    )
    return data


def peak_memory(project: Path, *, bare_render: bool = False) -> float:
    """MiB at the peak of a fresh process that makes the generated course's PDF.

    Read from ``VmHWM``, not ``ru_maxrss``: a child's ``ru_maxrss`` starts from its parent's
    size at fork, so it reported this benchmark's own memory instead of the child's.
    """
    make = "html = book_html(e, p); bare(e, p, html)\n" if bare_render else "pdf_bytes(e, p)\n"
    code = (
        "import sys; from pathlib import Path\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from bench_pdf import bare\n"
        "from packager.api import check_all; from packager.diagnostics import Problems\n"
        "from packager.formats.pdf.book import book_html, pdf_bytes\n"
        f"p = Path({str(project)!r})\n"
        "(e,) = check_all(p, ('bench',), Problems())\n"
        + make
        + "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for edition in check_all(REPO, ("oer-recommendation",), Problems()):
        html = book_html(edition, REPO)
        pdf_bytes(edition, REPO)  # warm: WeasyPrint imported, fonts and stylesheet loaded
        ours, theirs = alternated(
            args.repeat,
            functools.partial(pdf_bytes, edition, REPO),
            functools.partial(bare, edition, REPO, html),
        )
        rows.append((f"sample course [{edition.lang}]", ours, theirs))
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        make_course(project, args.pages)
        (edition,) = check_all(project, ("bench",), Problems())
        html = book_html(edition, project)
        ours, theirs = alternated(
            args.repeat, lambda: pdf_bytes(edition, project), lambda: bare(edition, project, html)
        )
        rows.append((f"generated course, {args.pages} pages", ours, theirs))
        memory = peak_memory(project)
        bare_memory = peak_memory(project, bare_render=True)
    print(f"PDF time, median of {args.repeat} runs")
    print(f"{'':34}{'packager':>10}{'bare':>10}{'ratio':>8}")
    for name, ours, theirs in rows:
        print(f"{name:34}{ours:10.2f}{theirs:10.2f}{ours / theirs:8.2f}")
    worst = max(ours / theirs for _n, ours, theirs in rows)
    print(
        f"goal: at most 1.10x a bare WeasyPrint render: {'met' if worst <= 1.10 else 'NOT met'} (worst {worst:.2f}x)"
    )
    print(
        f"peak memory making the {args.pages}-page PDF: {memory:.0f} MiB"
        f" (bare WeasyPrint {bare_memory:.0f} MiB, ratio {memory / bare_memory:.2f};"
        f" goal: under 300 MiB: {'met' if memory < 300 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
