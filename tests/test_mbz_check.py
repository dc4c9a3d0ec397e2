"""The Moodle backup's structural check (``packager check x.mbz`` and every build): what Moodle's
restore loses without a word (a file left out of ``inforef.xml``, a link to a module that is not
there, a section's sequence, a quiz's sumgrades) is an error with the file and line."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from packager.api import check_all
from packager.diagnostics import Problems
from packager.formats.moodle.backup import backup_files
from packager.formats.moodle.check import check_backup
from packager.formats.moodle.files import tar_gz
from packager.i18n.editions import Edition
from tests.conftest import QUIZ, REPO, CourseFactory

SAMPLE = "oer-recommendation"


@pytest.fixture(scope="module")
def sample() -> dict[str, dict[str, bytes]]:
    problems = Problems()
    found = check_all(REPO, (SAMPLE,), problems)
    assert not problems.errors
    return {e.lang: backup_files(e) for e in found}


def _edition(make_course: CourseFactory, files: dict[str, str] | None = None) -> Edition:
    problems = Problems()
    (edition,) = check_all(make_course(files or {}), ("demo",), problems)
    assert not problems.errors
    return edition


def _tar(entries: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def _messages(files: dict[str, bytes]) -> list[str]:
    problems = Problems()
    check_backup(_tar(files), "x.mbz", problems)
    return [d.format() for d in problems.sorted()]


def test_every_backup_of_the_sample_passes(sample: dict[str, dict[str, bytes]]) -> None:
    assert len(sample) == 6
    for files in sample.values():
        assert _messages(files) == []


def _changed(files: dict[str, bytes], name: str, change: Callable[[str], str]) -> dict[str, bytes]:
    text = files[name].decode()
    changed = change(text)
    assert changed != text, f"the change did nothing to {name}"
    return {**files, name: changed.encode()}


def test_a_file_missing_from_the_activitys_inforef_is_an_error(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = _changed(
        sample["en"],
        "activities/page_1/inforef.xml",
        lambda t: t.replace(
            "<fileref>\n    <file>\n      <id>1</id>\n    </file>\n  </fileref>", ""
        ),
    )
    assert _messages(files) == [
        "x.mbz/activities/page_1/inforef.xml:1:1: error[mbz-file]: the file "
        "'license-cc-by-sa-4.0.svg' of this activity is not in its inforef.xml: "
        "Moodle would not restore it"
    ]


def test_a_link_to_a_module_not_in_the_backup_is_an_error(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = _changed(
        sample["en"], "activities/page_2/page.xml", lambda t: t.replace("BYID*3@$", "BYID*99@$")
    )
    (message,) = _messages(files)
    assert message.startswith("x.mbz/activities/page_2/page.xml:")
    assert message.endswith(
        "error[mbz-link]: the link $@PAGEVIEWBYID*99@$ names no page in the backup"
    )


def test_a_link_to_a_file_the_activity_does_not_hold_is_an_error(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = _changed(
        sample["en"],
        "activities/page_4/page.xml",
        lambda t: t.replace("@@PLUGINFILE@@/timeline.svg", "@@PLUGINFILE@@/gone.svg"),
    )
    (message,) = _messages(files)
    assert message.endswith(
        "error[mbz-link]: the link to 'gone.svg' names no file of this activity"
    )


def test_sections_sequences_and_activities_must_agree(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = _changed(
        sample["en"],
        "sections/section_2/section.xml",
        lambda t: t.replace("<sequence>2,3</sequence>", "<sequence>2,42</sequence>"),
    )
    messages = _messages(files)
    assert messages[0].startswith("x.mbz/moodle_backup.xml:")
    assert messages[0].endswith(
        "error[mbz-section]: the activity activities/page_3 is in no section's sequence: "
        "Moodle would hide it"
    )
    assert messages[1] == (
        "x.mbz/sections/section_2/section.xml:2:1: error[mbz-section]: the sequence names "
        "course module 42, which is not an activity of this section"
    )
    assert len(messages) == 2


def test_a_quiz_whose_sumgrades_is_not_its_marks_is_an_error(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = _changed(
        sample["en"],
        "activities/quiz_9/quiz.xml",
        lambda t: t.replace("<sumgrades>6.00000</sumgrades>", "<sumgrades>5.00000</sumgrades>"),
    )
    (message,) = _messages(files)
    assert message.endswith(
        "error[mbz-grade]: sumgrades is 5.00000 but the slots' marks add up to 6.0000000"
    )


def test_stored_files_must_be_there_and_match_their_hash(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = dict(sample["en"])
    (content,) = [n for n in files if n.startswith("files/ad/")]
    files[content] = b"<svg>changed</svg>"
    (other,) = [n for n in files if n.startswith("files/c2/")]
    del files[other]
    messages = [m.split(": ", 1)[1] for m in _messages(files)]
    assert messages == [
        "error[mbz-file]: the content of 'license-cc-by-sa-4.0.svg' does not match its contenthash",
        f"error[mbz-file]: the file 'timeline.svg' has no content in files/ ({other[9:]})",
    ]


def test_a_missing_activity_file_and_a_missing_backup_description(
    sample: dict[str, dict[str, bytes]],
) -> None:
    files = dict(sample["en"])
    del files["activities/url_7/url.xml"]
    (message,) = _messages(files)
    assert message.endswith(
        "error[mbz-missing]: the activity's activities/url_7/url.xml is not in the archive"
    )
    assert _messages({"files.xml": b"<files/>"}) == [
        "x.mbz:1:1: error[mbz-missing]: no moodle_backup.xml at the top of the archive"
    ]


def test_an_image_of_a_question_must_be_a_file_of_that_question(
    make_course: CourseFactory,
) -> None:
    edition = _edition(
        make_course, {"pages/quiz.md": QUIZ.replace("Pick one.", "Pick one. ![A](media/pic.svg)")}
    )
    files = backup_files(edition)
    assert _messages(files) == []
    records = files["files.xml"].decode()
    assert "<component>question</component>" in records
    broken = {
        **files,
        "files.xml": records.replace("<filename>pic.svg", "<filename>other.svg").encode(),
    }
    messages = _messages(broken)
    assert any(
        m.startswith("x.mbz/questions.xml:")
        and m.endswith("error[mbz-link]: the link to 'pic.svg' names no file of this question")
        for m in messages
    ), messages


def test_an_unsafe_archive_is_refused_unread() -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        link = tarfile.TarInfo("moodle_backup.xml")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    problems = Problems()
    check_backup(gzip.compress(raw.getvalue()), "x.mbz", problems)
    assert [d.format() for d in problems.sorted()] == [
        "x.mbz:1:1: error[mbz-path]: the entry 'moodle_backup.xml' is a link"
    ]
    problems = Problems()
    check_backup(b"PK\x03\x04 not a tar", "x.mbz", problems)
    assert [d.code for d in problems.sorted()] == ["mbz-archive"]


def test_check_command_on_a_backup(
    sample: dict[str, dict[str, bytes]], make_course: CourseFactory, tmp_path: Path
) -> None:
    from tests.test_cli import run

    edition = _edition(make_course)
    good = tmp_path / "demo.mbz"
    good.write_bytes(tar_gz(backup_files(edition), edition.course))
    result = run("check", str(good), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: 1 Moodle backup"
    files = _changed(
        sample["ar"],
        "activities/quiz_9/quiz.xml",
        lambda t: t.replace("<sumgrades>6.", "<sumgrades>7."),
    )
    bad = tmp_path / "bad.mbz"
    bad.write_bytes(_tar(files))
    result = run("check", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "error[mbz-grade]: sumgrades is 7.00000 but the slots' marks add up to" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_file_of_an_activity_is_checked_against_its_inforef(
    sample: dict[str, dict[str, bytes]],
) -> None:
    """Two files of one name in one activity (say its intro's and its content's): each must be in
    the activity's inforef.xml. And a file the inforef lists must be in files.xml."""
    files = sample["en"]
    records = files["files.xml"].decode()
    first = records[records.index('  <file id="1">') : records.index('  <file id="2">')]
    twin = first.replace('<file id="1">', '<file id="99">').replace(
        "<filearea>content</filearea>", "<filearea>intro</filearea>"
    )
    broken = _changed(files, "files.xml", lambda t: t.replace("<files>\n", "<files>\n" + twin, 1))
    broken = _changed(
        broken,
        "activities/page_2/inforef.xml",
        lambda t: t.replace(
            "<inforef/>", "<inforef><fileref><file><id>7</id></file></fileref></inforef>"
        ),
    )
    assert [m.split(": ", 1)[1] for m in _messages(broken)] == [
        "error[mbz-file]: the file 'license-cc-by-sa-4.0.svg' of this activity is not in its "
        "inforef.xml: Moodle would not restore it",
        "error[mbz-file]: the file 7 is not in files.xml",
    ]
