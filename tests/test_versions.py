"""Versions of installed distributions (packager.resources.versions), read without importlib.metadata."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from packager.engine.digests import _SHAPING
from packager.resources import versions


def test_versions_agree_with_importlib_metadata() -> None:
    names = ("packager", *_SHAPING)
    assert versions(names) == {name: version(name) for name in names}


def test_a_distribution_not_installed_has_no_version() -> None:
    assert versions(["no-such-distribution-here"]) == {"no-such-distribution-here": None}


def test_names_match_normalised_and_the_first_on_the_path_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Foo_Bar-1.0.dist-info").mkdir(parents=True)
    (second / "foo.bar-2.0.dist-info").mkdir(parents=True)
    (second / "other-3.1+local.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "gone"), str(first), str(second)])
    assert versions(["foo-bar", "Other"]) == {"foo-bar": "1.0", "Other": "3.1+local"}


def test_a_build_starts_without_importlib_metadata() -> None:
    """The main process of every build digests the packager and its libraries' versions;
    importlib.metadata would cost it about 30 ms of CPU (a fifth of a no-op build)."""
    code = (
        "import sys, packager, packager.cli.main, packager.engine.runner, packager.engine.plan\n"
        "from packager.engine.digests import engine_digest\n"
        "engine_digest(), packager.__version__\n"
        "print('importlib.metadata' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
