"""Where the packager's own files are (kept free of heavy imports: the build engine's planner
hashes them before deciding whether anything needs loading)."""

from __future__ import annotations

from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "_templates"
SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def builtin_templates() -> Path:
    """The packager's own templates: the repository's ``templates/`` or the installed copy."""
    return SOURCE_TEMPLATES if SOURCE_TEMPLATES.is_dir() else BUILTIN_TEMPLATES
