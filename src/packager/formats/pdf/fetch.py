"""What the book may fetch while WeasyPrint lays it out: the course's own media and data: URLs,
nothing else (a confined fetcher), the print stylesheets parsed once per worker, and a refused
address located where it is written."""

from __future__ import annotations

import functools
import logging
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Severity,
)

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint.urls import URLFetcher


ROOT = "file:///__course__/"


def fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:///__course__/media/...`` from the course's media and ``data:`` URIs;
        refuses everything else (http, https, other files, ``..``, links out) and records it."""

        def __init__(
            self,
            media: Path,
            extra: dict[str, bytes],
            shape: Callable[[str, bytes], bytes] | None = None,
        ) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.media = media.resolve()
            self.extra = extra
            self.shape = shape  # what a media file becomes as it is served (SVG text shaped)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(ROOT):
                name = unquote(urlsplit(url).path.removeprefix("/__course__/"))
                if name in self.extra:
                    return URLFetcherResponse(
                        url, body=self.extra[name], headers={"Content-Type": _mime(name)}
                    )
                if name.startswith("media/"):
                    target = (self.media.parent / name).resolve()
                    if target.is_relative_to(self.media) and target.is_file():
                        body = target.read_bytes()
                        if self.shape is not None:
                            body = self.shape(name, body)
                        return URLFetcherResponse(
                            url, body=body, headers={"Content-Type": _mime(name)}
                        )
            self.refused.append(url)
            raise ValueError(f"refused by the packager's confined fetcher: {url}")

    return ConfinedFetcher


def _mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@functools.cache
def stylesheet(css_text: str, media: Path, where: str) -> tuple[Any, Any]:
    """The parsed print stylesheet and its font configuration, once per process and stylesheet
    (every course on the packager's own stylesheet shares one). A course may bring its own
    stylesheet: its ``@import`` and ``@font-face`` go through the confined fetcher too, and its
    fonts stay in its own font configuration, out of other courses' PDFs."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = fetcher_class()(media, {})
    css = CSS(string=css_text, base_url=ROOT, font_config=fonts, url_fetcher=fetcher)
    if fetcher.refused:
        refused = sorted(set(fetcher.refused))
        raise InputError([refusal(url, where, css_text) for url in refused])
    return css, fonts


# An address in a stylesheet: url(x), url("x"), or @import "x".
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))|@import\s+(?:"([^"]*)"|'([^']*)')"""
)


def locate(url: str, where: str, text: str) -> Location | None:
    """Where in ``text`` (the file at ``where``) the address ``url`` is written, as written
    (``../x.png``) or as fetched (``file:///x.png``, resolved against the book's root)."""
    from urllib.parse import urljoin

    for match in _CSS_URL.finditer(text):
        group = next(g for g in range(1, 6) if match.group(g) is not None)
        raw = match.group(group)
        if url in (raw, urljoin(ROOT, raw.strip())):
            offset = match.start(group)
            line = text.count("\n", 0, offset) + 1
            return Location(where, line, offset - text.rfind("\n", 0, offset))
    offset = text.find(url)
    if offset < 0:
        return None
    line = text.count("\n", 0, offset) + 1
    return Location(where, line, offset - text.rfind("\n", 0, offset))


def refusal(url: str, where: str = "templates", text: str = "") -> Diagnostic:
    """``text``, when given, is the file at ``where``: the message points at the address in it."""
    return Diagnostic(
        locate(url, where, text) or Location(where),
        Severity.ERROR,
        "pdf-fetch",
        f"the PDF may use only the course's own files, not {url}",
    )


class LogProblems(logging.Handler):
    """WeasyPrint reports an image it cannot load only in its log: keep those as problems."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Failed to load" in message or "Failed to read" in message:
            self.messages.append(message)
