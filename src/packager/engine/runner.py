"""The build engine: plan the outputs, skip the unchanged, run the rest on every core.

The main process stays light: it hashes the inputs of each course (``digests``) and compares
them with what the previous build recorded (``buildstate``); a course whose inputs did not
change is not even loaded. Changed courses go to a pool of worker processes
(:mod:`concurrent.futures`), one :class:`~packager.engine.jobs.CourseJob` each, and the outputs of slow
formats (the PDFs) follow as separate jobs so they spread over every worker. A job that fails (bad
input, a dead worker) fails alone; the others carry on. Every output is written atomically
(``output``), so an interrupted build leaves each output whole: the old one or the new one.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from packager.diagnostics import Diagnostic, Location, Severity
from packager.engine.jobs import (
    CourseJob,
    CourseOutcome,
    RenderJob,
    forget,
    run_alone,
    run_course,
)
from packager.engine.options import BuildOptions
from packager.engine.plan import in_shard, make_plans, split, unchanged
from packager.engine.results import Known, Result, language_of
from packager.engine.state import BuildState, OutputRecord, locked
from packager.engine.worker import start_worker
from packager.formats.registry import selected
from packager.output import interrupts_held, recover

Event = Callable[[str, int, int], None]  # (what is in hand, done, total)


@dataclass
class Report:
    """What a build did: every planned output's result, the warnings, the time it took."""

    results: list[Result] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)  # not about one output
    bugs: list[str] = field(default_factory=list)  # tracebacks of jobs that crashed
    removed: list[str] = field(default_factory=list)  # outputs of what is no longer published
    seconds: float = 0.0
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    def errors_found(self) -> set[Diagnostic]:
        """Every error: the failed outputs' and the build's own (jobs of a course repeat some)."""
        return {d for r in self.failed for d in r.errors} | set(self.errors)

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem to show, errors and warnings, once each, in file order."""
        return sorted(self.errors_found() | set(self.warnings), key=lambda d: d.sort_key())


def run(options: BuildOptions, on_event: Event | None = None) -> Report:
    """Build what the options ask for; see the module's docstring."""
    started = time.perf_counter()
    report = Report()
    out = options.out
    with locked(out), _terminate_like_interrupt():
        recover(out)
        state = BuildState.read(out)
        plans = make_plans(options)
        total = sum(len(p.outputs) for p in plans)
        todo: list[CourseJob] = []
        for plan in plans:
            done = None if options.force else unchanged(plan, state, out)
            if done is not None:
                report.results.extend(done)
                report.warnings.extend(state.warnings.get(plan.course, ()))
                continue
            known = tuple(
                ((lang, fmt), Known(r.digest, r.stamp))
                for (course, lang, fmt), r in state.outputs.items()
                if course == plan.course and r.status == "built"
            )
            todo.extend(
                CourseJob(options, plan.course, plan.base, plan.level, outputs, known)
                for outputs in split(plan, options.jobs, len(plans))
            )
        levels = {p.course: p.level for p in plans}
        if on_event is not None:
            on_event("", len(report.results), total)
        try:
            for item in _execute(todo, options.jobs, report, total, on_event):
                if isinstance(item, CourseOutcome):  # jobs of one course repeat its warnings
                    report.warnings.extend(d for d in item.warnings if d not in report.warnings)
                    if item.languages:  # a course that failed keeps what its last build said
                        state.warnings[item.course] = _warnings(state, item, options)
                        state.languages[item.course] = item.languages
                    results: tuple[Result, ...] = item.results
                else:
                    results = (item,)
                for result in results:
                    before = state.outputs.get((result.course, result.lang, result.format))
                    if result.status == "unpublished" and before is not None:
                        _remove(out, before, report)  # fell below the course's gate
                    state.record(result, levels[result.course])
            _prune_stale(options, state, report)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            recover(out)  # what killed workers left behind
            _bookkeeping(report, out, lambda: state.write(out))
        report.results.sort(key=lambda r: (r.course, r.lang, r.format))
        report.seconds = time.perf_counter() - started
        if not report.interrupted:
            from packager.engine.catalogue_page import write_catalogue

            courses = {r.course for r in report.results}
            try:
                _bookkeeping(report, out, lambda: write_catalogue(options, state, courses))
            except KeyboardInterrupt:  # each page is whole; nothing half-written may stay
                report.interrupted = True
                recover(out)
    return report


