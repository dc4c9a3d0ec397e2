"""The WXR output format: a WordPress export file (Tools -> Import) per course and language.

For sites where the user can only import: the same pages as ``packager publish wordpress``
(:mod:`packager.formats.wordpress.markup`), modules as parent pages, in reading order. Each page
carries its packager key (the publisher's marker at the top of its content, the
``_packager_key`` post meta and the ``guid``), so a later publish finds the imported pages and
updates them in place. Links between pages are relative to the
page's own address (pretty permalinks: ``/<module>/<page>/``), so they work wherever the site
lives. WXR cannot carry files: images point at ``wp-content/uploads/packager/<course>/`` where
``docs/wordpress.md`` says to copy ``media/`` (or use the publisher, which uploads them).

The bytes are reproducible: fixed post ids and dates (the course's ``updated`` date), sorted
by outline order, no time of the build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from packager.diagnostics import Diagnostic
from packager.formats.archive import zip_time
from packager.formats.registry import Rendered, RenderRequest
from packager.formats.wordpress.markup import WpPage, course_pages, digest, marker, resolve
from packager.i18n.editions import Edition

TEMPLATES: tuple[str, ...] = ()
STATICS: tuple[str, ...] = ()
UPLOADS = "wp-content/uploads/packager"


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the export file of one edition."""
    return wxr_bytes(request.edition)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    """The file must be well-formed XML (the importer gives up on the first error)."""
    from lxml import etree

    assert isinstance(output, bytes)
    etree.fromstring(output, etree.XMLParser(resolve_entities=False, no_network=True))
    return []


def first_post_id(course_id: str, lang: str) -> int:
    """Where an edition's post ids start: apart for each course and language (so one site
    can import several), high enough to miss a young site's own posts; the importer assigns
    another id when one is taken, and keeps the parents right."""
    digest = hashlib.sha256(f"{course_id}/{lang}".encode()).digest()
    return 100_000 + int.from_bytes(digest[:3], "big") % 90_000 * 100


def relative(source: tuple[str, ...], target: tuple[str, ...]) -> str:
    """The link from the page at ``/<source>/`` to ``/<target>/`` (pretty permalinks)."""
    return "../" * len(source) + "".join(f"{quote(s)}/" for s in target)


def wxr_bytes(edition: Edition, *, tree: bool = False) -> bytes:
    course, lang = edition.course, edition.lang
    pages = course_pages(edition, tree=tree)
    start = first_post_id(course.id, lang)
    ids = {page.key: start + n for n, page in enumerate(pages)}
    paths = {page.key: page.path for page in pages}
    year, month, day, *_ = zip_time(course)
    when = dt.datetime(year, month, day, tzinfo=dt.UTC)
    date = when.strftime("%Y-%m-%d %H:%M:%S")
    rfc822 = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    base = f"{course.id}/{lang}"

    def item(order: int, page: WpPage) -> str:
        def url_for(key: str) -> str:
            return relative(page.path, paths[key])

        def media_url(name: str) -> str:
            return "../" * len(page.path) + f"{UPLOADS}/{quote(course.id)}/{quote(name)}"

        content = resolve(page.content, base, url_for, media_url)
        # The publisher's marker: a later `packager publish` finds and updates these pages.
        content = marker(page.key, digest(page.title, content)) + content
        parent = ids[page.parent] if page.parent else 0
        return (
            "<item>\n"
            f"<title>{_cdata(page.title)}</title>\n"
            f"<pubDate>{rfc822}</pubDate>\n"
            "<dc:creator><![CDATA[packager]]></dc:creator>\n"
            f'<guid isPermaLink="false">packager:{xml_escape(page.key)}</guid>\n'
            "<description></description>\n"
            f"<content:encoded>{_cdata(content)}</content:encoded>\n"
            "<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
            f"<wp:post_id>{ids[page.key]}</wp:post_id>\n"
            f"<wp:post_date>{date}</wp:post_date>\n"
            f"<wp:post_date_gmt>{date}</wp:post_date_gmt>\n"
            "<wp:comment_status>closed</wp:comment_status>\n"
            "<wp:ping_status>closed</wp:ping_status>\n"
            f"<wp:post_name>{_cdata(page.slug)}</wp:post_name>\n"
            "<wp:status>publish</wp:status>\n"
            f"<wp:post_parent>{parent}</wp:post_parent>\n"
            f"<wp:menu_order>{order}</wp:menu_order>\n"
            "<wp:post_type>page</wp:post_type>\n"
            "<wp:post_password></wp:post_password>\n"
            "<wp:is_sticky>0</wp:is_sticky>\n"
            "<wp:postmeta>\n<wp:meta_key>_packager_key</wp:meta_key>\n"
            f"<wp:meta_value>{_cdata(page.key)}</wp:meta_value>\n</wp:postmeta>\n"
            "</item>\n"
        )

    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- A WordPress export file (WXR 1.2) made by packager: Tools -> Import -> WordPress. -->\n"
        '<rss version="2.0"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n'
        "<channel>\n"
        f"<title>{_cdata(course.title)}</title>\n"
        f"<description>{_cdata(course.description)}</description>\n"
        f"<pubDate>{rfc822}</pubDate>\n"
        f"<language>{xml_escape(lang)}</language>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<generator>packager</generator>\n"
    )
    body = "".join(item(order, page) for order, page in enumerate(pages))
    return (head + body + "</channel>\n</rss>\n").encode("utf-8")


def _cdata(text: str) -> str:
    """``text`` as CDATA; a ``]]>`` inside is split across two sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
