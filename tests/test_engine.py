"""The build engine: incremental, parallel, sharded, and every output whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from packager.api import BuildOptions
from packager.engine.runner import Report
from packager.engine.runner import run as run_engine
from packager.output import recover, write_tree
from tests.conftest import COURSE_YAML, INTRO, REPO, CourseFactory
from tests.test_cli import run

FAST = ("html", "imscc")  # PDFs take seconds each; the engine treats every format alike


def _sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (one course, six languages)."""
    project = tmp_path / "project"
    for folder in ("courses", "locales", "templates"):
        shutil.copytree(REPO / folder, project / folder)
    return project


def _build(project: Path, **options: object) -> Report:
    settings: dict[str, object] = {"formats": FAST, **options}
    out = settings.pop("out", project / "build")
    return run_engine(BuildOptions(project=project, out=out, **settings))  # type: ignore[arg-type]


def _built(report: Report) -> list[tuple[str, str, str]]:
    return sorted((r.course, r.lang, r.format) for r in report.results if r.status == "built")


def tree(folder: Path, skip: tuple[str, ...] = (".packager", "shards")) -> dict[str, str]:
    """Every file below ``folder`` with the digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in skip
    }


def _edit_first_translation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    marker = '\nmsgstr "'
    start = text.index(marker, text.index("\n\n#"))  # the first entry after the header
    path.write_text(text[: start + len(marker)] + "¡" + text[start + len(marker) :], "utf-8")


def test_a_second_build_does_nothing_and_says_so(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    first = run("build", "--format", "html", "--format", "imscc", cwd=project)
    assert first.returncode == 0, first.stderr
    assert "12 built, 0 unchanged, 0 failed" in first.stdout
    before = {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*")}
    second = run("build", "--format", "html", "--format", "imscc", cwd=project)
    assert second.returncode == 0, second.stderr
    assert "nothing to do: 12 outputs up to date" in second.stdout
    assert {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*")} == before


def test_editing_one_catalogue_rebuilds_only_that_language(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    _build(project)
    _edit_first_translation(project / "locales/fr/LC_MESSAGES/oer-recommendation.po")
    report = _build(project)
    assert _built(report) == [
        ("oer-recommendation", "fr", "html"),
        ("oer-recommendation", "fr", "imscc"),
    ]
    assert report.count("unchanged") == 10
    assert "¡" in (project / "build/oer-recommendation/fr/html/index.html").read_text() or any(
        "¡" in p.read_text() for p in (project / "build/oer-recommendation/fr/html").glob("*.html")
    )


def test_editing_a_template_rebuilds_only_the_outputs_that_use_it(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    _build(project)
    with (project / "templates/page.html").open("a") as handle:
        handle.write("{# a comment #}\n")
    assert {fmt for _c, _l, fmt in _built(_build(project))} == {"html"}
    with (project / "templates/cartridge.html").open("a") as handle:
        handle.write("{# a comment #}\n")
    assert {fmt for _c, _l, fmt in _built(_build(project))} == {"imscc"}
    with (project / "templates/partials/authors.html").open("a") as handle:
        handle.write("{# shared by both #}\n")
    assert len(_built(_build(project))) == 12


def test_editing_course_yaml_rebuilds_that_course_only(make_course: CourseFactory) -> None:
    project = make_course()
    make_course(course_id="other")
    assert len(_built(_build(project))) == 4
    yaml_path = project / "courses/demo/course.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("hours: 1", "hours: 2"))
    assert _built(_build(project)) == [("demo", "en", "html"), ("demo", "en", "imscc")]


def test_force_rebuilds_and_a_removed_output_comes_back(make_course: CourseFactory) -> None:
    project = make_course()
    _build(project)
    assert _build(project).count("unchanged") == 2
    assert len(_built(_build(project, force=True))) == 2
    (project / "build/demo/en/demo-en.imscc").unlink()
    assert _built(_build(project)) == [("demo", "en", "imscc")]


def test_a_failing_course_does_not_stop_the_others(make_course: CourseFactory) -> None:
    project = make_course({"pages/intro.md": INTRO + "\n[broken](nowhere.md)\n"})
    make_course(course_id="other")
    result = run("build", "-j", "2", "--format", "html", "--json", cwd=project)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    status = {(o["course"], o["format"]): o["status"] for o in report["outputs"]}
    assert status == {("demo", "html"): "failed", ("other", "html"): "built"}
    (failed,) = [o for o in report["outputs"] if o["status"] == "failed"]
    assert failed["errors"][0].startswith("courses/demo/pages/intro.md:10:")
    assert "courses/demo/pages/intro.md:10:" in result.stderr
    assert (project / "build/other/en/html/index.html").is_file()
    assert not (project / "build/demo").exists()
    # Fixed, the failed course builds and the other is left alone.
    (project / "courses/demo/pages/intro.md").write_text(INTRO)
    again = json.loads(run("build", "--format", "html", "--json", cwd=project).stdout)
    assert (again["built"], again["unchanged"], again["failed"]) == (1, 1, 0)


def test_the_catalogue_page_lists_every_course_language_and_output(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    _build(project)
    data = json.loads((project / "build/report.json").read_text())
    (course,) = data["courses"]
    assert [x["lang"] for x in course["languages"]] == ["en", "fr", "es", "ar", "zh-Hans", "ru"]
    arabic = course["languages"][3]
    assert arabic["direction"] == "rtl" and 0 < arabic["translated"] <= 1
    site = arabic["outputs"]["html"]
    assert site["path"] == "oer-recommendation/ar/html/index.html"
    assert site["bytes"] == sum(
        p.stat().st_size
        for p in (project / "build/oer-recommendation/ar/html").rglob("*")
        if p.is_file()
    )
    page = (project / "build/index.html").read_text()
    assert 'href="oer-recommendation/ar/oer-recommendation-ar.imscc"' in page
    assert 'lang="ar" dir="rtl"' in page


def test_shards_merge_into_the_same_bytes_as_one_full_build(tmp_path: Path) -> None:
    """Each shard runs as its own process, as on a CI matrix; their union is the full build."""
    project = _sample(tmp_path)
    formats = ("--format", "html", "--format", "imscc")
    full = run("build", *formats, "--out", str(tmp_path / "full"), cwd=project)
    assert full.returncode == 0, full.stderr
    merged = tmp_path / "merged"
    shares = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        result = run("build", *formats, "--shard", f"{k}/3", "--out", str(out), cwd=project)
        assert result.returncode == 0, result.stderr
        shares.append(set(tree(out)))
        shutil.copytree(out, merged, dirs_exist_ok=True)
    assert all(shares), "every shard has work with six languages and three shards"
    assert not (shares[0] & shares[1]) and not (shares[1] & shares[2])
    result = run("index", "--out", str(merged), cwd=project)
    assert result.returncode == 0, result.stderr
    assert tree(merged) == tree(tmp_path / "full")


def test_index_refuses_an_incomplete_set_of_shards(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    out = tmp_path / "out"
    run("build", "--format", "html", "--shard", "1/2", "--out", str(out), cwd=project)
    result = run("index", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "error[shards]: missing shard(s) [2] of 2" in result.stderr


@pytest.mark.parametrize("shard", ["0/2", "3/2", "x"])
def test_a_wrong_shard_is_a_usage_error(make_course: CourseFactory, shard: str) -> None:
    result = run("build", "--shard", shard, cwd=make_course())
    assert result.returncode == 2
    assert "expected K/N" in result.stderr


def test_builds_are_identical_whatever_the_folder_and_the_number_of_workers(
    tmp_path: Path,
) -> None:
    project = _sample(tmp_path)
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(project, moved)
    assert (
        run("build", *("--format", "html", "--format", "imscc"), "-j", "1", cwd=project).returncode
        == 0
    )
    assert (
        run("build", *("--format", "html", "--format", "imscc"), "-j", "2", cwd=moved).returncode
        == 0
    )
    assert tree(project / "build") == tree(moved / "build")


def test_a_second_build_into_a_busy_folder_is_refused(make_course: CourseFactory) -> None:
    import fcntl

    project = make_course()
    (project / "build/.packager").mkdir(parents=True)
    with (project / "build/.packager/lock").open("w") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        result = run("build", cwd=project)
    assert result.returncode == 1
    assert "error[build-busy]: another build is writing to this folder" in result.stderr


def test_recover_puts_back_a_site_moved_aside_and_removes_leftovers(tmp_path: Path) -> None:
    lang = tmp_path / "course" / "en"
    write_tree(lang / "html", {"index.html": b"old"})
    # What a build killed between the two renames of the fallback swap leaves:
    (lang / ".html.old-x").mkdir()
    (lang / "html").replace(lang / ".html.old-x" / "tree")
    (lang / ".html.new-y").mkdir()
    (lang / ".html.new-y" / "index.html").write_bytes(b"half")
    (lang / ".course-en.pdf.abc.tmp").write_bytes(b"%PDF-half")
    assert recover(tmp_path) == 3
    assert sorted(p.name for p in lang.iterdir()) == ["html"]
    assert (lang / "html" / "index.html").read_bytes() == b"old"


def test_ctrl_c_while_a_file_is_written_leaves_it_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (CI, seed 3468134581): a Ctrl-C landing just after ``mkstemp`` left
    ``.index.html.*.tmp`` behind. Now the interrupt waits until the file is in place."""
    import signal
    import tempfile

    from packager import output

    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # as if the user pressed Ctrl-C right here
        return made

    monkeypatch.setattr(output.tempfile, "mkstemp", mkstemp_then_ctrl_c)
    (tmp_path / "index.html").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        output.write_file(tmp_path / "index.html", b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]
    assert (tmp_path / "index.html").read_bytes() == b"new"


