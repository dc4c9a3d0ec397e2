"""Dates, numbers and durations written the way each language writes them (Babel's CLDR data)."""

from __future__ import annotations

import datetime as dt
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
            parts.append(format_unit(hours, "duration-hour", length="long", locale=self.locale))
        if minutes or not hours:
            parts.append(format_unit(minutes, "duration-minute", length="long", locale=self.locale))
        return " ".join(parts)

    def hours(self, value: float) -> str:
        return format_unit(value, "duration-hour", length="long", locale=self.locale)

    def date(self, value: dt.date) -> str:
        return format_date(value, "long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)
