"""Source files as text, and the rules for course and page names: what every reader of a
course's files shares (the course reader, its outline, the catalogues)."""

from __future__ import annotations

import re
from pathlib import Path

from packager.diagnostics import (
    Location,
    Problems,
)

RESERVED_PAGES = frozenset({"index", "credits"})

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

#: Page names may start with a digit (``01-basics``, as authors number their pages): every
#: output prefixes them where a letter must come first (``R_page_01-basics`` in a cartridge,
#: ``page-01-basics`` in the book), and HTML ids and file names accept a leading digit.
PAGE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MAX_SOURCE_BYTES = 20 * 1024 * 1024

COURSE_REQUIRED = (
    "id",
    "title",
    "description",
    "language",
    "license",
    "authors",
    "version",
    "hours",
    "outline",
)

COURSE_OPTIONAL = (
    "subtitle",
    "languages",
    "keywords",
    "updated",
    "forum_url",
    "cover",
    "outcomes",
    "media",
    "min_translated",
    "cc_version",
    "scorm",
    "wordpress_theme",
    "wenotes_tag",
)

PAGE_REQUIRED = ("title", "duration")

PAGE_OPTIONAL = ("kind", "objectives", "url", "forum_url")


def read_text(path: Path, shown: str, problems: Problems) -> str | None:
    """A source file as text: UTF-8, a byte-order mark dropped, line endings made ``\\n``."""
    try:
        if not path.is_file():
            problems.error(Location(shown), "not-a-file", "this is not a regular file")
            return None
        with path.open("rb") as handle:  # read no more than the limit, whatever the file is
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        problems.error(Location(shown), "unreadable", f"cannot read the file: {exc.strerror}")
        return None
    if len(data) > MAX_SOURCE_BYTES:
        problems.error(
            Location(shown), "too-large", f"the file is larger than {MAX_SOURCE_BYTES // 2**20} MiB"
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            Location(shown, line), "encoding", "the file is not valid UTF-8; save it as UTF-8"
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(Location(shown, line), "nul-byte", "the file contains a NUL byte")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
