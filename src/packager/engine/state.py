"""What the last build of an output folder made, kept in ``<out>/.packager/state.json``.

For each output: the digest of its inputs, the digest of its course's inputs at the time
(``level``), and a stamp of the file or folder written (inode, time, size), so that an output
replaced or removed by hand since is rebuilt. Warnings and language facts are kept per course
so a build that skips a course still prints its warnings and still lists it on the catalogue
page. The file is written atomically, and a lock keeps two builds out of one folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packager.diagnostics import Diagnostic, InputError, Location, Severity
from packager.engine.results import LanguageFacts, Result, Stamp
from packager.output import write_file

_VERSION = 1
Key = tuple[str, str, str]  # course, lang, format


@dataclass(frozen=True)
class OutputRecord:
    status: str  # built or unpublished
    level: str
    path: str = ""
    digest: str = ""
    stamp: Stamp = ()
    size: int = 0


@dataclass
class BuildState:
    outputs: dict[Key, OutputRecord] = field(default_factory=dict)
    warnings: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    languages: dict[str, tuple[LanguageFacts, ...]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path) -> BuildState:
        """The recorded state; empty (everything rebuilds) when missing or unreadable."""
        try:
            data = json.loads((out / ".packager" / "state.json").read_text(encoding="utf-8"))
            if data.get("version") != _VERSION:
                return cls()
            return cls(
                {
                    (o["course"], o["lang"], o["format"]): OutputRecord(
                        o["status"],
                        o["level"],
                        o["path"],
                        o["digest"],
                        tuple(o["stamp"]),
                        o["size"],
                    )
                    for o in data["outputs"]
                },
                {c: tuple(diagnostic_from(d) for d in ds) for c, ds in data["warnings"].items()},
                {c: tuple(LanguageFacts(*f) for f in fs) for c, fs in data["languages"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def record(self, result: Result, level: str) -> None:
        key = (result.course, result.lang, result.format)
        if result.status in ("built", "unchanged"):
            self.outputs[key] = OutputRecord(
                "built", level, result.path, result.digest, result.stamp, result.size
            )
        elif result.status == "unpublished":
            self.outputs[key] = OutputRecord("unpublished", level)
        # failed: the old output stays with its record; its digest no longer matches the
        # inputs, so the next build tries again.

    def write(self, out: Path) -> None:
        data = {
            "version": _VERSION,
            "outputs": [
                {"course": c, "lang": lang, "format": f, **vars(r), "stamp": list(r.stamp)}
                for (c, lang, f), r in sorted(self.outputs.items())
            ],
            "warnings": {
                c: [plain_diagnostic(d) for d in ds] for c, ds in sorted(self.warnings.items())
            },
            "languages": {
                c: [list(vars(f).values()) for f in fs] for c, fs in sorted(self.languages.items())
            },
        }
        path, text = out / ".packager" / "state.json", json.dumps(data, indent=1).encode()
        if path.is_file() and path.read_bytes() == text:
            return  # a build that did nothing writes nothing
        if path.is_file() or self.outputs:
            write_file(path, text)


def plain_diagnostic(d: Diagnostic) -> list[object]:
    loc = d.location
    return [loc.path, loc.line, loc.col, d.severity.value, d.code, d.message]


def diagnostic_from(item: list[object]) -> Diagnostic:
    path, line, col, severity, code, message = item
    return Diagnostic(
        Location(str(path), int(str(line)), int(str(col))),
        Severity(severity),
        str(code),
        str(message),
    )


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock: a second build into the same folder is refused, not interleaved."""
    folder = out / ".packager"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / "lock").open("a")
    except OSError as exc:
        message = f"cannot use the output folder: {exc.strerror or exc}"
        raise InputError([Diagnostic(Location(str(out)), Severity.ERROR, "out", message)]) from None
    with handle:
        try:
            # A POSIX record lock: unlike flock, forked workers do not hold it too.
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                [
                    Diagnostic(
                        Location(str(out)),
                        Severity.ERROR,
                        "build-busy",
                        "another build is writing to this folder; wait for it to finish",
                    )
                ]
            ) from None
        yield
