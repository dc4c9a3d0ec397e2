"""The built sites as files: the Nu HTML Checker (vnu) finds no error, and pages stay light."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.bench_weight import BUDGET, site_weights
from tests.conftest import REPO
from tests.test_browser import LANGS, need

VNU_JAR = REPO / ".cache/npm/vnu-jar/build/dist/vnu.jar"


@pytest.mark.browser
def test_vnu_finds_no_error_in_any_page(sample_sites: Path, tmp_path: Path) -> None:
    """Every page, stylesheet and image of every language, and the catalogue page; a planted
    fault shows it looked."""
    java = shutil.which("java")
    need(java, "a Java runtime (apt-get install default-jre-headless)")
    need(VNU_JAR.is_file(), f"the Nu HTML Checker ({VNU_JAR.relative_to(REPO)})")
    planted = tmp_path / "planted.html"
    planted.write_text('<!DOCTYPE html><html lang="en"><title>x</title><p><div></p>\n')
    files = [
        path
        for lang in LANGS
        for pattern in ("*.html", "assets/*.css", "assets/*.svg", "media/*.svg")
        for path in sorted((sample_sites / lang / "html").glob(pattern))
    ]
    assert len([f for f in files if f.name == "index.html"]) == len(LANGS)
    files.append(sample_sites.parent / "index.html")  # the catalogue's landing page
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    command += ["--also-check-css", "--also-check-svg", *map(str, files), str(planted)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(done.stderr)["messages"]
    errors = [m for m in messages if not m["url"].endswith("/planted.html")]
    assert errors == [], json.dumps(errors, indent=1, ensure_ascii=False)
    assert any(m["type"] == "error" for m in messages), "vnu reported the planted fault"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_weighs_under_100_kb_without_images(sample_sites: Path, lang: str) -> None:
    weights = site_weights(sample_sites / lang / "html")
    assert weights[0].name == "index.html"
    assert weights[0].css > 0 and weights[0].html > 0
    over = {w.name: w.total for w in weights if w.total > BUDGET}
    assert over == {}