def test_ctrl_c_while_the_catalogue_is_written_leaves_nothing_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.engine import catalogue_page

    project = _sample(tmp_path)
    out = project / "build"

    def interrupted(*_args: object) -> None:
        (out / ".index.html.half.tmp").write_bytes(b"<html")
        raise KeyboardInterrupt

    monkeypatch.setattr(catalogue_page, "write_catalogue", interrupted)
    report = _build(project, langs=("en",))
    assert report.interrupted
    assert [p.name for p in out.rglob("*.tmp")] == []


def test_a_site_is_swapped_in_whole(tmp_path: Path) -> None:
    write_tree(tmp_path / "html", {"index.html": b"one", "a/b.css": b"x"})
    write_tree(tmp_path / "html", {"index.html": b"two"})
    assert tree(tmp_path) == {"html/index.html": hashlib.sha256(b"two").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


def test_yaml_errors_still_fail_with_their_place(make_course: CourseFactory) -> None:
    project = make_course({"course.yaml": COURSE_YAML + "languages: [fr\n"})
    result = run("build", cwd=project)
    assert result.returncode == 1
    assert "courses/demo/course.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_a_crash_in_a_worker_fails_its_job_with_the_traceback_and_the_others_go_on(
    make_course: CourseFactory,
) -> None:
    from packager.engine.jobs import CourseJob
    from packager.engine.runner import _execute

    project = make_course()
    good = BuildOptions(project=project, out=project / "build", formats=("html",))
    broken = BuildOptions(project=None, out=project / "build", formats=("html",))  # type: ignore[arg-type]
    jobs = [
        CourseJob(broken, "demo", "b", "l", (("en", "html"),)),
        CourseJob(good, "demo", "b", "l", (("en", "html"),)),
    ]
    report = Report()
    list(_execute(jobs, 2, report, 2, None))
    assert sorted(r.status for r in report.results) == ["built", "failed"]
    (failed,) = report.failed
    assert failed.errors[0].code == "job-failed"
    assert "internal error: TypeError" in failed.errors[0].message
    (bug,) = report.bugs
    assert "Traceback" in bug and "TypeError" in bug


