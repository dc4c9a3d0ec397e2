"""Language codes: BCP 47 tags as authors write them, checked and described with Babel."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError


@functools.cache
def locale_for(tag: str) -> Locale | None:
    """The Babel locale for a BCP 47 tag (``pt-BR``, ``zh-Hans``), or None when unknown."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def is_known(tag: str) -> bool:
    return locale_for(tag) is not None


def direction(tag: str) -> str:
    """``rtl`` or ``ltr``."""
    locale = locale_for(tag)
    return "rtl" if locale is not None and locale.text_direction == "rtl" else "ltr"


@functools.cache
def native_name(tag: str) -> str:
    """The language's name in itself (``français``, ``العربية``), for the language switcher."""
    locale = locale_for(tag)
    name = locale.get_display_name(locale) if locale is not None else None
    return name or tag
