"""A small client of the WordPress REST API (standard library only).

Routes go through ``?rest_route=``, which every WordPress answers whatever its permalinks.
Authentication is an application password (HTTP Basic); the password never appears in an
error, a message or a ``repr``.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

TIMEOUT = 120  # seconds for one request (an upload of a large file included)


class WordPressError(Exception):
    """A request the site refused or could not answer, said without the credentials."""


@dataclass(frozen=True)
class Site:
    url: str  # the site's address (a multisite's subsite: its own address)
    user: str
    password: str = field(repr=False)

    @property
    def root(self) -> str:
        return self.url.rstrip("/")


class Client:
    def __init__(self, site: Site, timeout: float = TIMEOUT) -> None:
        self.site = site
        self.timeout = timeout
        token = base64.b64encode(f"{site.user}:{site.password}".encode()).decode()
        self._auth = f"Basic {token}"

    def request(
        self,
        method: str,
        route: str,
        params: dict[str, str | int] | None = None,
        body: dict[str, Any] | None = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Any, dict[str, str]]:
        """The decoded JSON answer and the response's headers."""
        query = urlencode({"rest_route": route, **(params or {})})
        url = f"{self.site.root}/?{query}"
        sent_headers = {"Authorization": self._auth, "Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            sent_headers["Content-Type"] = "application/json"
        sent_headers |= headers or {}
        req = urllib.request.Request(url, data=data, method=method, headers=sent_headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"null")
                return answer, {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            raise WordPressError(f"{method} {route}: {_message(exc)}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WordPressError(f"{self.site.root}: cannot reach the site ({reason})") from None
        except json.JSONDecodeError:
            raise WordPressError(
                f"{method} {route}: the answer is not JSON (is {self.site.root} a WordPress site?)"
            ) from None

    def every(self, route: str, params: dict[str, str | int]) -> list[dict[str, Any]]:
        """Every item of a collection, page after page."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            answer, headers = self.request("GET", route, {**params, "per_page": 100, "page": page})
            items.extend(answer)
            if page >= int(headers.get("x-wp-totalpages", "1") or 1):
                return items
            page += 1


def _message(exc: urllib.error.HTTPError) -> str:
    """WordPress's own words for a refusal (its JSON ``message``), else the HTTP status."""
    try:
        detail = json.loads(exc.read()).get("message", "")
    except (ValueError, AttributeError, OSError):
        detail = ""
    hint = ""
    if exc.code == 401:
        hint = " (check the user name and the application password)"
    return f"HTTP {exc.code}{': ' + detail if detail else ''}{hint}"