def test_a_broken_catalogue_fails_only_its_language_on_every_worker(tmp_path: Path) -> None:
    """With one course and two workers the course is split by language; a broken Spanish
    catalogue still fails the Spanish outputs alone, and `--lang en` builds despite it."""
    project = _sample(tmp_path)
    po = project / "locales/es/LC_MESSAGES/oer-recommendation.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    result = run("build", "--format", "html", "-j", "2", "--json", cwd=project)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    failed = {o["lang"] for o in report["outputs"] if o["status"] == "failed"}
    built = {o["lang"] for o in report["outputs"] if o["status"] == "built"}
    assert failed == {"es"} and built == {"en", "fr", "ar", "zh-Hans", "ru"}
    assert "locales/es/LC_MESSAGES/oer-recommendation.po:" in result.stderr
    only_english = run("build", "--format", "html", "--lang", "en", "--force", cwd=project)
    assert only_english.returncode == 0, only_english.stderr


def test_a_pdf_depends_on_the_installed_fonts_and_a_site_does_not(
    make_course: CourseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.engine.jobs import _templates_digest
    from packager.formats.pdf import glyphs

    project = make_course()
    root = project / "courses/demo"
    before = {fmt: _templates_digest(project, root, fmt) for fmt in ("html", "pdf")}
    monkeypatch.setattr(glyphs, "fonts_in_use", lambda: (("Noto Sans", "/new/file.ttf", 1, 2),))
    after = {fmt: _templates_digest(project, root, fmt) for fmt in ("html", "pdf")}
    assert after["html"] == before["html"]
    assert after["pdf"] != before["pdf"]


def test_a_course_in_norwegian_is_planned_like_any_other(make_course: CourseFactory) -> None:
    """`no` is a language here, not YAML 1.1's False (review finding: it built nothing)."""
    project = make_course(
        {
            "course.yaml": COURSE_YAML.replace(
                "license: CC-BY-4.0", "license: CC-BY-4.0\nlanguages: [no]"
            )
        }
    )
    report = _build(project)
    assert {(r.lang, r.status) for r in report.results} == {
        ("en", "built"),
        ("no", "unpublished"),  # no catalogue yet: planned, found below the threshold
    }


def test_a_template_edited_between_two_builds_in_one_process_is_used(tmp_path: Path) -> None:
    """`serve` rebuilds in one process: an edited template must not come from a stale cache."""
    project = _sample(tmp_path)
    _build(project, langs=("en",), formats=("html",))
    page = project / "templates/page.html"
    page.write_text(page.read_text().replace("{% block main %}", "{% block main %}<!-- v2 -->", 1))
    assert _built(_build(project, langs=("en",), formats=("html",)))
    assert (
        "<!-- v2 -->"
        in (project / "build/oer-recommendation/en/html/what-are-oer.html").read_text()
    )
    # ... and a catalogue put back as it was is read again, not taken from the cache.
    po = project / "locales/fr/LC_MESSAGES/oer-recommendation.po"
    original = po.read_text(encoding="utf-8")
    _build(project, langs=("fr",), formats=("html",))
    _edit_first_translation(po)
    _build(project, langs=("fr",), formats=("html",))
    po.write_text(original, encoding="utf-8")
    _build(project, langs=("fr",), formats=("html",))
    assert "¡" not in (project / "build/oer-recommendation/fr/html/index.html").read_text()


def test_a_catalogue_saved_while_its_course_loads_is_rebuilt_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.engine import jobs

    project = _sample(tmp_path)
    po = project / "locales/fr/LC_MESSAGES/oer-recommendation.po"
    real = jobs._editions

    def editing_while_loading(*args: object) -> object:
        _edit_first_translation(po)  # a translator saves just as the build reads
        return real(*args)  # type: ignore[arg-type]

    editing_while_loading.cache_clear = real.cache_clear  # type: ignore[attr-defined]
    monkeypatch.setattr(jobs, "_editions", editing_while_loading)
    _build(project, langs=("fr",), formats=("html",))
    monkeypatch.setattr(jobs, "_editions", real)
    assert _built(_build(project, langs=("fr",), formats=("html",))) == [
        ("oer-recommendation", "fr", "html")
    ]


def test_template_mistakes_are_located_errors(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    with (project / "templates/page.html").open("a") as handle:
        handle.write("{% if %}\n")
    result = run("build", "--format", "html", "--lang", "en", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/page.html:" in result.stderr and "error[template]" in result.stderr
    (project / "templates/page.html").write_text(
        (REPO / "templates/page.html").read_text(), encoding="utf-8"
    )
    with (project / "templates/nav.html").open("ab") as binary:
        binary.write(b"\xff\xfe\n")
    result = run("build", "--format", "html", "--lang", "en", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "templates/nav.html:" in result.stderr and "error[not-utf8]" in result.stderr


def test_index_and_out_mistakes_are_located_errors(make_course: CourseFactory) -> None:
    project = make_course()
    (project / "build/shards").mkdir(parents=True)
    (project / "build/shards/1-of-2.json").write_text('{"courses": [')
    (project / "build/shards/2-of-2.json").write_text('{"courses": []}')
    (project / "build/shards/final-of-2.json").write_text("{}")
    result = run("index", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "build/shards/1-of-2.json:1:1: error[shards]: not a shard report" in result.stderr
    (project / "afile").write_text("")
    result = run("build", "--out", "afile/sub", cwd=project)
    assert result.returncode == 1
    assert "afile/sub:1:1: error[out]: cannot use the output folder" in result.stderr


def _dies_building_a(job: object) -> object:
    """A worker killed (out of memory, a crash) whenever it builds course ``a``."""
    from packager.engine.jobs import run_course

    if getattr(job, "course", "") == "a":
        os._exit(9)
    return run_course(job)  # type: ignore[arg-type]


def test_a_worker_that_keeps_dying_fails_only_the_job_that_kills_it(
    make_course: CourseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review finding: a second death failed every job then in the pool, innocent ones too."""
    from packager.engine import runner as engine

    for course in ("a", "b", "c", "d"):
        project = make_course(course_id=course)
    monkeypatch.setattr(engine, "run_course", _dies_building_a)
    for workers in (1, 2):
        report = _build(project, formats=("html",), jobs=workers, force=True)
        status = {r.course: r.status for r in report.results}
        assert status == {"a": "failed", "b": "built", "c": "built", "d": "built"}, workers
        (failed,) = report.failed
        assert failed.errors[0].message == "the worker process building it died"


def test_a_language_taken_out_of_a_course_is_taken_off_the_site(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    _build(project)
    yaml_path = project / "courses/oer-recommendation/course.yaml"
    original = yaml_path.read_text()
    # A typo in course.yaml fails the course but never takes its published sites down.
    yaml_path.write_text(original + "\n  bad indentation: [\n")
    assert _build(project).failed
    assert (project / "build/oer-recommendation/ru/html/index.html").is_file()
    yaml_path.write_text(original.replace(", ru]", "]"))
    report = _build(project)
    assert sorted(report.removed) == [
        "oer-recommendation/ru/html",
        "oer-recommendation/ru/oer-recommendation-ru.imscc",
    ]
    assert not (project / "build/oer-recommendation/ru").exists()
    data = json.loads((project / "build/report.json").read_text())
    assert "ru" not in [x["lang"] for x in data["courses"][0]["languages"]]


def test_shards_rebuilt_in_cached_folders_still_merge_into_a_full_build(tmp_path: Path) -> None:
    """Review finding: shards kept facts and sites of a language the course had dropped."""
    project = _sample(tmp_path)
    formats = ("--format", "html")
    for k in (1, 2, 3):
        run("build", *formats, "--shard", f"{k}/3", "--out", str(tmp_path / f"s{k}"), cwd=project)
    yaml_path = project / "courses/oer-recommendation/course.yaml"
    text = yaml_path.read_text()
    yaml_path.write_text(text.replace(", ru]", "]").replace("title: Open", "title: NEW Open", 1))
    merged = tmp_path / "merged"
    for k in (1, 2, 3):  # the same folders again, as a CI cache restores them
        result = run(
            "build", *formats, "--shard", f"{k}/3", "--out", str(tmp_path / f"s{k}"), cwd=project
        )
        assert result.returncode == 0, result.stderr
        shutil.copytree(tmp_path / f"s{k}", merged, dirs_exist_ok=True)
    assert run("index", "--out", str(merged), cwd=project).returncode == 0
    assert run("build", *formats, "--out", str(tmp_path / "full"), cwd=project).returncode == 0
    assert tree(merged) == tree(tmp_path / "full")
    assert "NEW Open" in (merged / "report.json").read_text()


def test_source_date_epoch_is_an_input(
    make_course: CourseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_course()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _build(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert len(_built(_build(project))) == 2
    assert not _built(_build(project))


def test_a_file_deleted_inside_a_built_site_brings_the_site_back(
    make_course: CourseFactory,
) -> None:
    project = make_course()
    _build(project)
    (project / "build/demo/en/html/assets/style.css").unlink()
    assert _built(_build(project)) == [("demo", "en", "html")]
    assert (project / "build/demo/en/html/assets/style.css").is_file()


def test_a_doctored_state_file_never_deletes_outside_the_output_folder(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project = make_course()
    _build(project)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    state_path = project / "build/.packager/state.json"
    data = json.loads(state_path.read_text())
    for path in ("../victim.txt", str(victim)):  # the build folder is tmp_path/build
        data["outputs"].append(
            {
                "course": "gone",
                "lang": "en",
                "format": "html",
                "status": "built",
                "level": "x",
                "path": path,
                "digest": "x",
                "stamp": [],
                "size": 0,
            }
        )
    state_path.write_text(json.dumps(data))
    report = _build(project)  # a whole build prunes the outputs of courses that are gone
    assert victim.read_text() == "keep me"
    assert report.removed == []


def test_the_catalogue_page_follows_its_template(
    make_course: CourseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is rewritten when its template changes, even when its data did not."""
    from packager import resources

    templates = tmp_path / "builtin"
    shutil.copytree(REPO / "templates", templates)
    monkeypatch.setattr(resources, "builtin_templates", lambda: templates)
    project = make_course()
    _build(project)
    page = templates / "catalogue.html"
    page.write_text(page.read_text().replace("<h1>Course catalogue</h1>", "<h1>Our courses</h1>"))
    _build(project)
    assert "<h1>Our courses</h1>" in (project / "build/index.html").read_text()


def test_a_build_of_some_languages_translates_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: `--lang en` translated every declared language (1.75x the time). Now only the
    languages asked for are translated; the others' catalogues are read for the switcher (is the
    language published?) and their title for the catalogue page, nothing more."""
    import packager.i18n.editions as editions_module

    project = _sample(tmp_path)
    translated: list[str] = []
    real = editions_module.translate_course

    def counting(course: Any, lookup: Any, problems: Any, messages: Any = None) -> Any:
        translated.append(next(iter(lookup.values())).location.path.split("/")[1])
        return real(course, lookup, problems, messages)

    monkeypatch.setattr(editions_module, "translate_course", counting)
    english = _build(project, langs=("en",), formats=("html",))
    assert not english.errors_found()
    assert translated == []
    page = (project / "build/oer-recommendation/en/html/index.html").read_text()
    assert 'hreflang="fr"' in page and 'hreflang="ar"' in page  # still published, still linked
    facts = json.loads((project / "build/report.json").read_text())["courses"][0]["languages"]
    french = next(f for f in facts if f["lang"] == "fr")
    assert french["title"] != facts[0]["title"]  # the French title, though French was not built
    assert "outputs" in french and not french["outputs"]

    translated.clear()
    _build(project, langs=("fr",), formats=("html",))
    assert translated == ["fr"]


def _counting_extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import packager.i18n.editions as editions_module
    import packager.i18n.translate as translate_module

    calls: list[str] = []
    real = editions_module.course_messages

    def counting(course: Any) -> Any:
        calls.append(course.id)
        return real(course)

    for module in (editions_module, translate_module):  # the two that extract for a build
        monkeypatch.setattr(module, "course_messages", counting)
    return calls


def test_a_course_s_messages_are_extracted_once_for_all_its_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: the share of each language and the translation into each extracted the
    course's messages again: six times for six languages, the largest cost of a build."""
    calls = _counting_extractions(monkeypatch)
    report = _build(_sample(tmp_path), formats=("html",), jobs=0)
    assert len(_built(report)) == 6
    assert calls == ["oer-recommendation"]


def test_the_message_keys_are_kept_between_builds_until_the_course_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English-only build needs the keys (is French published?) but no translation: the
    second such build takes them from ``.packager/messages``, and is published the same."""
    project = _sample(tmp_path)
    calls = _counting_extractions(monkeypatch)
    english = {"langs": ("en",), "formats": ("html",), "jobs": 0, "force": True}
    _build(project, **english)
    assert calls == ["oer-recommendation"]
    kept = project / "build/.packager/messages/oer-recommendation.json"
    first = (project / "build/oer-recommendation/en/html/index.html").read_bytes()
    assert b'hreflang="fr"' in first

    calls.clear()
    _build(project, **english)
    assert calls == []  # the keys came from the file
    assert (project / "build/oer-recommendation/en/html/index.html").read_bytes() == first

    # Damaged, or another course's digest: extracted again, never trusted.
    for damage in ("{not json", json.dumps({"digest": "x", "keys": [], "title": None})):
        kept.write_text(damage)
        calls.clear()
        _build(project, **english)
        assert calls == ["oer-recommendation"]
        assert (project / "build/oer-recommendation/en/html/index.html").read_bytes() == first

    # A page changes: its new text is a new key (untranslated in every catalogue until the
    # translators catch up), so the keys are extracted again, never taken from before.
    page_path = project / "courses/oer-recommendation/pages/five-areas-of-action.md"
    text = page_path.read_text()
    page_path.write_text(text.replace("It sets out five areas", "It names five areas"))
    calls.clear()
    _build(project, **english)
    assert calls == ["oer-recommendation"]
    keys = json.loads(kept.read_text())["keys"]
    assert any("It names five areas" in msgid for _ctx, msgid in keys)
    assert not any("It sets out five areas" in msgid for _ctx, msgid in keys)


def test_a_language_not_built_is_glimpsed_from_the_last_build_until_its_catalogue_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: ``--lang en`` parsed the five other catalogues on every build, to know which are
    published (the switcher) and their titles (the catalogue page). The second such build takes
    that from ``.packager/languages``; a catalogue that changes is read again (here broken: French
    leaves the switcher), and what was found stays true on the next build."""
    import packager.i18n.editions as editions_module

    project = _sample(tmp_path)
    read: list[str] = []
    real = editions_module.language_catalogue

    def counting(project: Path, domain: str, lang: str, *args: Any, **kwargs: Any) -> Any:
        read.append(lang)
        return real(project, domain, lang, *args, **kwargs)

    monkeypatch.setattr(editions_module, "language_catalogue", counting)
    english = {"langs": ("en",), "formats": ("html",), "jobs": 0, "force": True}
    first = _build(project, **english)
    assert sorted(read) == ["ar", "es", "fr", "ru", "zh-Hans"]
    page = (project / "build/oer-recommendation/en/html/index.html").read_bytes()
    facts = (project / "build/report.json").read_bytes()

    read.clear()
    second = _build(project, **english)
    assert read == []
    assert (project / "build/oer-recommendation/en/html/index.html").read_bytes() == page
    assert (project / "build/report.json").read_bytes() == facts
    assert [d.format() for d in second.diagnostics()] == [d.format() for d in first.diagnostics()]

    po = project / "locales/fr/LC_MESSAGES/oer-recommendation.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    for again in (False, True):  # read again once; then what it said comes from the glimpse
        read.clear()
        _build(project, **english)
        assert read == ([] if again else ["fr"])
        kept = json.loads(
            (project / "build/.packager/languages/oer-recommendation/fr.json").read_text()
        )
        assert [d[4] for d in kept["problems"]] == ["po-syntax"] and kept["title"] is None
        page_text = (project / "build/oer-recommendation/en/html/index.html").read_text()
        assert 'hreflang="fr"' not in page_text and 'hreflang="es"' in page_text
