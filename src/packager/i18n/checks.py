"""Checks of each translation against its source text, as a reviewer would make them.

A translation must keep what the page needs to work: the same links (reference labels), images,
footnotes, inline code and HTML tags, the same placeholders in interface strings, and no new
blocks. Emphasis that does not match is only a warning: a language may stress other words, and a
translator comment ``# packager: ignore po-emphasis`` on the entry says it is meant.
Problems are reported at the ``.po`` file and line of the entry.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from packager.diagnostics import Location, Problems
from packager.i18n.catalogue import Catalogue, Entry
from packager.source.mdinline import parse_inline

_REF_LABEL = re.compile(r"(?<!\\)\]\[([^\]]+)\]")
_IMAGE = re.compile(r"(?<!\\)!\[")
_FOOTNOTE = re.compile(r"(?<!\\)\[\^([^\]]+)\]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")  # not autolinks (<https://...>)
#: A translator comment ``# packager: ignore po-emphasis`` says a warning was considered.
_IGNORE = re.compile(r"packager:\s*ignore\s+([\w-]+)")
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def _code_spans(text: str) -> Counter[str]:
    return Counter(t.content for t in parse_inline(text, {}) if t.type == "code_inline")


def _emphasis(text: str) -> Counter[str]:
    return Counter(
        t.type for t in parse_inline(text, {}) if t.type in ("em_open", "strong_open", "s_open")
    )


def _found(pattern: re.Pattern[str]) -> Callable[[str], Counter[str]]:
    return lambda text: Counter(pattern.findall(text))


def _tags(text: str) -> Counter[str]:
    return Counter(m.group(2).lower() for m in _TAG.finditer(text))


def _images(text: str) -> Counter[str]:
    return Counter({"image": len(_IMAGE.findall(text))})


def _differences(
    name: str, count: Callable[[str], Counter[str]], source_text: str, text: str, show: str
) -> str | None:
    """What the translation drops and adds of what ``count`` finds, or None when they agree."""
    source, translation = count(source_text), count(text)
    if source == translation:
        return None
    missing = sorted((source - translation).elements())
    extra = sorted((translation - source).elements())
    parts = []
    if missing:
        parts.append("drops " + ", ".join(show.format(m) for m in missing))
    if extra:
        parts.append("adds " + ", ".join(show.format(e) for e in extra))
    return f"the translation {' and '.join(parts)} ({name})"


def _autolinks(text: str) -> Counter[str]:
    """Links written as their address (``<https://...>``, ``<x@y.org>``; bare URLs if linkify)."""
    return Counter(
        str(t.attrs.get("href", ""))
        for t in parse_inline(text, {})
        if t.type == "link_open" and t.markup in ("autolink", "linkify")
    )


def _links(text: str) -> tuple[Counter[str], Counter[str]]:
    """Reference labels used (``[..][1]``) and the URLs of links written out (``[..](url)``).

    A link with a title is written out in the message (``[..](url "title")``) so that its title
    can be translated; only its URL counts here.
    """
    written = Counter(
        str(t.attrs.get("href", ""))
        for t in parse_inline(text, {})
        if t.type == "link_open" and t.markup not in ("autolink", "linkify")
    )
    return Counter(_REF_LABEL.findall(text)), written


def _link_problem(source: str, text: str) -> str | None:
    """A translation keeps every link: by its label or URL, or written out to localise the URL.

    A link written as its address (an autolink) has nothing to translate: it stays as it is.
    """
    autolinks = _differences("links", _autolinks, source, text, "<{}>")
    if autolinks:
        return autolinks
    labels, written = _links(source)
    used, inline = _links(text)
    unknown = sorted((used - labels).elements())
    if unknown:
        return f"the translation uses {', '.join(f'[{u}]' for u in unknown)}, which the source does not have (links)"
    dropped = [f"[{d}]" for d in sorted((labels - used).elements())]
    dropped += [f"({d})" for d in sorted((written - inline).elements())]
    added = sum((inline - written).values())
    if len(dropped) > added:
        return f"the translation drops {', '.join(dropped)} (links)"
    if len(dropped) < added:
        return "the translation adds a link (links)"
    return None


def check_entry(
    entry: Entry, path: str, problems: Problems, *, markdown: bool | None = None
) -> None:
    """Compare one translated entry with its source text.

    ``markdown``: whether the entry is Markdown (course text); by default its ``md-text`` flag
    says, but GNU tools drop that flag, so course catalogues pass True. Fuzzy entries are not
    checked (they are not used, as ``msgfmt --check`` does not check them either).
    """
    if not entry.msgstr or entry.obsolete or entry.fuzzy:
        return
    is_markdown = "md-text" in entry.flags if markdown is None else markdown
    where = Location(path, entry.msgstr_line or entry.line)
    source, text = entry.msgid, entry.msgstr
    tags = _differences("HTML tags", _tags, source, text, "<{}>")
    checks: list[tuple[str, str | None]] = [
        (
            "po-placeholders",
            _differences("placeholders", _found(_PLACEHOLDER), source, text, "{}"),
        ),
        ("po-html", tags),
    ]
    if not is_markdown and not _formats(text, source):
        checks.append(
            (
                "po-format",
                "a lone % in the translation breaks formatting; write %% for a percent sign",
            )
        )
    if is_markdown:
        checks += [
            ("po-links", _link_problem(source, text)),
            (
                "po-images",
                _differences("images", _images, source, text, "{}"),
            ),
            (
                "po-footnotes",
                _differences("footnotes", _found(_FOOTNOTE), source, text, "[^{}]"),
            ),
            (
                "po-code",
                _differences("inline code must stay as it is", _code_spans, source, text, "`{}`"),
            ),
        ]
        if "\n\n" in text.strip() and "\n\n" not in source:
            checks.append(
                (
                    "po-new-block",
                    "the translation has a blank line, which would start a new paragraph",
                )
            )
    for code, message in checks:
        if message:
            problems.error(where, code, message)
    ignored = {code for comment in entry.comments for code in _IGNORE.findall(comment)}
    if is_markdown and "po-emphasis" not in ignored:
        message = _differences("emphasis", _emphasis, source, text, "{}")
        if message:
            message = (
                message.replace("em_open", "*emphasis*")
                .replace("strong_open", "**strong**")
                .replace("s_open", "~~strike~~")
                .replace(" (emphasis)", "")
            )
            problems.warning(where, "po-emphasis", f"{message}; check that the stress is meant")


def _formats(text: str, source: str) -> bool:
    """Whether ``text`` takes ``%`` formatting with the source's placeholders, as Jinja applies it."""
    names = dict.fromkeys(re.findall(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)", source), "")
    # Jinja's newstyle gettext formats every interface string, with values or without.
    try:
        text % names
    except (ValueError, TypeError, KeyError):
        return False
    return True


def check_catalogue(
    catalogue: Catalogue, path: str, problems: Problems, *, markdown: bool | None = None
) -> None:
    for entry in catalogue.active:
        check_entry(entry, path, problems, markdown=markdown)
