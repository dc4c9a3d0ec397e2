"""What rendering a document depends on besides its tokens (:class:`RenderContext`: the language's
gettext, image sizes, where media and pages are), and the interface words the renderer uses
(box titles, question hints), marked for ``ui.pot``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, unquote, urlsplit

from packager.source.document import WEB_SCHEMES
from packager.source.model import MediaCredit


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction into ``ui.pot`` without translating it here."""
    return message


FALLBACK_NOTE = N_("%(language)s: not translated yet")

BOX_TITLES: dict[str, str] = {
    "objectives": N_("Objectives"),
    "key-points": N_("Key points"),
    "activity": N_("Activity"),
    "reflection": N_("Reflection"),
    "definition": N_("Definition"),
    "reading": N_("Reading"),
    "case-study": N_("Case study"),
    "note": N_("Note"),
    "summary": N_("Summary"),
    "discussion": N_("Discussion"),
}

QUESTION_HINTS: dict[str, str] = {
    "single-choice": N_("Choose one answer."),
    "multiple-response": N_("Choose every correct answer."),
    "true-false": N_("True or false?"),
    "short-answer": N_("Type your answer."),
}


@dataclass(frozen=True)
class RenderContext:
    """What the renderer needs besides the tokens.

    ``image_sizes`` maps ``media/...`` paths to intrinsic sizes; ``credit_for`` gives a media
    file's credit (path relative to ``media/``); ``show_credits`` puts credits under figures.
    """

    gettext: Callable[[str], str]
    image_sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    credit_for: Callable[[str], MediaCredit] | None = None
    show_credits: bool = True
    source_lang: str = "en"
    source_dir: str = "ltr"
    localized_media: Mapping[str, str] = field(default_factory=dict)
    media_prefix: str = ""
    page_prefix: str = ""
    media_names: Mapping[str, str] = field(default_factory=dict)
    questions: bool = True
    book_page: str | None = None  # in a book (the PDF), the page this part of the book is
    page_links: bool = True  # False: links to pages become plain text (where an LMS breaks them)
    page_fragments: bool = True  # False: links to pages drop #anchors (an LMS cannot resolve them)
    # In a book, the note after each passage left in the source language (paper has no hover
    # and no preview colours): FALLBACK_NOTE translated, with the language's name in it.
    fallback_note: str = ""

    def anchor(self, name: str) -> str:
        """An id on the page: in a book, many pages share one document, so ids carry the page's."""
        return f"{self.book_page}--{name}" if self.book_page else name

    def media_url(self, name: str) -> str:
        """Where ``media/...`` is from the page being written: language version, renamed file
        (``media_names``, for cartridges' safe paths) and folder prefix applied."""
        name = self.localized_media.get(name, name)
        return self.media_prefix + quote(self.media_names.get(name, name))

    def href(self, href: str) -> str:
        """The href to write: a page's ``.md`` is its ``.html``, media go where they are put,
        unsafe schemes become ``#``."""
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if scheme:
            return href if scheme in WEB_SCHEMES else "#"
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if self.book_page is not None and (not parts.path or parts.path.endswith(".md")):
            page = parts.path[:-3] if parts.path else self.book_page
            return f"#{page}--{parts.fragment}" if parts.fragment else f"#page-{page}"
        if parts.path.endswith(".md") and "/" not in parts.path:
            fragment = fragment if self.page_fragments else ""
            return self.page_prefix + parts.path[:-3] + ".html" + fragment
        if parts.path.startswith("media/"):
            return self.media_url(unquote(parts.path)) + fragment
        return href

    def fallback(self, html: str) -> str:
        """``html`` marked as text left in the source language."""
        marked = f'<span lang="{self.source_lang}" dir="{self.source_dir}" class="fallback">{html}</span>'
        if self.fallback_note:
            marked += f' <small class="fallback-note">({escape(self.fallback_note)})</small>'
        return marked


def alternatives(answer: str) -> list[str]:
    """An accepted answer may list spellings separated by ``|`` (useful in translations)."""
    return [part.strip() for part in answer.split("|") if part.strip()] or [answer.strip()]


def fill(template: str, **values: str) -> str:
    """Put ``values`` into ``{name}`` slots; unlike ``str.format``, a translator's stray brace
    or ``{name.attr}`` is left as text, never evaluated or fatal."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
