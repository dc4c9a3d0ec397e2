"""``SOURCE_DATE_EPOCH``, read in one place.

The reproducible-builds convention: a build dates what it makes (the ``POT-Creation-Date`` of
templates, the entries of a cartridge) from this variable instead of the clock. Every reader goes
through :func:`source_date`, so a bad value is one clear usage error for every command rather
than a traceback in one and a silent default in another.
"""

from __future__ import annotations

import datetime as dt
import os

NAME = "SOURCE_DATE_EPOCH"
#: 9999-12-31 23:59:59 UTC: the last second a date can hold.
LATEST = 253402300799


class SourceDateError(ValueError):
    """``SOURCE_DATE_EPOCH`` is set to something that is not a usable date (wrong usage)."""


def source_date() -> dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names, in UTC, or None when it is unset or empty."""
    value = os.environ.get(NAME, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LATEST:
        raise SourceDateError(
            f"{NAME}={value[:40]!r} is not a date packager can use: give a whole number of "
            f"seconds since 1970-01-01 00:00 UTC, from 0 to {LATEST} (9999-12-31), or unset it"
        )
    return dt.datetime.fromtimestamp(int(value), dt.UTC)
