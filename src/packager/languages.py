"""Language codes: BCP 47 tags as authors write them, checked and described with Babel."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global


@functools.cache
def locale_for(tag: str) -> Locale | None:
    """The Babel locale for a BCP 47 tag (``pt-BR``, ``zh-Hans``), or None when unknown."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def canonical(tag: str) -> str:
    """``zh-hans`` -> ``zh-Hans``, ``DE`` -> ``de``, ``pt_br`` -> ``pt-BR``: BCP 47's usual case.

    Tags are case-insensitive, but file names, ``lang`` attributes and catalogue folders compare
    them as text: one spelling everywhere keeps ``zh-hans`` in course.yaml from missing the
    catalogue in ``locales/zh_Hans``. Only case and separators change (RFC 5646, 2.1.1).
    """
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())  # region
        else:
            out.append(part.lower())
    return "-".join(out)


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


def script_of(tag: str) -> str | None:
    """The script a language is written in, explicit or likely (``zh`` -> ``Hans``)."""
    locale = locale_for(tag)
    if locale is None:
        return None
    if locale.script:
        return str(locale.script)
    likely = get_global("likely_subtags")
    for key in (str(locale), locale.language):
        full = likely.get(key)
        if full:
            parts = full.split("_")
            scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
            if scripts:
                return str(scripts[0])
    return None


def fallback_chain(tag: str) -> list[str]:
    """``pt-BR`` -> ``[pt-BR, pt]``; never across scripts (``zh-Hant`` does not fall back to ``zh``)."""
    script = script_of(tag)
    parts = tag.replace("_", "-").split("-")
    chain = []
    while parts:
        candidate = "-".join(parts)
        if locale_for(candidate) is None or script_of(candidate) != script:
            break
        chain.append(candidate)
        parts.pop()
    return chain or [tag]
