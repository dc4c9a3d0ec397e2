"""The catalogue's landing page: ``index.html`` and ``report.json`` at the top of the output.

Every course with, per published language, how much is translated and links to its outputs
in every format (the columns come from the format registry) with their sizes. A sharded build writes its share to ``shards/K-of-N.json``
instead; ``packager index`` merges the shards into the same page and report, byte for byte, as
one full build would write. Nothing here depends on times or on the order jobs ran in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from packager.diagnostics import Diagnostic, InputError, Location, Severity, display_path
from packager.engine.options import BuildOptions
from packager.engine.state import BuildState
from packager.formats.registry import FORMATS, columns, offered
from packager.output import write_file

Data = dict[str, list[dict[str, object]]]
_SHARD_NAME = re.compile(r"(?P<k>[0-9]{1,6})-of-(?P<n>[0-9]{1,6})\.json")


def report_data(options: BuildOptions, state: BuildState, planned: set[str]) -> Data:
    """The catalogue as plain data. A shard reports only the courses it planned in this run
    (what it remembers of others may be out of date); a whole build, every course."""
    from packager.engine.plan import course_ids, in_shard

    courses: list[dict[str, object]] = []
    for course in course_ids(options.project, ()):
        if options.shard != (1, 1) and course not in planned:
            continue
        languages = []
        for facts in state.languages.get(course, ()):
            outputs = {}
            for fmt in FORMATS.values():
                record = state.outputs.get((course, facts.lang, fmt.name))
                if record is None or record.status != "built":
                    continue
                if not in_shard(course, facts.lang, options.shard):
                    continue
                outputs[fmt.name] = {"path": fmt.entry(record.path), "bytes": record.size}
            languages.append(
                {
                    "lang": facts.lang,
                    "name": facts.name,
                    "direction": facts.direction,
                    "title": facts.title,
                    "translated": round(facts.translated, 4),
                    "interface": round(facts.interface, 4),
                    "outputs": outputs,
                }
            )
        if languages:
            courses.append({"id": course, "languages": languages})
    return {"courses": courses}


def write_catalogue(options: BuildOptions, state: BuildState, planned: set[str]) -> None:
    """Write this build's report: the page and ``report.json``, or a shard's share."""
    data = report_data(options, state, planned)
    k, n = options.shard
    if n > 1:
        write_file(options.out / "shards" / f"{k}-of-{n}.json", _json(data))
    else:
        _write_page(options.out, data)


def merge_shards(out: Path) -> int:
    """``packager index``: merge ``out/shards/*.json`` into the page; return the shard count."""
    where = Location(display_path(out / "shards", Path()))
    found: dict[int, Path] = {}
    counts: set[int] = set()
    for path in sorted((out / "shards").glob("*.json")):
        name = _SHARD_NAME.fullmatch(path.name)
        if name is None:
            continue  # not a shard's report
        found[int(name["k"])] = path
        counts.add(int(name["n"]))
    if not found or len(counts) != 1:
        message = "expected the reports of one sharded build (shards/K-of-N.json, one N)"
        raise InputError([Diagnostic(where, Severity.ERROR, "shards", message)])
    n = counts.pop()
    missing = sorted(set(range(1, n + 1)) - set(found))
    if missing:
        raise InputError(
            [Diagnostic(where, Severity.ERROR, "shards", f"missing shard(s) {missing} of {n}")]
        )
    reports = []
    for _k, path in sorted(found.items()):
        try:
            reports.append(json.loads(path.read_text(encoding="utf-8"))["courses"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            shown = Location(display_path(path, Path()))
            message = f"not a shard report packager wrote: {exc}"
            raise InputError([Diagnostic(shown, Severity.ERROR, "shards", message)]) from None
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    order: dict[str, list[str]] = {}
    for courses in reports:
        for course in courses:
            langs = merged.setdefault(course["id"], {})
            for language in course["languages"]:
                entry = langs.setdefault(language["lang"], {**language, "outputs": {}})
                entry["outputs"].update(language["outputs"])
            order[course["id"]] = [x["lang"] for x in course["languages"]]

    def in_order(language: dict[str, Any]) -> dict[str, Any]:
        """Outputs in the order a whole build lists them, whichever shard brought which."""
        outputs = language["outputs"]
        return {**language, "outputs": {f: outputs[f] for f in FORMATS if f in outputs}}

    data: Data = {
        "courses": [
            {"id": c, "languages": [in_order(merged[c][lang]) for lang in order[c]]}
            for c in sorted(merged)
        ]
    }
    _write_page(out, data)
    return n


def _json(data: Data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


def _write_page(out: Path, data: Data) -> None:
    """``report.json`` and ``index.html``, rewritten only when their data or template changed."""
    from packager.engine.digests import combine, file_digest
    from packager.resources import builtin_templates

    report = _json(data)
    if not data["courses"] and not (out / "report.json").exists():
        return  # nothing built yet: no empty catalogue
    template = builtin_templates() / "catalogue.html"
    stamp = out / ".packager" / "catalogue.digest"
    digest = combine(report, file_digest(template)).encode()
    page = out / "index.html"
    if page.is_file() and stamp.is_file() and stamp.read_bytes() == digest:
        return
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template.parent)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["filesize"] = output_size
    html = env.get_template(template.name).render(
        courses=data["courses"], formats=columns(), offered=offered()
    )
    write_file(page, html.encode())
    write_file(out / "report.json", report)
    write_file(stamp, digest)


def output_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
