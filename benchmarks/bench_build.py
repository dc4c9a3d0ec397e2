"""The build engine on a generated catalogue: parallel speed-up, no-op rebuild, one catalogue
changed, peak memory.

Run: ``.venv/bin/python benchmarks/bench_build.py`` (``--courses 20 --pages 30 --pdf-courses 4
--repeat 3``).

A catalogue of COURSES courses of PAGES pages in six languages (English and five identity
"translations", which cost what real ones do) is built with ``packager build`` as users run it,
in a fresh process each time. Figures are printed beside baselines measured in the same run:
the same build with one worker (the speed-up from 1 to 2 jobs; goal at least 1.8x on 2 cores),
and Python's own start-up for the no-op rebuild (goal: under 0.5 s, start-up included). PDFs
take seconds each, so their speed-up is measured on the first PDF_COURSES courses.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench_html import alternated, make_course, user_environment

from packager.api import check
from packager.diagnostics import Problems
from packager.i18n.locales import catalogue_path, load, save
from packager.i18n.workflow import init

LANGS = ("fr", "es", "ar", "zh-Hans", "ru")


def make_catalogue(project: Path, courses: int, pages: int) -> list[str]:
    """Write the courses and a complete catalogue per language for each."""
    ids = [f"course-{n:02d}" for n in range(courses)]
    for course_id in ids:
        make_course(project, pages)
        root = project / "courses" / course_id
        (project / "courses" / "bench").rename(root)
        yaml_path = root / "course.yaml"
        text = yaml_path.read_text().replace("id: bench", f"id: {course_id}")
        yaml_path.write_text(
            text.replace("language: en", f"language: en\nlanguages: [{', '.join(LANGS)}]")
        )
    problems = Problems()
    for course in check(project, tuple(ids), problems):
        for lang in LANGS:
            init(project, course, lang, problems)
            for domain in (course.id, "ui"):
                path = catalogue_path(project, lang, domain)
                catalogue = load(path, project, problems)
                assert catalogue is not None
                entries = tuple(
                    e if e.msgid_plural is not None else dataclasses.replace(e, msgstr=e.msgid)
                    for e in catalogue.entries
                )
                save(path, dataclasses.replace(catalogue, entries=entries))
    assert not problems.errors, [d.format() for d in problems.errors][:3]
    return ids


class PeakMemory:
    """The largest total resident memory of a process and its children, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            with contextlib.suppress(OSError):
                todo += [
                    int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                ]
        return pids

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            total = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def packager(project: Path, *args: str, memory: bool = False) -> tuple[float, dict[str, Any], int]:
    """Run ``packager build ARGS --json``; its time, report and (``memory``) the peak memory of
    its whole process tree. Sampling takes CPU from the build, so timed runs do not sample."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "build", "--json", "-q", *args],
        cwd=project,
        env=user_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = PeakMemory(process.pid) if memory else None
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop() if sampler is not None else 0
    if process.returncode != 0:
        raise SystemExit(f"packager build {' '.join(args)} failed:\n{err}")
    return seconds, json.loads(out), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--pdf-courses", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="HTML builds per job count")
    parser.add_argument(
        "--noop-only",
        action="store_true",
        help="only the no-op rebuild (after one full build of every format)",
    )
    args = parser.parse_args()
    mib = 2**20
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        made = time.perf_counter()
        ids = make_catalogue(project, args.courses, args.pages)
        print(
            f"catalogue: {args.courses} courses x {args.pages} pages x {1 + len(LANGS)} languages "
            f"(generated in {time.perf_counter() - made:.0f} s)"
        )
        if args.noop_only:
            noop_rebuild(project, args.courses)
            return
        fast = ("--format", "html", "--format", "imscc")
        ones, twos = [], []
        for _ in range(args.repeat):  # alternated, so a slow spell of the machine hits both
            ones.append(packager(project, *fast, "--force", "-j", "1")[0])
            seconds, report, _ = packager(project, *fast, "--force", "-j", "2")
            twos.append(seconds)
        one, two = statistics.median(ones), statistics.median(twos)
        _, _, peak_one = packager(project, *fast, "--force", "-j", "1", memory=True)
        _, _, peak_two = packager(project, *fast, "--force", "-j", "2", memory=True)
        outputs = report["built"]
        print(
            f"\nHTML + cartridges ({outputs} outputs, median of {args.repeat})      seconds   outputs/s   peak MiB"
        )
        print(
            f"  1 job (baseline)                  {one:9.1f} {outputs / one:11.1f} {peak_one / mib:10.0f}"
        )
        print(
            f"  2 jobs                            {two:9.1f} {outputs / two:11.1f} {peak_two / mib:10.0f}"
        )
        verdict = "met" if one / two >= 1.8 else "NOT met"
        print(f"  speed-up {one / two:.2f}x (goal at least 1.80x on 2 cores: {verdict})")

        pdf_ids = tuple(ids[: args.pdf_courses])
        pdf = (*pdf_ids, "--format", "pdf", "--force")
        pdf_one, pdf_report, _ = packager(project, *pdf, "-j", "1")
        pdf_two, pdf_report, _ = packager(project, *pdf, "-j", "2")
        # Peak memory of PDF builds: a course's six books (one or two workers) is enough.
        one_course = (pdf_ids[0], "--format", "pdf", "--force")
        pdf_peak_one = packager(project, *one_course, "-j", "1", memory=True)[2]
        pdf_peak_two = packager(project, *one_course, "-j", "2", memory=True)[2]
        pdfs = pdf_report["built"]
        print(
            f"\nPDFs ({pdfs} books, {len(pdf_ids)} courses)              seconds   books/s    peak MiB*"
        )
        print(
            f"  1 job (baseline)                  {pdf_one:9.1f} {pdfs / pdf_one:11.2f} {pdf_peak_one / mib:10.0f}"
        )
        print(
            f"  2 jobs                            {pdf_two:9.1f} {pdfs / pdf_two:11.2f} {pdf_peak_two / mib:10.0f}"
        )
        print("  * peak memory while building one course's six books")
        verdict = "met" if pdf_one / pdf_two >= 1.8 else "NOT met"
        print(f"  speed-up {pdf_one / pdf_two:.2f}x (goal at least 1.80x on 2 cores: {verdict})")

        noop_rebuild(project, args.courses)

        po = catalogue_path(project, "fr", ids[0])
        text = po.read_text(encoding="utf-8")
        po.write_text(text.replace('msgstr "Page 1"', 'msgstr "Page un"', 1), encoding="utf-8")
        seconds, changed, _p = packager(project, *fast)
        rebuilt = [
            f"{o['course']} [{o['lang']}] {o['format']}"
            for o in changed["outputs"]
            if o["status"] == "built"
        ]
        print(f"\none .po changed ({po.relative_to(project)}): {seconds:.2f} s")
        print(f"  rebuilt {len(rebuilt)}: {', '.join(rebuilt)}; unchanged {changed['unchanged']}")
        print(
            f"\npeak memory of the whole build (all processes): {peak_two / mib:.0f} MiB for HTML + "
            f"cartridges with 2 jobs, {pdf_peak_two / mib:.0f} MiB for PDFs with 2 jobs"
        )


def noop_rebuild(project: Path, courses: int, repeat: int = 9) -> None:
    """``packager build`` as users run it (every format), then again with nothing changed:
    the no-op's median against ``python -c pass``, the two alternated."""
    seconds, report, _p = packager(project)
    print(f"\nfull build, every format: {report['built']} outputs in {seconds:.0f} s")

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=user_environment())

    def noop() -> None:
        _s, again, _p = packager(project)
        assert again["built"] == 0, again

    start, rebuild = alternated(repeat, bare, noop)
    outputs = report["built"]
    print(f"\nno-op rebuild of {courses} courses, {outputs} outputs   seconds (median of {repeat})")
    print(f"  python -c pass (baseline)         {start:9.3f}")
    print(
        f"  packager build                    {rebuild:9.3f}  ({rebuild / start:.1f}x bare start-up)"
    )
    print(f"  goal: median under 0.5 s: {'met' if rebuild < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
