"""The generated course converted for the anchors of ``bench_anchors.py``: a Sphinx + MyST
project and a Hugo site with the same pages (see that script's docstring for what is kept and
what is simplified)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import yaml

BOX_START = re.compile(r"^::: ([a-z][a-z-]*)(?: (.*))?$")
FIGURE = re.compile(r'^!\[([^\]]*)\]\(([^ )]+) "([^"]*)"\)$')
PAGE_LINK = re.compile(r"\]\((page-\d+)\.md(#[\w-]+)?\)")


@dataclass(frozen=True)
class Text:
    markdown: str


@dataclass(frozen=True)
class Box:
    kind: str
    title: str
    markdown: str


@dataclass(frozen=True)
class Figure:
    alt: str
    src: str
    caption: str


Block = Text | Box | Figure


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    duration: int
    objectives: tuple[str, ...]
    blocks: tuple[Block, ...]


def parse_page(path: Path) -> Page:
    """A generated page cut into what the converters need: plain Markdown, boxes, figures."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    blocks: list[Block] = []
    lines = iter(body.strip("\n").split("\n"))
    text: list[str] = []
    for line in lines:
        if start := BOX_START.match(line):
            inner = list(_until_close(lines))
            kind, title = start[1], start[2] or ""
            if kind == "question":  # `::: question single-choice`: the kind, not a title
                title = "Question"
            blocks += [Text("\n".join(text)), Box(kind, title, "\n".join(inner))]
            text = []
        elif figure := FIGURE.match(line):
            blocks += [Text("\n".join(text)), Figure(figure[1], figure[2], figure[3])]
            text = []
        else:
            text.append(line)
    blocks.append(Text("\n".join(text)))
    return Page(
        path.stem,
        meta["title"],
        meta["duration"],
        tuple(meta["objectives"]),
        tuple(b for b in blocks if not isinstance(b, Text) or b.markdown.strip()),
    )


def _until_close(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line == ":::":
            return
        yield line
    raise ValueError("a ::: box is not closed")


def outline(project: Path) -> list[tuple[str, list[str]]]:
    """(module title, page names) from the generated course.yaml."""
    course = yaml.safe_load((project / "courses/bench/course.yaml").read_text(encoding="utf-8"))
    return [(m["title"], list(m["pages"])) for m in course["outline"]]


def write_sphinx(src: Path, pages: list[Page], modules: list[tuple[str, list[str]]]) -> None:
    (src / "pages").mkdir(parents=True)
    (src / "media").mkdir()
    (src / "conf.py").write_text(
        'project = "Bench"\nlanguage = "en"\nextensions = ["myst_parser"]\n'
        'myst_enable_extensions = ["colon_fence"]\nmyst_heading_anchors = 2\n'
        'html_theme = "alabaster"\n'
    )
    toc = "\n".join(f"module-{m}" for m in range(len(modules)))
    (src / "index.md").write_text(f"# Bench\n\nGenerated.\n\n```{{toctree}}\n{toc}\n```\n")
    for m, (title, names) in enumerate(modules):
        toc = "\n".join(f"pages/{name}" for name in names)
        (src / f"module-{m}.md").write_text(f"# {title}\n\n```{{toctree}}\n{toc}\n```\n")
    for page in pages:
        parts = [f"# {page.title}", f"{page.duration} minutes", _admonition(_objectives(page))]
        for block in page.blocks:
            if isinstance(block, Text):
                parts.append(block.markdown.strip("\n"))  # links to page-N.md resolve as they are
            elif isinstance(block, Box):
                parts.append(_admonition(block))
            else:
                parts.append(
                    f":::{{figure}} ../{block.src}\n:alt: {block.alt}\n\n{block.caption}\n:::"
                )
        (src / "pages" / f"{page.name}.md").write_text("\n\n".join(parts) + "\n")


def _objectives(page: Page) -> Box:
    return Box("objectives", "On this page you will", "\n".join(f"- {o}" for o in page.objectives))


def _admonition(box: Box) -> str:
    return f":::{{admonition}} {box.title}\n:class: {box.kind}\n\n{box.markdown}\n:::"


HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "en"
title = "Bench"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header><p class="site-title"><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
{{ $here := .CurrentSection }}
<nav aria-label="Course contents"><ol class="modules">
{{ range site.Sections }}<li>{{ if eq . $here }}<span>{{ .Title }}</span>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ else }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</li>
{{ end }}</ol></nav>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}<article>
<header><p class="page-module">{{ .CurrentSection.Title }}</p><h1>{{ .Title }}</h1>
<p class="page-meta">{{ .Params.duration }} minutes</p></header>
<div class="box box-objectives" role="group"><p class="box-title">On this page you will</p>
<ul>{{ range .Params.objectives }}<li>{{ . }}</li>{{ end }}</ul></div>
{{ .Content }}
</article>
<nav aria-label="Previous and next page">
{{ with .Next }}<a href="{{ .RelPermalink }}" rel="prev">{{ .Title }}</a>{{ end }}
{{ with .Prev }}<a href="{{ .RelPermalink }}" rel="next">{{ .Title }}</a>{{ end }}
</nav>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Pages }}<ol>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
</li>{{ end }}</ol>{{ end }}
""",
    "_shortcodes/box.html": """\
<div class="box box-{{ .Get 0 }}" role="group"><p class="box-title">{{ .Get 1 }}</p>
{{ .Inner | .Page.RenderString (dict "display" "block") }}</div>
""",
}


def write_hugo(site: Path, pages: list[Page], modules: list[tuple[str, list[str]]]) -> None:
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text)
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    (site / "static" / "media").mkdir(parents=True)
    (site / "static" / "style.css").write_text("body { max-width: 60em; margin: auto; }\n")
    (site / "content").mkdir()
    (site / "content" / "_index.md").write_text("---\ntitle: Bench\n---\n\nGenerated.\n")
    module_of = {name: m for m, (_, names) in enumerate(modules) for name in names}
    weight = count(1)  # Hugo takes a weight of 0 for none
    by_name = {page.name: page for page in pages}
    for m, (title, names) in enumerate(modules):
        folder = site / "content" / f"module-{m}"
        folder.mkdir()
        (folder / "_index.md").write_text(f"---\ntitle: {title}\nweight: {m + 1}\n---\n")
        for name in names:
            (folder / f"{name}.md").write_text(_hugo_page(by_name[name], next(weight), module_of))


def _hugo_page(page: Page, weight: int, module_of: dict[str, int]) -> str:
    def ref(link: re.Match[str]) -> str:
        target = f"/module-{module_of[link[1]]}/{link[1]}.md{link[2] or ''}"
        return f']({{{{< relref "{target}" >}}}})'

    objectives = "".join(f"\n    - {o}" for o in page.objectives)
    parts = [
        f"---\ntitle: {page.title}\nweight: {weight}\nparams:\n  duration: {page.duration}\n"
        f"  objectives:{objectives}\n---"
    ]
    for block in page.blocks:
        if isinstance(block, Text):
            parts.append(PAGE_LINK.sub(ref, block.markdown.strip("\n")))
        elif isinstance(block, Box):
            body = PAGE_LINK.sub(ref, block.markdown)
            parts.append(f'{{{{< box {block.kind} "{block.title}" >}}}}\n{body}\n{{{{< /box >}}}}')
        else:
            parts.append(
                f'{{{{< figure src="/{block.src}" alt="{block.alt}" caption="{block.caption}" >}}}}'
            )
    return "\n\n".join(parts) + "\n"
