"""A course in one language as WordPress pages: the markup the WXR file and the publisher share.

Each outline module becomes a parent page and each course page a child of it, in reading order
(the OERu ``oeru_course`` theme builds its course menu from the page hierarchy sorted by post ID,
so the order pages are created in is the order learners see). With ``tree=True`` the modules
hang under one root page per language, so several languages can share one site.

Bodies come from the same renderer as the HTML site, then are rewritten for WordPress:

- boxes become the theme's iDevice panels (``course.wordpress_theme: oeru_course``, the
  Bootstrap 3 markup of the theme's ``[oeru_idevice]`` shortcode, icon included) or group blocks
  (``blocks``, plain WordPress);
- self-check questions keep no form (WordPress strips inputs and scripts from most users'
  content): the options as a list and the answer with its feedback in a ``<details>``, which
  every theme opens without a script;
- a discussion page gets the WEnotes feed of the course's tag (``[WEnotes tag=... count=20]``),
  and the forum's address when the course has one.

Links to other pages and media are left as ``packager-page:`` and ``packager-media:``
placeholders; :func:`resolve` puts in the addresses once the site's are known.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

from packager import languages
from packager.formats.epub.book import _static_question
from packager.i18n.editions import Edition, localized_media
from packager.render.document import render_document, render_inline_text
from packager.render.settings import RenderContext
from packager.source.media import image_size
from packager.source.model import Page, PageKind

PAGE_LINK = "packager-page:"
MEDIA_LINK = "packager-media:"
KEY_LINK = "packager-key:"
THEME_ICONS = "/wp-content/themes/oeru_course/idevices/"

#: The theme's icon for each kind of box (oeru_course ``inc/shortcode.php``, the "Line" set).
ICONS = {
    "objectives": "Icon_objectives.png",
    "key-points": "Icon_key_points.png",
    "activity": "Icon_activity.png",
    "reflection": "Icon_reflection.png",
    "definition": "Icon_define.png",
    "reading": "Icon_reading.png",
    "case-study": "Icon_casestudy.png",
    "note": "Icon_key_points.png",
    "summary": "Icon_summary.png",
    "discussion": "Icon_discussion.png",
    "question": "Icon_qmark.png",
}
WENOTES_COUNT = 20


@dataclass(frozen=True)
class WpPage:
    """One WordPress page as packager makes it.

    ``key`` identifies it across runs (stored in the page, never its title); ``parent`` is the
    parent's key; ``path`` the slugs from the top of the tree to it (for relative links);
    ``content`` has link placeholders (see :func:`resolve`).
    """

    key: str
    title: str
    slug: str
    parent: str | None
    path: tuple[str, ...]
    content: str
    source_id: str | None = None  # the course page's id (None for a module or a root page)


@dataclass(frozen=True)
class WpMedia:
    """A media file a page shows: its name under ``media/``, alt text and caption (the credit)."""

    name: str
    alt: str
    caption: str


MARKER = re.compile(r"\A<!-- packager (\{.*?\}) -->\n", re.S)


def marker(key: str, sha: str) -> str:
    return f"<!-- packager {json.dumps({'key': key, 'sha': sha})} -->\n"


def read_marker(content: str) -> tuple[str, str, str] | None:
    """The key, digest and the rest of a page packager made; None for any other page."""
    match = MARKER.match(content)
    if not match:
        return None
    try:
        found = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("key"), str):
        return None
    return found["key"], str(found.get("sha", "")), content[match.end() :]


def digest(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\0{body}".encode()).hexdigest()[:32]


def course_pages(edition: Edition, *, tree: bool = False) -> list[WpPage]:
    """Every page of the edition, parents before children, in reading order."""
    course, lang = edition.course, edition.lang
    theme = course.wordpress_theme
    ctx = _context(edition)
    direction = languages.direction(lang)
    base = f"{course.id}/{lang}"
    root: tuple[str, ...] = ()
    items: list[WpPage] = []
    parent_of_modules: str | None = None
    if tree:
        intro = f"<p>{escape(course.description)}</p>\n" + _module_list(
            [(f"{KEY_LINK}{base}/module-{n}", m.title) for n, m in enumerate(course.modules, 1)]
        )
        items.append(
            WpPage(base, course.title, lang, None, (lang,), _wrap(intro, lang, direction, theme))
        )
        parent_of_modules, root = base, (lang,)
    for number, module in enumerate(course.modules, start=1):
        key, slug = f"{base}/module-{number}", f"module-{number}"
        listing = _module_list([(f"{PAGE_LINK}{p.id}", p.title) for p in module.pages])
        content = _wrap(listing, lang, direction, theme)
        items.append(WpPage(key, module.title, slug, parent_of_modules, (*root, slug), content))
        for page in module.pages:
            body = _page_body(edition, page, ctx)
            items.append(
                WpPage(
                    f"{base}/{page.id}",
                    page.title,
                    page.id,
                    key,
                    (*root, slug, page.id),
                    _wrap(body, lang, direction, theme),
                    page.id,
                )
            )
    return items


def course_media(edition: Edition) -> list[WpMedia]:
    """The media files the pages show or link to, in order of first use, with the alt text of
    that use (none for a link: its text says what it opens)."""
    ctx = _context(edition)
    localized = localized_media(edition.course, edition.lang)
    # A language's version of a figure is credited as the figure it translates.
    originals = {v.removeprefix("media/"): k.removeprefix("media/") for k, v in localized.items()}
    found: dict[str, WpMedia] = {}
    for page in edition.course.pages:
        root = lxml_html.fragment_fromstring(render_document(page.document, ctx), "div")
        for element in root.iter("img", "a"):
            src = (element.get("src") if element.tag == "img" else element.get("href")) or ""
            name = _media_name(src)
            if not src.startswith(MEDIA_LINK) or (name in found and found[name].alt):
                continue  # the first image's alt text is the file's (a link has none)
            credit = edition.course.credit_for(originals.get(name, name))
            caption = f"{credit.title}, {credit.author}, {credit.license.label}"
            found.setdefault(name, WpMedia(name, "", caption))
            if element.get("alt"):
                found[name] = WpMedia(name, element.get("alt") or "", caption)
    return list(found.values())


def resolve(
    content: str, base: str, url_for: Callable[[str], str], media_url: Callable[[str], str]
) -> str:
    """``content`` with its placeholders replaced: ``url_for(key)`` gives a page's address
    (``base`` is the edition's key prefix, ``course/lang``) and ``media_url(name under media/)``
    a media file's; a link's fragment is kept."""

    def page(match: re.Match[str]) -> str:
        key = match.group(2) if match.group(1) == "key" else f"{base}/{match.group(2)}"
        return f'href="{escape(url_for(key))}{match.group(3) or ""}"'

    def media(match: re.Match[str]) -> str:
        return f'{match.group(1)}="{escape(media_url(_media_name(MEDIA_LINK + match.group(2))))}"'

    content = re.sub(r'href="packager-(page|key):([^"#]+?)(?:\.html)?(#[^"]*)?"', page, content)
    return re.sub(r'(href|src)="packager-media:([^"]+)"', media, content)


def _media_name(src: str) -> str:
    name = unquote(src[len(MEDIA_LINK) :])
    return name[len("media/") :] if name.startswith("media/") else name


def _context(edition: Edition) -> RenderContext:
    course = edition.course
    sizes = {
        f"media/{m}": size
        for m in course.media_files
        if (size := image_size(course.root / "media" / m)) is not None
    }
    return RenderContext(
        gettext=edition.ui.translations().gettext,
        image_sizes=sizes,
        credit_for=course.credit_for,
        source_lang=course.language,
        source_dir=languages.direction(course.language),
        localized_media=localized_media(course, edition.lang),
        media_prefix=MEDIA_LINK,
        page_prefix=PAGE_LINK,
    )


def _module_list(entries: list[tuple[str, str]]) -> str:
    """A parent page's list of its children (``entries``: a link's target and its title)."""
    items = "".join(
        f'<li><a href="{escape(target)}">{escape(title)}</a></li>\n' for target, title in entries
    )
    return f"<ul>\n{items}</ul>\n"


def _page_body(edition: Edition, page: Page, ctx: RenderContext) -> str:
    course = edition.course
    _ = ctx.gettext
    html = ""
    if page.objectives:
        items = "".join(f"<li>{render_inline_text(o, ctx)}</li>\n" for o in page.objectives)
        html += (
            f'<div class="box box-objectives"><p class="box-title">{escape(_("Objectives"))}</p>\n'
            f"<ul>\n{items}</ul>\n</div>\n"
        )
    if page.kind is PageKind.WEBLINK and page.url:
        html += f'<p><a href="{escape(page.url)}">{escape(page.title)}</a></p>\n'
    html += render_document(page.document, ctx)
    html = _rewrite(html, course.wordpress_theme, _)
    if page.kind is PageKind.DISCUSSION:
        forum = page.forum_url or course.forum_url
        if forum:
            html += f'<p><a href="{escape(forum)}">{escape(forum)}</a></p>\n'
        feed = f'[WEnotes tag="{course.wenotes_tag or course.id}" count="{WENOTES_COUNT}"]'
        if course.wordpress_theme == "blocks":
            feed = f"<!-- wp:shortcode -->\n{feed}\n<!-- /wp:shortcode -->"
        html += feed + "\n"
    return html


def _rewrite(html: str, theme: str, gettext: Callable[[str], str]) -> str:
    """The site's body as WordPress markup: panels (or groups) and static questions."""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    questions = [e for e in root.iter() if _has_class(e, "question")]
    for number, question in enumerate(questions, start=1):
        _static_question(question)
        question.set("class", "box box-question")
        title = lxml_html.Element("p", {"class": "box-title"})
        title.text = gettext("Question %(number)s") % {"number": number}
        question.insert(0, title)
        for attr in ("data-kind",):
            question.attrib.pop(attr, "")
    boxes = [e for e in root.iter("div") if _has_class(e, "box")]
    for box in reversed(boxes):  # innermost first, so a nested box is rewritten whole
        _panel(box, theme)
    text = (root.text and escape(root.text)) or ""
    return text + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in root
    )


