"""Names that must hold on every system: no invisible characters, nothing Windows refuses.

Text may hold zero-width joiners and direction marks (some scripts need them), but a name or an id
must not: ``intro\\u200b`` looks exactly like ``intro``, and a right-to-left override makes
``cod\\u202egnp.svg`` show as ``codsvg.png``. A course written on Linux must also be checked out,
copied and unzipped on Windows, where ``aux.png`` or ``a:b.png`` cannot exist.
"""

from __future__ import annotations

import unicodedata

_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)}
)
_WINDOWS_FORBIDDEN = '<>:"|?*\\'
#: Unicode categories of characters that show as nothing or change the order of what follows.
_HIDDEN = frozenset({"Cf", "Cc", "Zl", "Zp"})


def hidden_character(text: str) -> str | None:
    """The first invisible or direction-changing character of ``text``, named, or None.

    Format characters (Unicode category Cf: zero-width spaces and joiners, bidi overrides and
    isolates, the byte-order mark), control characters and line or paragraph separators.
    """
    for char in text:
        if unicodedata.category(char) in _HIDDEN:
            return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER')}"
    return None


def visible(text: str) -> str:
    """``text`` with each hidden character written as ``\\uXXXX``, safe to print in a message."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN else c for c in text)


def windows_problem(path: str) -> str | None:
    """Why Windows cannot hold the file ``path`` (``/``-separated), or None."""
    for part in path.split("/"):
        forbidden = [c for c in _WINDOWS_FORBIDDEN if c in part]
        if forbidden:
            return f"{forbidden[0]!r} is not allowed in file names on Windows"
        if part.split(".", 1)[0].rstrip(" ").lower() in _WINDOWS_DEVICES:
            return f"{part!r} is a device name reserved by Windows"
        if part.endswith((".", " ")):
            return f"{part!r} ends with a dot or a space, which Windows drops"
    return None


def file_name_problem(path: str) -> str | None:
    """Why ``path`` is no safe name for a published file, or None."""
    hidden = hidden_character(path)
    if hidden is not None:
        return f"the file name holds an invisible or direction-changing character ({hidden})"
    return windows_problem(path)
