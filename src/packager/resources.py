"""Where files are: the packager's own templates, a project's courses. Kept free of heavy
imports: the build engine's planner needs both before deciding whether anything needs loading."""

from __future__ import annotations

from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "_templates"
SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def builtin_templates() -> Path:
    """The packager's own templates: the repository's ``templates/`` or the installed copy."""
    return SOURCE_TEMPLATES if SOURCE_TEMPLATES.is_dir() else BUILTIN_TEMPLATES


def find_courses(project: Path) -> list[str]:
    """Ids of the courses in ``project/courses`` (folders holding a ``course.yaml``), sorted."""
    folder = project / "courses"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "course.yaml").is_file())