def _warnings(
    state: BuildState, outcome: CourseOutcome, options: BuildOptions
) -> tuple[Diagnostic, ...]:
    """What the state keeps of a course's warnings: this build's, and, when it built only some
    languages, what the last build said of the others' catalogues (not read again now)."""
    if not options.langs and options.shard == (1, 1):
        return tuple(outcome.warnings)
    here = {r.lang for r in outcome.results}
    kept = [
        w
        for w in state.warnings.get(outcome.course, ())
        if language_of(w) not in (None, *here) and w not in outcome.warnings
    ]
    return tuple(sorted([*outcome.warnings, *kept], key=lambda d: d.sort_key()))


def _prune_stale(options: BuildOptions, state: BuildState, report: Report) -> None:
    """Remove the outputs of languages and courses that no longer exist, after a whole build.

    Only what the state says this folder's builds wrote, only for a build of every course and
    language (of this shard), and never for a course that failed: a typo in ``course.yaml``
    must not take its sites down.
    """
    if options.courses or options.langs or report.interrupted:
        return
    failed = {r.course for r in report.failed}
    seen = {(r.course, r.lang) for r in report.results}
    for (course, lang, fmt), record in list(state.outputs.items()):
        if course in failed or fmt not in selected(options.formats) or (course, lang) in seen:
            continue
        if in_shard(course, lang, options.shard):
            _remove(options.out, record, report)
            del state.outputs[(course, lang, fmt)]


def _remove(out: Path, record: OutputRecord, report: Report) -> None:
    """Delete an output a build wrote (the state's record says where), and its empty folders."""
    if not record.path or record.status != "built":
        return
    relative = Path(record.path)
    if relative.is_absolute() or ".." in relative.parts:
        return  # a state file someone edited: never delete outside the output folder
    target = out / relative
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
    elif target.exists() or target.is_symlink():
        target.unlink(missing_ok=True)
    else:
        return
    report.removed.append(record.path)
    for parent in target.parents:
        if parent == out or not parent.is_relative_to(out):
            break
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break


def _bookkeeping(report: Report, out: Path, write: Callable[[], None]) -> None:
    """Write the state or the catalogue page; a failure (a full disk) is an error, not a crash."""
    try:
        write()
    except OSError as exc:
        message = f"cannot write the build's records: {exc.strerror or exc}"
        report.errors.append(
            Diagnostic(Location(str(out)), Severity.ERROR, "write-failed", message)
        )


def _execute(
    jobs: list[CourseJob], workers: int, report: Report, total: int, on_event: Event | None
) -> Iterator[CourseOutcome | Result]:
    """Run the course jobs, then the render jobs they ask for; yield each outcome as it comes."""
    if workers <= 0:
        forget()  # this process may have built before, from files since changed
        for course_job in jobs:
            yield from _in_process(course_job, report, total, on_event)
        return
    pending: dict[Future[CourseOutcome | Result], CourseJob | RenderJob] = {}
    lost: list[CourseJob | RenderJob] = []  # in a pool that broke: to run again
    suspects: list[CourseJob | RenderJob] = []  # lost twice: each runs alone, to find the culprit
    losses: dict[CourseJob | RenderJob, int] = {}
    with _pool(workers) as pool_holder:

        def submit(job: CourseJob | RenderJob) -> None:
            fn: Callable[..., CourseOutcome | Result] = (
                run_course if isinstance(job, CourseJob) else run_alone
            )
            try:
                with interrupts_held():  # the first submit forks the workers
                    pending[pool_holder[0].submit(fn, job)] = job
            except BrokenProcessPool:
                lost.append(job)

        for course_job in jobs:
            submit(course_job)
        while pending or lost or suspects:
            if lost:
                # A worker died (killed, out of memory): every job then in its pool is lost, and
                # nothing says which one killed it. Each gets a second run in a new pool; a job
                # lost twice runs alone, where a death can only be its own.
                lost += pending.values()
                pending.clear()
                pool_holder[0].shutdown(wait=True, cancel_futures=True)
                pool_holder[0] = _new_pool(workers)
                again, lost[:] = list(lost), []
                for job in again:
                    losses[job] = losses.get(job, 0) + 1
                    (suspects.append if losses[job] > 1 else submit)(job)
                continue
            if not pending:
                yield from _alone(suspects.pop(0), report, submit)
                continue
            if on_event is not None:
                on_event(_in_hand(pending.values()), len(report.results), total)
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                job = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(job)
                    continue
                except Exception as exc:  # a bug: its job fails, the others go on
                    yield from _bug(job, exc, report)
                    continue
                yield from _take(outcome, report, submit)


