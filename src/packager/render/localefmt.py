"""Dates, numbers and durations written the way each language writes them (Babel's CLDR data)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.units import format_unit

from packager import languages


@dataclass(frozen=True)
class LocaleFormat:
    """Formatting for one language; templates reach it as ``fmt``."""

    lang: str

    @property
    def locale(self) -> Locale:
        locale = languages.locale_for(self.lang)
        return locale if locale is not None else Locale("en")

    def minutes(self, value: int) -> str:
        """``15 minutes``, or hours and minutes past an hour (``1 hour 30 minutes``)."""
        hours, minutes = divmod(value, 60)
        parts = []
        if hours:
            parts.append(_unit(self.lang, hours, "duration-hour"))
        if minutes or not hours:
            parts.append(_unit(self.lang, minutes, "duration-minute"))
        return " ".join(parts)

    def hours(self, value: float) -> str:
        return _unit(self.lang, value, "duration-hour")

    def date(self, value: dt.date) -> str:
        return format_date(value, "long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)


@functools.lru_cache(maxsize=4096)
def _unit(lang: str, value: float, unit: str) -> str:
    """Cached: every page of a site prints the same few durations."""
    return format_unit(value, unit, length="long", locale=LocaleFormat(lang).locale)
