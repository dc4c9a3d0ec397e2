"""Faults injected into real builds: interrupted, killed, out of space.

Each trial starts ``packager build`` over an output folder holding a previous good build,
interrupts it at a random moment, and checks that every output is then either the previous
good one or the new complete one (never partial, never missing), that nothing temporary is
left, and that the next build completes. The seed is printed so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import COURSE_YAML, INTRO, REPO, CourseFactory

TRIALS = int(os.environ.get("PACKAGER_FAULT_TRIALS", "12"))  # per kind of fault
FORMATS = ("--format", "html", "--format", "imscc")


def _command(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "packager",
        "build",
        *FORMATS,
        "-j",
        "2",
        "--out",
        str(out),
        *extra,
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def _outputs(out: Path) -> dict[str, str]:
    """Each output (a site folder or a file) with one digest of all its bytes."""
    found: dict[str, str] = {}
    for lang in sorted(p for p in out.glob("*/*") if p.is_dir()):
        for item in sorted(lang.iterdir()):
            digest = hashlib.sha256()
            files = sorted(item.rglob("*")) if item.is_dir() else [item]
            for f in (f for f in files if f.is_file()):
                digest.update(f.relative_to(lang).as_posix().encode() + f.read_bytes())
            found[item.relative_to(out).as_posix()] = digest.hexdigest()
    return found


def _leftovers(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob(".*")
        if p.relative_to(out).parts[0] != ".packager"
    )


COURSES = ("demo", "c2", "c3", "c4", "c5", "c6")


def _versions(
    make_course: CourseFactory, tmp_path: Path
) -> tuple[Path, Path, dict[str, str], dict[str, str]]:
    """Six courses built once (the good old outputs), then changed; both versions' outputs."""
    pages = {f"pages/p{i}.md": INTRO.replace("Introduction", f"Page {i}") for i in range(12)}
    outline = "".join(f"\n      - p{i}" for i in range(12))
    course_yaml = COURSE_YAML.replace(
        "pages: [intro, quiz]", "pages:\n      - intro\n      - quiz" + outline
    )
    for course in COURSES:
        project = make_course(
            {"course.yaml": course_yaml.replace("id: demo", f"id: {course}"), **pages},
            course_id=course,
        )
    old = tmp_path / "old"
    assert subprocess.run(_command(old), env=_env(), cwd=project, check=False).returncode == 0
    old_outputs = _outputs(old)
    for course in COURSES:
        intro = project / "courses" / course / "pages/intro.md"
        intro.write_text(intro.read_text() + "\nA new paragraph.\n")
    new = tmp_path / "new"
    assert subprocess.run(_command(new), env=_env(), cwd=project, check=False).returncode == 0
    new_outputs = _outputs(new)
    assert old_outputs.keys() == new_outputs.keys() and len(old_outputs) == 2 * len(COURSES)
    assert all(old_outputs[k] != new_outputs[k] for k in old_outputs)
    return project, old, old_outputs, new_outputs


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it is dead)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for_workers(process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


def _trial(project: Path, old: Path, out: Path, delay: float, fault: str) -> int:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(old, out, symlinks=True)
    process = subprocess.Popen(
        _command(out), env=_env(), cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # The delay counts from the first worker, not from the start: on a busy machine a fixed
    # delay could land in the interpreter's own start (test_ctrl_c_while_importing covers that).
    _wait_for_workers(process)
    time.sleep(delay)
    if fault == "sigint":
        process.send_signal(signal.SIGINT)
    else:
        for child in _children(process.pid):
            os.kill(child, signal.SIGKILL)
    _stdout, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr, stderr.decode()
    return process.returncode


def test_interrupted_and_killed_builds_leave_every_output_whole(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project, old, old_outputs, new_outputs = _versions(make_course, tmp_path)
    seed = int(os.environ.get("PACKAGER_FAULT_SEED", random.randrange(2**32)))
    print(f"PACKAGER_FAULT_SEED={seed}")
    rng = random.Random(seed)
    timing = subprocess.Popen(_command(tmp_path / "timing"), env=_env(), cwd=project)
    _wait_for_workers(timing)
    started = time.perf_counter()
    assert timing.wait() == 0
    full = time.perf_counter() - started  # from the first worker to the end
    print(f"a build takes {full:.2f} s after its first worker starts")
    out = tmp_path / "out"
    tally = {"trials": 0, "mixed": 0, "exit codes": set()}
    for fault in ("sigint", "kill-worker"):
        for _ in range(TRIALS):
            code = _trial(project, old, out, rng.uniform(0, full), fault)
            tally["trials"] += 1
            tally["exit codes"].add(code)  # type: ignore[attr-defined]
            assert code in (0, 1, 130), code
            found = _outputs(out)
            assert found.keys() == old_outputs.keys(), "an output went missing"
            for name, digest in found.items():
                assert digest in (old_outputs[name], new_outputs[name]), f"{name} is corrupt"
            if len({found[k] == new_outputs[k] for k in found}) == 2:
                tally["mixed"] += 1
            assert _leftovers(out) == [], "temporary files were left behind"
            if fault == "kill-worker" and code == 0:
                assert found == new_outputs  # a killed worker's jobs were retried
            finish = subprocess.run(
                _command(out), env=_env(), cwd=project, capture_output=True, check=False
            )
            assert finish.returncode == 0, finish.stderr
            assert _outputs(out) == new_outputs
    print(f"fault trials: {tally}")
    assert tally["mixed"] > 0, "no trial caught a build part-way; the faults came too early or late"


# Runs `python -m packager` with an import hook that stops at the n-th import made by packager's
# own code, says "ready" and waits there: Ctrl-C then lands in that import, whatever the speed.
_STOP_AT_AN_IMPORT = """
import os, runpy, sys, time
n, source = int(sys.argv[1]), sys.argv[2]
seen = []
class Stop:
    def find_spec(self, name, path=None, target=None):
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(source):
            frame = frame.f_back
        if frame is not None:
            seen.append(name)
            if len(seen) == n:
                os.write(1, b"ready\\n")
                time.sleep(60)
        return None
sys.meta_path.insert(0, Stop())
sys.argv = ["packager", "--version"]
runpy.run_module("packager", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("nth", [1, 2, 20, 80])  # `--version` makes 84 imports
def test_ctrl_c_while_importing_exits_130_quietly(nth: int) -> None:
    """From packager's first line of code on, Ctrl-C exits 130 with no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-c", _STOP_AT_AN_IMPORT, str(nth), str(REPO / "src" / "packager")],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert (process.returncode, err.decode()) == (130, "interrupted\n")


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (3_000, 3_000))


def test_a_write_error_part_way_is_a_clear_error_and_leaves_no_partial_file(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project, old, old_outputs, _new = _versions(make_course, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(old, out)
    result = subprocess.run(
        _command(out),
        env=_env(),
        cwd=project,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error[write-failed]: cannot write the output: File too large" in result.stderr
    assert _leftovers(out) == []
    after = _outputs(out)
    failed = [line for line in result.stderr.splitlines() if "write-failed" in line]
    assert failed
    for name, digest in after.items():
        if any(name in line for line in failed):
            assert digest == old_outputs[name]  # the previous good output stays


def test_a_killed_or_terminated_build_leaves_no_worker_behind(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    project, old, _old_outputs, new_outputs = _versions(make_course, tmp_path)
    out = tmp_path / "out"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(old, out)
        process = subprocess.Popen(
            _command(out), env=_env(), cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while not (workers := _children(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert workers, "the build started no workers"
        process.send_signal(sig)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == (130 if sig == signal.SIGTERM else -signal.SIGKILL)
        assert b"Traceback" not in err
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "orphan workers"
        finish = subprocess.run(
            _command(out), env=_env(), cwd=project, capture_output=True, check=False
        )
        assert finish.returncode == 0, finish.stderr  # not refused as busy
        assert _outputs(out) == new_outputs
