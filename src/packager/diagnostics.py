"""Located problems in user input, gathered and reported together.

Every user-facing error in the packager is a :class:`Diagnostic`: a file, a 1-based line and
column, a severity, a short stable code that users can search for, and a message. Stages collect
them in a :class:`Problems` list and the command line prints them all at once, so an author fixes
every mistake in one pass instead of one per run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    """How serious a problem is. Warnings become errors with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: ``path`` relative to the project root, 1-based ``line`` and ``col``."""

    path: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the input."""

    location: Location
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        """The one-line form ``path:line:col: error[code]: message``."""
        loc = self.location
        return (
            f"{loc.path}:{loc.line}:{loc.col}: {self.severity.value}[{self.code}]: {self.message}"
        )

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)


@dataclass
class Problems:
    """A growing list of diagnostics; the one mutable object stages share while checking."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, code: str, message: str) -> None:
        self.items.append(Diagnostic(location, Severity.ERROR, code, message))

    def warning(self, location: Location, code: str, message: str) -> None:
        self.items.append(Diagnostic(location, Severity.WARNING, code, message))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def fails(self, strict: bool) -> bool:
        """Whether these problems must stop the build."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Problems in file order, each once."""
        return sorted(set(self.items), key=Diagnostic.sort_key)


class InputError(Exception):
    """Raised when user input cannot be used; carries the problems to print."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def display_path(path: Path, root: Path) -> str:
    """``path`` as users should see it: relative to the project root when inside it.

    Links are not followed, so a page that links elsewhere is still shown where it stands.
    """
    if ".." not in path.parts:
        try:
            return path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
