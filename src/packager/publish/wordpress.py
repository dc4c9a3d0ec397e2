"""Publish editions of a course into a WordPress site, idempotently, over the REST API.

Every page packager makes starts with a hidden marker, an HTML comment that WordPress keeps::

    <!-- packager {"key": "oer-recommendation/en/welcome", "sha": "..."} -->

``key`` finds the page again on the next run (never its title); ``sha`` is the digest of the
title and content packager wrote, so a page someone edited in WordPress is recognised and left
alone (``kept``). Pages without a marker are never read further, changed or removed. Media carry
the same marker in their description.

A run: plan (list the site's pages and media, compare), then, unless ``dry_run``: upload new
media; create every new page as a draft with its parent, in reading order (the OERu theme's
menu sorts by post id); fill in and publish each created or changed page once every page has an
id its links can use; turn pages that left the outline into drafts. A run that stops part-way
leaves drafts with markers, which the next run finds and completes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from packager.formats.archive import safe_name
from packager.formats.wordpress.markup import (
    WpMedia,
    WpPage,
    course_media,
    course_pages,
    digest,
    marker,
    read_marker,
    resolve,
)
from packager.i18n.editions import Edition
from packager.publish.client import Client

PAGE_FIELDS = "id,title,content,parent,slug,status,menu_order,link"
MEDIA_FIELDS = "id,description,source_url,alt_text,caption"


@dataclass(frozen=True)
class Step:
    """One line of the plan: what happens to one page or media file, and why."""

    action: str  # create, update, unchanged, remove, kept, upload
    key: str
    title: str
    note: str = ""

    def line(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.action:<9} {self.key}  {self.title}{note}"


class Publisher:
    """Publishes editions into one site; ``say`` prints a line of the plan or of progress."""

    def __init__(self, client: Client, say: Callable[[str], None]) -> None:
        self.client = client
        self.say = say
        self.pages: dict[str, dict[str, Any]] = {}  # key -> the page as the site has it
        self.media: dict[str, dict[str, Any]] = {}
        self.home = client.site.root

    def load(self) -> None:
        """What the site holds that packager made (found by marker)."""
        index, _ = self.client.request("GET", "/")
        self.home = str(index.get("home") or self.client.site.root).rstrip("/")
        params: dict[str, str | int] = {"context": "edit", "_fields": PAGE_FIELDS}
        params["status"] = "publish,future,draft,pending,private"
        # A key twice (a page copied with its content): the first page made is the one.
        for page in sorted(self.client.every("/wp/v2/pages", params), key=lambda p: -p["id"]):
            found = read_marker(page["content"]["raw"])
            if found:
                self.pages[found[0]] = page
        media_params: dict[str, str | int] = {"context": "edit", "_fields": MEDIA_FIELDS}
        # A changed file is uploaded anew, the old one left for pages that may still show it:
        # the newest upload is the current one.
        for item in sorted(self.client.every("/wp/v2/media", media_params), key=lambda m: m["id"]):
            found = read_marker(item["description"]["raw"])
            if found:
                self.media[found[0]] = item

    def publish(self, edition: Edition, *, tree: bool, dry_run: bool) -> list[Step]:
        """Bring one edition's pages up to date; the steps taken (or planned)."""
        course, lang = edition.course, edition.lang
        base = f"{course.id}/{lang}"
        wanted = course_pages(edition, tree=tree)
        steps = self._media(edition, dry_run)
        urls = {key: f"{self.home}/?page_id={page['id']}" for key, page in self.pages.items()}

        def media_url(name: str) -> str:
            item = self.media.get(f"{course.id}/media/{name}")
            return str(item["source_url"]) if item else f"{MEDIA_MISSING}{quote(name)}"

        def url_for(key: str) -> str:
            return urls.get(key, f"{PAGE_MISSING}{quote(key)}")

        plan: list[tuple[WpPage, str, str]] = []  # page, action, why
        for order, page in enumerate(wanted):
            existing = self.pages.get(page.key)
            if existing is None:
                plan.append((page, "create", ""))
            elif _edited(existing):
                plan.append((page, "kept", "edited in WordPress"))
            elif self._same(existing, page, order, resolve(page.content, base, url_for, media_url)):
                plan.append((page, "unchanged", ""))
            else:
                plan.append((page, "update", ""))
        keys = {p.key for p in wanted}
        gone = [
            (key, page)
            for key, page in self.pages.items()
            if (key == base or key.startswith(base + "/")) and key not in keys
        ]
        if dry_run:
            steps += [Step(action, p.key, p.title, why) for p, action, why in plan]
            steps += [
                Step("kept" if _edited(p) else "remove", key, p["title"]["raw"], _why_removed(p))
                for key, p in gone
                if p["status"] != "draft" or _edited(p)
            ]
            return steps
        for order, (page, action, _why) in enumerate(plan):  # new pages get ids in reading order
            if action == "create":
                self._create(page, order)
                urls[page.key] = f"{self.home}/?page_id={self.pages[page.key]['id']}"
        for order, (page, action, why) in enumerate(plan):
            if action in ("create", "update"):
                self._write(page, order, resolve(page.content, base, url_for, media_url))
            steps.append(Step(action, page.key, page.title, why))
            self.say(steps[-1].line())
        for key, existing in gone:
            if _edited(existing):
                steps.append(Step("kept", key, existing["title"]["raw"], "edited in WordPress"))
            elif existing["status"] != "draft":
                self.client.request(
                    "POST", f"/wp/v2/pages/{existing['id']}", body={"status": "draft"}
                )
                steps.append(Step("remove", key, existing["title"]["raw"], "now a draft"))
            else:
                continue
            self.say(steps[-1].line())
        return steps

    def _media(self, edition: Edition, dry_run: bool) -> list[Step]:
        course = edition.course
        steps: list[Step] = []
        for item in course_media(edition):
            key = f"{course.id}/media/{item.name}"
            data = (course.root / "media" / item.name).read_bytes()
            sha = hashlib.sha256(data).hexdigest()[:32]
            existing = self.media.get(key)
            found = read_marker(existing["description"]["raw"]) if existing else None
            if found and found[1] == sha:
                if existing and (
                    existing["alt_text"] != item.alt
                    or item.caption not in existing["caption"]["raw"]
                ):
                    if not dry_run:
                        self._describe(existing["id"], key, sha, item)
                    steps.append(Step("update", key, item.name, "alt text or caption"))
                continue
            steps.append(Step("upload", key, item.name))
            if dry_run:
                continue
            kind = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
            answer, _ = self.client.request(
                "POST",
                "/wp/v2/media",
                data=data,
                headers={
                    "Content-Type": kind,
                    "Content-Disposition": f'attachment; filename="{safe_name(item.name)}"',
                },
            )
            self._describe(answer["id"], key, sha, item)
            self.media[key] = {**answer, "source_url": answer["source_url"]}
            self.say(steps[-1].line())
        return steps

    def _describe(self, media_id: int, key: str, sha: str, item: WpMedia) -> None:
        body = {"alt_text": item.alt, "caption": item.caption, "description": marker(key, sha)}
        self.client.request("POST", f"/wp/v2/media/{media_id}", body=body)

    def _create(self, page: WpPage, order: int) -> None:
        """A draft holding only its marker, under its parent: its id fixes its menu place."""
        parent = self.pages[page.parent]["id"] if page.parent else 0
        body = {
            "title": page.title,
            "slug": page.slug,
            "parent": parent,
            "status": "draft",
            "menu_order": order,
            "content": marker(page.key, digest(page.title, "")),
        }
        answer, _ = self.client.request("POST", "/wp/v2/pages", {"context": "edit"}, body=body)
        self.pages[page.key] = answer

    def _write(self, page: WpPage, order: int, content: str) -> None:
        existing = self.pages[page.key]
        body = {
            "title": page.title,
            "slug": page.slug,
            "parent": self.pages[page.parent]["id"] if page.parent else 0,
            "status": "publish",
            "menu_order": order,
            "content": marker(page.key, digest(page.title, content)) + content,
        }
        route = f"/wp/v2/pages/{existing['id']}"
        answer, _ = self.client.request("POST", route, {"context": "edit"}, body=body)
        stored = read_marker(answer["content"]["raw"])
        if stored and stored[2] != content:
            # The site filtered the content (a user without unfiltered_html): sign what it
            # stored, so the next run does not take its own page for one edited by hand.
            body["content"] = marker(page.key, digest(page.title, stored[2])) + stored[2]
            answer, _ = self.client.request("POST", route, {"context": "edit"}, body=body)
        self.pages[page.key] = answer

    def _same(self, existing: dict[str, Any], page: WpPage, order: int, content: str) -> bool:
        found = read_marker(existing["content"]["raw"])
        parent = self.pages.get(page.parent or "", {}).get("id", 0) if page.parent else 0
        return (
            found is not None
            and found[1] == digest(page.title, content)
            and existing["status"] == "publish"
            and existing["parent"] == parent
            and existing["slug"] == page.slug
            and existing["menu_order"] == order
        )


MEDIA_MISSING = "packager-media-not-uploaded:"
PAGE_MISSING = "packager-page-not-created:"


def _edited(page: dict[str, Any]) -> bool:
    """Someone changed the title or content since packager wrote it."""
    found = read_marker(page["content"]["raw"])
    return found is not None and found[1] != digest(page["title"]["raw"], found[2])


def _why_removed(page: dict[str, Any]) -> str:
    return "edited in WordPress" if _edited(page) else "gone from the outline: made a draft"
