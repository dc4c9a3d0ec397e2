"""HTML rendering speed against markdown-it-py alone, on a generated 200-page course.

Run: ``.venv/bin/python benchmarks/bench_html.py`` (``--pages N``, ``--repeat N``).

Both figures come from the same run on the same Markdown, so the ratio holds on a noisy, shared
machine where absolute times do not. Baseline: markdown-it-py parsing and rendering each page body
with the stock plugins for the same syntax (tables, strikethrough, mdit-py-plugins' footnotes and
``:::`` containers, front matter); plain CommonMark is printed too, for reference. Packager: loading and checking the course (YAML, front matter, links,
media) and rendering every page through the templates, in memory; and the same plus writing the
site to disk. Goal: packager's rendering at most 2x the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from packager.api import BuildOptions, build, check, fewer_collections
from packager.diagnostics import Problems
from packager.engine.jobs import _editions
from packager.formats.site import site_files
from packager.i18n.editions import editions

PAGE = """\
---
title: Page {n}
duration: 10
objectives:
  - Understand topic {n}.
---

## Topic {n}

Open educational resources are *teaching* and **learning** materials that anyone may use,
adapt and share. See [the next page](page-{next}.md) and the [licence](https://creativecommons.org/licenses/by/4.0/).

- A first point about `topic {n}`
- A second point, with a [link](page-{prev}.md#topic-{prev})
  - and a nested point

| Year | Event |
| ---- | ----- |
| 2002 | The term OER |
| 2019 | The Recommendation |

::: activity Try it
Find an open resource and check its licence. Then write a sentence about it.
:::

![A grey box](media/pic.svg "A caption")

::: question single-choice
Which licence is open?

- [x] CC BY

  Yes.
- [ ] All rights reserved

Open licences grant permissions in advance.
:::

A closing paragraph with a footnote[^1].

[^1]: The note.
"""


def make_course(project: Path, pages: int) -> None:
    root = project / "courses" / "bench"
    (root / "pages").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "media" / "pic.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><title>x</title></svg>'
    )
    ids = [f"page-{n}" for n in range(pages)]
    for n in range(pages):
        text = PAGE.format(n=n, next=(n + 1) % pages, prev=(n - 1) % pages)
        (root / "pages" / f"page-{n}.md").write_text(text)
    modules = "\n".join(
        f"  - title: Module {m}\n    pages: [{', '.join(ids[m * 10 : m * 10 + 10])}]"
        for m in range(pages // 10)
    )
    (root / "course.yaml").write_text(
        "id: bench\ntitle: Bench\ndescription: Generated.\nlanguage: en\nlicense: CC-BY-4.0\n"
        "authors:\n  - name: Bench\nversion: 1.0.0\nhours: 30\noutline:\n" + modules + "\n"
    )


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The median time of ``repeat`` runs of one piece of work."""
    return alternated(repeat, work)[0]


def user_environment() -> dict[str, str]:
    """The environment of the processes a benchmark starts: Python's bytecode cached, as on a
    user's machine (where pip compiles the libraries and an editable install caches the
    packager's own modules on first use). A session that sets PYTHONDONTWRITEBYTECODE would
    otherwise compile the packager's sources again in every process; the cache goes to a folder
    of its own (``benchmarks/.cache/pycache``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {
        "PYTHONPYCACHEPREFIX": str(Path(__file__).resolve().parent / ".cache" / "pycache")
    }


def beside_the_site(
    description: str, name: str, label: str, render: Callable[[Any, Path], bytes]
) -> None:
    """A format's time beside the HTML site's on the generated course, from the same loaded,
    translated edition: the site rendered in memory (baseline) and ``render(edition, project)``
    (the format's bytes), alternated, medians; then the format's size. ``name`` names it in the
    report, ``label`` says what its time covers."""
    from packager.api import check, fewer_collections
    from packager.diagnostics import Problems
    from packager.formats.site import site_files
    from packager.i18n.editions import editions

    parser = argparse.ArgumentParser(description=description)
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

        def other() -> None:
            with fewer_collections():
                sizes.append(len(render(edition, project)))

        html()  # warm both up: templates compiled, caches filled
        other()
        site, timed = alternated(args.repeat, html, other)
    print(f"{name} beside HTML, {args.pages} pages, median of {args.repeat} alternating runs")
    print(f"{'':40}{'seconds':>10}{'ratio':>8}")
    print(f"{'HTML site, rendered in memory (baseline)':40}{site:10.3f}{1:8.2f}")
    print(f"{f'{name}: {label}':40}{timed:10.3f}{timed / site:8.2f}")
    print(f"{name} size: {sizes[-1] / 1024:.0f} KiB")


def alternated(repeat: int, *works: Callable[[], object]) -> list[float]:
    """The median time of each piece of work, run in turns (a, b, c, a, b, c, ...), so that a
    change of load on a shared machine falls on every one of them alike, not on the ratio."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(repeat):
        for spent, work in zip(times, works, strict=True):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        make_course(project, args.pages)
        bodies = [p.read_text() for p in sorted((project / "courses/bench/pages").glob("*.md"))]
        plain = MarkdownIt("commonmark").enable("table")
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        md.use(front_matter_plugin).use(footnote_plugin)
        for name in ("activity", "question"):
            md.use(container_plugin, name=name)

        def plain_commonmark() -> None:
            for body in bodies:
                plain.render(body)

        def baseline() -> None:
            for body in bodies:
                md.render(body)

        def packager_render() -> None:
            problems = Problems()
            (course,) = check(project, ("bench",), problems)
            assert not problems.errors, problems.sorted()[:3]
            with fewer_collections():
                (edition,) = editions(project, course, problems)
                site_files(edition, project, ("en",))

        def packager_build() -> None:
            _editions.cache_clear()  # a worker's warm course would skip the loading measured here
            build(
                BuildOptions(project=project, out=project / "build", formats=("html",), force=True),
                Problems(),
            )

        baseline()
        packager_render()  # warm caches (templates, parser) as a long build would
        base, commonmark, render, full = alternated(
            args.repeat, baseline, plain_commonmark, packager_render, packager_build
        )
    pages = args.pages
    print(f"HTML rendering, {pages} pages, median of {args.repeat} runs")
    print(f"{'':34}{'seconds':>10}{'pages/s':>10}{'ratio':>8}")
    print(
        f"{'markdown-it-py, CommonMark only':34}{commonmark:10.3f}{pages / commonmark:10.0f}{commonmark / base:8.2f}"
    )
    print(f"{'markdown-it-py + plugins (baseline)':34}{base:10.3f}{pages / base:10.0f}{1:8.2f}")
    print(
        f"{'packager: load, check, render':34}{render:10.3f}{pages / render:10.0f}{render / base:8.2f}"
    )
    print(f"{'packager: whole build to disk':34}{full:10.3f}{pages / full:10.0f}{full / base:8.2f}")
    verdict = "met" if render / base <= 2.0 else "NOT met"
    print(f"goal: load+check+render at most 2.00x the baseline: {verdict} ({render / base:.2f}x)")


if __name__ == "__main__":
    main()