def _alone(
    job: CourseJob | RenderJob, report: Report, submit: Callable[[RenderJob], None]
) -> Iterator[CourseOutcome | Result]:
    """Run a suspect in a pool of its own: if its worker dies, it is the one that kills it."""
    fn: Callable[..., CourseOutcome | Result] = (
        run_course if isinstance(job, CourseJob) else run_alone
    )
    with _pool(1) as holder:
        with interrupts_held():
            future = holder[0].submit(fn, job)
        try:
            outcome = future.result()
        except BrokenProcessPool:
            yield from _crashed(job, "the worker process building it died", report)
            return
        except Exception as exc:
            yield from _bug(job, exc, report)
            return
    yield from _take(outcome, report, submit)


def _bug(job: CourseJob | RenderJob, exc: Exception, report: Report) -> Iterator[Result]:
    """A bug in one job: it fails with the traceback kept for the report; the others go on."""
    remote = exc.__cause__ if exc.__cause__ is not None else exc
    report.bugs.append("".join(traceback.format_exception(remote)))
    yield from _crashed(job, f"internal error: {type(exc).__name__}: {exc}", report)


def _take(
    outcome: CourseOutcome | Result, report: Report, submit: Callable[[RenderJob], None]
) -> Iterator[CourseOutcome | Result]:
    if isinstance(outcome, CourseOutcome):
        for job in outcome.later:
            submit(job)
        report.results.extend(outcome.results)
    else:
        report.results.append(outcome)
    yield outcome


def _in_process(
    job: CourseJob, report: Report, total: int, on_event: Event | None
) -> Iterator[CourseOutcome | Result]:
    if on_event is not None:
        on_event(job.course, len(report.results), total)
    outcome = run_course(job)
    report.results.extend(outcome.results)
    yield outcome
    for alone in outcome.later:
        if on_event is not None:
            on_event(f"{alone.course} [{alone.lang}] {alone.format}", len(report.results), total)
        result = run_alone(alone)
        report.results.append(result)
        yield result


def _crashed(job: CourseJob | RenderJob, message: str, report: Report) -> Iterator[Result]:
    where = Location(f"courses/{job.course}")
    error = (Diagnostic(where, Severity.ERROR, "job-failed", message),)
    pairs = job.outputs if isinstance(job, CourseJob) else ((job.lang, job.format),)
    for lang, fmt in pairs:
        result = Result(job.course, lang, fmt, "failed", errors=error)
        report.results.append(result)
        yield result


def _in_hand(jobs: Iterable[CourseJob | RenderJob]) -> str:
    """The progress bar's text: the jobs the workers hold (the first few)."""
    names = [
        f"{j.course} [{j.lang}] {j.format}" if isinstance(j, RenderJob) else j.course for j in jobs
    ]
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "")


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # fork: workers start at once and inherit the little the main process has imported.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=start_worker,
    )


@contextmanager
def _pool(workers: int) -> Iterator[list[ProcessPoolExecutor]]:
    holder = [_new_pool(workers)]
    try:
        yield holder
    except BaseException:
        # Ctrl-C or a bug: stop the workers now. Their unfinished writes are temporary files,
        # which ``recover`` removes; every finished output is complete.
        for process in list(getattr(holder[0], "_processes", {}).values()):
            process.terminate()
        holder[0].shutdown(wait=True, cancel_futures=True)
        raise
    holder[0].shutdown(wait=True)


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a CI job cancelled) stops a build as cleanly as Ctrl-C does."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
