"""The shape of the code: stages as packages, no import cycles, small modules, formats as plug-ins."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from packager.api import BuildOptions
from packager.diagnostics import Diagnostic, Location, Severity
from packager.engine.runner import run as run_engine
from packager.formats.registry import FORMATS, Format, Rendered, RenderRequest, register
from tests.conftest import CourseFactory

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "packager"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The packager modules one module imports, anywhere in it (a function's lazy import too):
    a cycle through a lazy import is still a cycle in the design."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # `from packager.x import y`: y may be a module of its own
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_in_a_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_import_walk_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from packager.engine import jobs\n    import packager.diagnostics\n"
    )
    known = {"packager", "packager.engine", "packager.engine.jobs", "packager.diagnostics"}
    assert _imports(module, "packager.x", known) == {
        "packager.engine",
        "packager.engine.jobs",
        "packager.diagnostics",
    }


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_stages_are_packages() -> None:
    """A newcomer finds the pipeline from the folder names alone."""
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"source", "i18n", "render", "formats", "engine", "cli"} <= folders
    top = {p.stem for p in PACKAGE.glob("*.py")}
    shared = {"__init__", "__main__", "api", "diagnostics", "languages", "output", "resources"}
    assert top <= shared | {"sourcedate"}


# -- a format registered only here: the plug-in interface, end to end ---------------------------
# This module is itself the format's module (formats.registry.FormatModule): what a new format
# provides, and nothing outside this file changes for it to build, be skipped when unchanged,
# and be listed on the catalogue page and in report.json.

TEMPLATES: tuple[str, ...] = ()
STATICS: tuple[str, ...] = ()


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    """The course's outline as plain text: its title, then each module and its pages."""
    course = request.edition.course
    lines = [str(course.title), ""]
    for module in course.modules:
        lines.append(str(module.title))
        lines += [f"  {page.title}" for page in module.pages]
    return ("\n".join(lines) + "\n").encode()


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    text = output.decode() if isinstance(output, bytes) else ""
    where = Location(f"courses/{request.edition.course.id}")
    return [] if text.strip() else [Diagnostic(where, Severity.ERROR, "txt-empty", "empty")]


@pytest.fixture
def plain_text() -> Iterator[Format]:
    fmt = register(
        Format("txt", "Outline", "Plain text", __name__, "txt", group=1, offered="an outline")
    )
    try:
        yield fmt
    finally:
        del FORMATS["txt"]


def test_a_format_registered_in_a_test_builds_is_skipped_and_is_listed(
    make_course: CourseFactory, plain_text: Format
) -> None:
    project = make_course()
    out = project / "build"
    options = BuildOptions(project=project, out=out, formats=("html", "txt"))
    first = run_engine(options)
    assert not first.errors_found()
    built = {(r.lang, r.format): r for r in first.results if r.status == "built"}
    assert {fmt for _lang, fmt in built} == {"html", "txt"}
    text = (out / "demo/en/demo-en.txt").read_text()
    assert text.splitlines()[0] == "Demo course"
    assert "  Introduction" in text.splitlines()

    again = run_engine(options)
    assert {(r.format, r.status) for r in again.results} == {
        ("html", "unchanged"),
        ("txt", "unchanged"),
    }

    report = json.loads((out / "report.json").read_text())
    outputs = report["courses"][0]["languages"][0]["outputs"]
    assert list(outputs) == ["html", "txt"]
    assert outputs["txt"] == {"path": "demo/en/demo-en.txt", "bytes": len(text.encode())}
    page = (out / "index.html").read_text()
    assert '<th scope="col">Outline</th>' in page
    assert '<a href="demo/en/demo-en.txt" download>Plain text</a>' in page
    assert "an EPUB e-book, an outline" in page  # the introduction names it too


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """A build with nothing to do must start at once: the command line imports no parser,
    template engine, XML library, renderer or server until a command needs one (the split of
    the command line had made http.server and ssl load for every command)."""
    import subprocess
    import sys

    heavy = ("jinja2", "lxml", "markdown_it", "weasyprint", "http.server", "yaml", "babel", "PIL")
    code = (
        "import sys, packager.cli.main, packager.engine.runner, packager.engine.plan\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_every_module_is_in_the_architecture_guide() -> None:
    """docs/architecture.md stays true: each module has its line in the table."""
    guide = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "__init__.py" and f"`{path.relative_to(PACKAGE).as_posix()}`" not in guide
    ]
    assert missing == []
