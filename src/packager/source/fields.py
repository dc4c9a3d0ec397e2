"""Typed readers over :class:`~packager.source.yamlsource.YamlNode` values, reporting located errors.

Each reader returns the value or None after reporting why it could not; callers keep going so that
one run reports every problem in a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection
from urllib.parse import urlsplit

from packager.diagnostics import Location, Problems
from packager.source.yamlsource import YamlNode

_INT_RE = re.compile(r"^[0-9]+$")
_SIGNED_NUMBER_RE = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def suggest(word: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(
    node: YamlNode,
    problems: Problems,
    *,
    what: str,
    required: Collection[str],
    optional: Collection[str],
) -> bool:
    """Check that ``node`` is a mapping with the required keys and no unknown ones.

    Returns False (after reporting) when ``node`` is not a mapping at all.
    """
    if node.kind != "map":
        problems.error(
            node.location, "type", f"{what} must be a mapping of keys, not {node.type_name}"
        )
        return False
    known = set(required) | set(optional)
    present = {key.text for key, _ in node.pairs}
    # A misspelt required key is one mistake: said once, at the misspelling, not again as a
    # missing key at the top of the mapping.
    meant: set[str] = set()
    for key, _value in node.pairs:
        if key.text not in known:
            close = difflib.get_close_matches(key.text, sorted(known), n=1, cutoff=0.6)
            meant.update(close)
            problems.error(
                key.location,
                "unknown-key",
                f"unknown key {key.text!r} in {what}{suggest(key.text, known)}",
            )
    for name in required:
        if name not in present and name not in meant:
            problems.error(node.location, "missing-key", f"{what} needs the key {name!r}")
    return True


def read_str(node: YamlNode | None, problems: Problems, name: str) -> str | None:
    """A non-empty single-line or multi-line text value."""
    if node is None:
        return None
    # Any scalar is text here: `language: no` is Norwegian, not false.
    if node.kind != "scalar" or node.is_null:
        problems.error(node.location, "type", f"{name!r} must be text, not {node.type_name}")
        return None
    value = node.text.strip()
    if not value:
        problems.error(node.location, "empty", f"{name!r} must not be empty")
        return None
    return value


def read_int(
    node: YamlNode | None, problems: Problems, name: str, *, minimum: int = 0
) -> int | None:
    """A whole number at least ``minimum``."""
    if node is None:
        return None
    text = node.text.strip()
    if node.kind != "scalar" or node.quoted or not _SIGNED_NUMBER_RE.match(text):
        problems.error(
            node.location, "type", f"{name!r} must be a whole number, not {node.type_name}"
        )
        return None
    if not _INT_RE.match(text.lstrip("-+")) or "." in text:
        problems.error(node.location, "type", f"{name!r} must be a whole number, like 10")
        return None
    value = int(text)
    if value < minimum:
        problems.error(node.location, "range", f"{name!r} must be at least {minimum}")
        return None
    return value


def read_number(node: YamlNode | None, problems: Problems, name: str) -> float | None:
    """A number greater than zero, such as ``3`` or ``1.5``."""
    if node is None:
        return None
    text = node.text.strip()
    if node.kind != "scalar" or node.quoted or not _SIGNED_NUMBER_RE.match(text):
        problems.error(node.location, "type", f"{name!r} must be a number, not {node.type_name}")
        return None
    value = float(text)
    if value <= 0:
        problems.error(node.location, "range", f"{name!r} must be more than 0")
        return None
    return value


def read_str_list(node: YamlNode | None, problems: Problems, name: str) -> tuple[str, ...]:
    """A list of texts; a single text is not accepted, so typos in list syntax are caught."""
    if node is None:
        return ()
    if node.kind != "seq":
        problems.error(node.location, "type", f"{name!r} must be a list, not {node.type_name}")
        return ()
    values = (read_str(item, problems, f"{name} item") for item in node.items)
    return tuple(v for v in values if v is not None)


def read_url(node: YamlNode | None, problems: Problems, name: str) -> str | None:
    """An absolute http(s) or mailto URL."""
    value = read_str(node, problems, name)
    if value is None or node is None:
        return None
    if not is_web_url(value):
        problems.error(
            node.location, "invalid-url", f"{name!r} must be an http:// or https:// URL: {value!r}"
        )
        return None
    return value


def is_web_url(value: str) -> bool:
    """True for absolute http and https URLs with a host."""
    parts = urlsplit(value)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(ch.isspace() for ch in value)
    )


def read_date(node: YamlNode | None, problems: Problems, name: str) -> dt.date | None:
    """An ISO date, ``2026-11-27``."""
    if node is None:
        return None
    try:
        return dt.date.fromisoformat(node.text.strip()) if node.kind == "scalar" else None
    except ValueError:
        pass
    problems.error(node.location, "type", f"{name!r} must be a date written 2026-11-27")
    return None


def start_of(node: YamlNode | None, fallback: Location) -> Location:
    """Where ``node`` starts, or ``fallback`` when the key is missing."""
    return node.location if node is not None else fallback
