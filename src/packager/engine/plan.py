"""Planning a build: which outputs of which courses are asked for, and which are unchanged.

The planner runs in the main process before any course is loaded, so it reads only what is
cheap: each course's files digested, its languages read straight from ``course.yaml``, and
what the previous build recorded (``state``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from packager.engine.digests import combine, engine_digest, files_digest, tree_digest
from packager.engine.options import BuildOptions
from packager.engine.results import Result, stamp
from packager.engine.state import BuildState
from packager.formats.registry import selected
from packager.resources import builtin_templates, find_courses
from packager.sourcedate import source_date


@dataclass(frozen=True)
class Plan:
    course: str
    level: str  # digest of every input of the course
    base: str  # the same without catalogues and templates: each output adds those it reads
    outputs: tuple[tuple[str, str], ...]


def course_ids(project: Path, named: tuple[str, ...]) -> list[str]:
    """The named courses, else every course of the project."""
    return list(dict.fromkeys(named)) if named else find_courses(project)


def in_shard(course: str, lang: str, shard: tuple[int, int]) -> bool:
    """A stable share: the same output always lands in the same shard, whatever else exists."""
    k, n = shard
    key = hashlib.sha256(f"{course}/{lang}".encode()).digest()
    return int.from_bytes(key[:8], "big") % n == k - 1


def course_languages(project: Path, course: str) -> list[str]:
    """The course's source language and translations, read cheaply (the loader checks them)."""
    import yaml

    try:
        # Every scalar a string, as the loader reads them (`no` is Norwegian, not False).
        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
        data = yaml.load((project / "courses" / course / "course.yaml").read_bytes(), loader)
        source = data.get("language", "en")
        langs = [source] + [x for x in data.get("languages") or [] if x != source]
        if all(isinstance(x, str) and x for x in langs):
            return list(dict.fromkeys(langs))
    except Exception:
        pass
    return [""]  # unknown here: the course job works the languages out


def make_plans(options: BuildOptions) -> list[Plan]:
    project = options.project
    # SOURCE_DATE_EPOCH dates the cartridges of courses that give no date of their own.
    # A bad value stops here, in the main process, as a usage error (not in a worker).
    epoch = source_date()
    shared = combine(
        engine_digest(),
        options.preview,
        options.cc_version,
        options.embed_fonts,
        str(int(epoch.timestamp())) if epoch else "",
    )
    templates = combine(tree_digest(project / "templates"), tree_digest(builtin_templates()))
    locales = project / "locales"
    ui = sorted(locales.glob("*/LC_MESSAGES/ui.po"))
    plans = []
    for course in course_ids(project, options.courses):
        # Templates are left out of ``base``: each output digests the ones it uses.
        root = project / "courses" / course
        base = combine(shared, course, tree_digest(root, skip=("templates",)))
        catalogues = ui + sorted(locales.glob(f"*/LC_MESSAGES/{course}.po"))
        level = combine(
            base, templates, tree_digest(root / "templates"), files_digest(project, catalogues)
        )
        langs = course_languages(project, course)
        outputs = tuple(
            (lang, fmt)
            for lang in langs
            if not options.langs or lang in options.langs or lang == ""
            if in_shard(course, lang, options.shard)
            for fmt in selected(options.formats)
        )
        if outputs:
            plans.append(Plan(course, level, base, outputs))
    return plans


def unchanged(plan: Plan, state: BuildState, out: Path) -> list[Result] | None:
    """The plan's results when nothing it depends on changed since they were built, else None."""
    results = []
    for lang, fmt in plan.outputs:
        record = state.outputs.get((plan.course, lang, fmt))
        if record is None or record.level != plan.level:
            return None
        if record.status == "unpublished":
            results.append(Result(plan.course, lang, fmt, "unpublished"))
            continue
        if record.stamp != stamp(out / record.path):
            return None
        results.append(
            Result(
                plan.course,
                lang,
                fmt,
                "unchanged",
                record.path,
                record.digest,
                record.stamp,
                record.size,
            )
        )
    return results


def split(plan: Plan, workers: int, courses: int) -> list[tuple[tuple[str, str], ...]]:
    """A course's outputs as one job, or one job per language when there are too few courses
    to keep every worker busy (each worker then loads the course once, from its cache)."""
    if workers <= 1 or courses >= 2 * workers:
        return [plan.outputs]
    langs = dict.fromkeys(lang for lang, _fmt in plan.outputs)
    return [tuple(o for o in plan.outputs if o[0] == lang) for lang in langs]