def _has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _panel(box: etree._Element, theme: str) -> None:
    kind = next((c[4:] for c in (box.get("class") or "").split() if c.startswith("box-")), "note")
    title_p = next((e for e in box if _has_class(e, "box-title")), None)
    title_html = ""
    if title_p is not None:
        inner = etree.tostring(title_p, method="html", encoding="unicode", with_tail=False)
        inner = inner[inner.index(">") + 1 : inner.rindex("<")]
        title_html = re.sub(r'<span class="box-icon"[^>]*></span>', "", inner).strip()
        tail = title_p.tail
        box.remove(title_p)
        box.text = (box.text or "") + (tail or "")
    body = escape(box.text or "") + "".join(
        etree.tostring(c, method="html", encoding="unicode") for c in box
    )
    if theme == "blocks":
        markup = (
            f'<!-- wp:group {{"className":"packager-box packager-box-{kind}"}} -->\n'
            f'<div class="wp-block-group packager-box packager-box-{kind}">'
            f'<p class="packager-box-title"><strong>{title_html}</strong></p>\n{body}</div>\n'
            "<!-- /wp:group -->"
        )
    else:
        icon = ICONS.get(kind, "Icon_qmark.png")
        markup = (
            f'<div class="panel iDevice box-{kind}">\n'
            '<div class="panel-heading idevice-heading">\n'
            f'<div><img class="pedagogicalicon" alt="" src="{THEME_ICONS}{icon}"></div>\n'
            f"<div><h2>{title_html}</h2></div>\n</div>\n"
            f'<div class="panel-body">\n<div class="col-md-12">\n{body}</div>\n</div>\n</div>'
        )
    replacement = lxml_html.fragment_fromstring(f"<div>{markup}</div>")
    # Keep the markup as written (comments included): swap the element for its parsed form.
    parent = box.getparent()
    assert parent is not None
    new = list(replacement)
    index = parent.index(box)
    new_tail = box.tail
    parent.remove(box)
    for offset, element in enumerate(new):
        parent.insert(index + offset, element)
    if new:
        new[-1].tail = (new[-1].tail or "") + (new_tail or "")


def _wrap(body: str, lang: str, direction: str, theme: str) -> str:
    """The page's body in its language and direction (the site's may differ)."""
    if theme == "blocks":
        attrs = json.dumps({"className": "packager-page"})
        return (
            f"<!-- wp:group {attrs} -->\n"
            f'<div class="wp-block-group packager-page" lang="{lang}" dir="{direction}">\n'
            f"{body}</div>\n<!-- /wp:group -->\n"
        )
    return f'<div class="packager-page" lang="{lang}" dir="{direction}">\n{body}</div>\n'
