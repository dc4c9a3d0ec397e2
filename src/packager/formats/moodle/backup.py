"""The Moodle backup output format: one ``.mbz`` per course and language, what Moodle's own
"Restore" reads as it reads a backup Moodle made (no converter in between).

The layout is Moodle 4.5's (``backup/moodle2/backup_stepslib.php`` and each module's
``backup/moodle2/`` writers): ``moodle_backup.xml`` lists the sections and activities; the course
home is the course's summary; each module is a named section; a page is a Page activity whose
images are files of the page (``@@PLUGINFILE@@/``); a web link a URL, a discussion a forum with
its prompt, a quiz a quiz whose questions sit in the course's question bank; the credits are a
Page in the general section. Links between pages are written as Moodle's backup writes them,
``$@PAGEVIEWBYID*<cmid>@$``, and the restore turns them into links to the restored activities.
Every text carries the edition's language and direction on a ``<div>``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from html import escape
from urllib.parse import unquote

from lxml import etree
from markupsafe import Markup

from packager import languages
from packager.diagnostics import Diagnostic, Problems
from packager.formats.archive import safe_name
from packager.formats.moodle.check import check_backup
from packager.formats.moodle.files import StoredFiles, tar_gz
from packager.formats.moodle.parts import (
    ACTIVITY_FILES,
    ROOT_FILES,
    course_xml,
    gradebook_xml,
    grades_xml,
    module_xml,
    moodle_backup_xml,
    section_xml,
)
from packager.formats.moodle.quiz import (
    QuestionIds,
    QuizTexts,
    question_bank,
    question_entry,
    quiz_activity,
)
from packager.formats.moodle.xml import activity, document, node
from packager.formats.registry import Rendered, RenderRequest
from packager.i18n.editions import Edition, is_language_variant, localized_media
from packager.render.document import render_document, render_inline_text, render_span
from packager.render.settings import RenderContext
from packager.source.document import Span
from packager.source.licenses import badge_svg
from packager.source.media import image_size
from packager.source.model import Page, PageKind

TEMPLATES: tuple[str, ...] = ()
STATICS: tuple[str, ...] = ()
COURSE_ID, COURSE_CONTEXT, QUESTION_CATEGORY = 1, 2, 2
PAGE_TOKEN = "@@PACKAGER-PAGE@@/"  # where a link to a page goes, until its cmid is known
_PAGE_LINK = re.compile(re.escape(PAGE_TOKEN) + r"([^\"'#<>\s]+)\.html")
_VIEW = {"page": "PAGEVIEWBYID", "url": "URLVIEWBYID", "forum": "FORUMVIEWBYID"}
_VIEW["quiz"] = "QUIZVIEWBYID"


def _modname(page: Page) -> str:
    if page.kind is PageKind.WEBLINK and page.url:
        return "url"
    if page.kind is PageKind.DISCUSSION:
        return "forum"
    if page.kind is PageKind.QUIZ and page.document.questions:
        return "quiz"
    return "page"


class _Backup:
    """Builds the files of one backup; see :func:`backup_files`."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.course = course = edition.course
        self.lang = edition.lang
        self.dir = languages.direction(self.lang)
        self.gettext = edition.ui.translations().gettext
        localized = localized_media(course, self.lang)
        used = sorted(
            {
                localized.get(f"media/{m}", f"media/{m}").removeprefix("media/")
                for m in course.media_files
                if not is_language_variant(course, m)
            }
        )
        # Every stored file sits at the root of its text's file area, under a safe name.
        self.media = {f"media/{name}": safe_name(name).replace("/", "-") for name in used}
        self.sources = {target: course.root / source for source, target in self.media.items()}
        badge = course.license.badge_file
        self.badge = badge_svg(course.license).encode("utf-8")
        sizes = {}
        for name in used:
            size = image_size(course.root / "media" / name)
            if size is not None:
                sizes[f"media/{name}"] = size
        self.ctx = RenderContext(
            gettext=self.gettext,
            image_sizes=sizes,
            credit_for=course.credit_for,
            source_lang=course.language,
            source_dir=languages.direction(course.language),
            localized_media=localized,
            media_names=self.media,
            media_prefix="@@PLUGINFILE@@/",
            page_prefix=PAGE_TOKEN,
        )
        self.quiz_ctx = replace(self.ctx, questions=False)
        self.badge_name = badge
        self.files: dict[str, bytes] = {}
        self.stored = StoredFiles()
        # cmids in course order: the credits page first (general section), then every page.
        pages = [p for m in course.modules for p in m.pages]
        self.cmid = {page.id: n for n, page in enumerate(pages, start=2)}
        self.kind = {page.id: _modname(page) for page in pages}
        self.questions = QuestionIds()
        self.entries: list[etree._Element] = []

    def wrap(self, html: str) -> str:
        """A text in the edition's language and direction (Moodle keeps a ``<div>``'s)."""
        return f'<div lang="{self.lang}" dir="{self.dir}">{html}</div>'

    def links(self, html: str) -> str:
        """Links to pages in the form Moodle's backup writes them (restore decodes them)."""

        def encode(match: re.Match[str]) -> str:
            target = match.group(1)
            if target in self.cmid:
                return f"$@{_VIEW[self.kind[target]]}*{self.cmid[target]}@$"
            return f"$@COURSEVIEWBYID*{COURSE_ID}@$"  # the course home

        return _PAGE_LINK.sub(encode, html)

    def text(self, html: str, contextid: int, component: str, area: str, itemid: int = 0) -> str:
        """The text as stored: wrapped, links encoded, its images stored in its file area."""
        html = self.links(self.wrap(html))
        for name in sorted(set(re.findall(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)", html))):
            target = unquote(name)
            data = self.badge if target == self.badge_name else self._media(target)
            if data is not None:
                self.stored.add(data, target, contextid, component, area, itemid)
        return html

    def _media(self, target: str) -> bytes | None:
        path = self.sources.get(target)
        return path.read_bytes() if path is not None else None

    # -- the backup -----------------------------------------------------------------------

    def build(self) -> dict[str, bytes]:
        course = self.course
        sections: list[tuple[int, str | None, list[int]]] = [(0, None, [1])]
        activities: list[tuple[int, int, str, str]] = []
        self._credits(activities)
        for number, module in enumerate(course.modules, start=1):
            cmids = []
            for page in module.pages:
                self._activity(page, number, activities)
                cmids.append(self.cmid[page.id])
            sections.append((number, module.title, cmids))
        for number, title, cmids in sections:
            folder = f"sections/section_{number + 1}"
            self.files[f"{folder}/section.xml"] = section_xml(number, title, cmids)
            self.files[f"{folder}/inforef.xml"] = document(node("inforef"))
        self.files["questions.xml"] = question_bank(
            self.course, self.lang, COURSE_ID, COURSE_CONTEXT, QUESTION_CATEGORY, self.entries
        )
        start = self.stored.count
        summary = self.text(self._summary(), COURSE_CONTEXT, "course", "summary")
        self.files["course/course.xml"] = course_xml(
            course, self.lang, summary, COURSE_ID, COURSE_CONTEXT
        )
        self.files["course/inforef.xml"] = self.stored.inforef(start)
        for name, data in ROOT_FILES.items():
            self.files[name] = data
        self.files["gradebook.xml"] = gradebook_xml()
        self.files["files.xml"] = self.stored.files_xml()
        self.files.update(self.stored.contents())
        backup_id = hashlib.md5(f"{course.id}/{self.lang}".encode()).hexdigest()
        self.files["moodle_backup.xml"] = moodle_backup_xml(
            course,
            self.lang,
            backup_id,
            [(n + 1, n) for n, _, _ in sections],
            activities,
        )
        return self.files

    def _summary(self) -> str:
        """The course home: description, outcomes, licence, authors."""
        course, _ = self.course, self.gettext
        html = f"<p>{escape(course.description)}</p>"
        if course.outcomes:
            items = "".join(f"<li>{render_inline_text(o, self.ctx)}</li>" for o in course.outcomes)
            html += f"<p><strong>{escape(_('What you will be able to do'))}</strong></p><ul>{items}</ul>"
        return html + self._licence()

    def _licence(self) -> str:
        course, _ = self.course, self.gettext
        lic = course.license
        authors = ", ".join(a.name for a in course.authors)
        return (
            f'<p class="license"><a href="{escape(lic.url)}" rel="license">'
            f'<img src="@@PLUGINFILE@@/{escape(self.badge_name)}" alt="{escape(lic.label)}"'
            f' width="88" height="31"></a> {escape(course.title)} · {escape(authors)} · '
            f'<a href="{escape(lic.url)}">{escape(_(lic.name))}</a></p>'
        )

    def _credits(self, activities: list[tuple[int, int, str, str]]) -> None:
        """The credits: a Page in the general section (the licence, the authors, translators
        and the credit of every media file)."""
        _ = self.gettext
        items = []
        for m in self.course.media_files:
            if is_language_variant(self.course, m):
                continue
            c = self.course.credit_for(m)
            source = f' <a href="{escape(c.source)}">{escape(c.source)}</a>' if c.source else ""
            items.append(
                f"<li>{escape(c.title)}, {escape(c.author)}, "
                f'<a href="{escape(c.license.url)}">{escape(c.license.label)}</a>{source}</li>'
            )
        people = [f"<li>{escape(a.name)}</li>" for a in self.course.authors]
        for credit in self.course.translations:
            people += [f"<li>{escape(n)} ({escape(credit.lang)})</li>" for n in credit.translators]
        html = self._licence() + f"<ul>{''.join(people)}</ul>"
        if items:
            html += f"<ul>{''.join(items)}</ul>"
        self._page(1, 0, _("Credits"), html, activities)

    def _page(
        self,
        cmid: int,
        section: int,
        title: str,
        html: str,
        activities: list[tuple[int, int, str, str]],
    ) -> None:
        contextid = 100 + cmid
        start = self.stored.count
        content = self.text(html, contextid, "mod_page", "content")
        page = node(
            "page",
            [
                ("name", title),
                ("intro", ""),
                ("introformat", 1),
                ("content", content),
                ("contentformat", 1),
                ("legacyfiles", 0),
                ("legacyfileslast", None),
                ("display", 5),
                ("displayoptions", 'a:2:{s:12:"printheading";s:1:"1";s:10:"printintro";s:1:"0";}'),
                ("revision", 1),
                ("timemodified", 0),
            ],
            id=cmid,
        )
        self._module(cmid, section, "page", activity(page, cmid, cmid, "page", contextid), start)
        activities.append((cmid, section, "page", title))

    def _module(
        self, cmid: int, section: int, modname: str, root: etree._Element, start: int
    ) -> None:
        folder = f"activities/{modname}_{cmid}"
        self.files[f"{folder}/{modname}.xml"] = document(root)
        self.files[f"{folder}/module.xml"] = module_xml(cmid, modname, section + 1, section)
        inforef = self.stored.inforef(start, QUESTION_CATEGORY if modname == "quiz" else None)
        self.files[f"{folder}/inforef.xml"] = inforef
        self.files[f"{folder}/grades.xml"] = grades_xml(cmid if modname == "quiz" else None)
        for name, data in ACTIVITY_FILES.items():
            self.files[f"{folder}/{name}"] = data

    def _activity(
        self, page: Page, section: int, activities: list[tuple[int, int, str, str]]
    ) -> None:
        cmid, kind = self.cmid[page.id], self.kind[page.id]
        contextid = 100 + cmid
        if kind == "page":
            body = self._objectives(page) + render_document(page.document, self.ctx)
            self._page(cmid, section, page.title, str(Markup(body)), activities)
            return
        start = self.stored.count
        if kind == "url":
            intro = render_document(page.document, self.ctx).strip()
            inner = node(
                "url",
                [
                    ("name", page.title),
                    ("intro", self.text(intro, contextid, "mod_url", "intro") if intro else ""),
                    ("introformat", 1),
                    ("externalurl", page.url),
                    ("display", 0),
                    ("displayoptions", 'a:1:{s:10:"printintro";i:1;}'),
                    ("parameters", "a:0:{}"),
                    ("timemodified", 0),
                ],
                id=cmid,
            )
        elif kind == "forum":
            html = self._objectives(page) + render_document(page.document, self.ctx)
            forum = page.forum_url or self.course.forum_url
            if forum:  # the community's own forum, as the site and the cartridge link it
                html += f'<p><a href="{escape(forum)}">{escape(forum)}</a></p>'
            inner = node(
                "forum",
                [
                    ("type", "general"),
                    ("name", page.title),
                    ("intro", self.text(html, contextid, "mod_forum", "intro")),
                    ("introformat", 1),
                    *[(f, 0) for f in ("duedate", "cutoffdate", "assessed", "assesstimestart")],
                    ("assesstimefinish", 0),
                    ("scale", 0),
                    ("maxbytes", 0),
                    ("maxattachments", 1),
                    ("forcesubscribe", 0),
                    ("trackingtype", 1),
                    *[(f, 0) for f in ("rsstype", "rssarticles", "timemodified", "warnafter")],
                    *[(f, 0) for f in ("blockafter", "blockperiod", "completiondiscussions")],
                    *[(f, 0) for f in ("completionreplies", "completionposts", "displaywordcount")],
                    ("lockdiscussionafter", 0),
                    ("grade_forum", 0),
                    *[(f, []) for f in ("discussions", "subscriptions", "digests", "readposts")],
                    *[(f, []) for f in ("trackedprefs", "poststags", "grades")],
                ],
                id=cmid,
            )
        else:
            first = page.document.questions[0].open
            intro = render_span(page.document, Span(0, first), self.quiz_ctx).strip()
            texts = QuizTexts(
                self.quiz_ctx,
                lambda h, area, item: self.text(h, COURSE_CONTEXT, "question", area, item),
                f"packager+{self.course.id}+{self.lang}",
            )
            first_entry = self.questions.question + 1
            for question in page.document.questions:
                self.entries.append(
                    question_entry(page, question, QUESTION_CATEGORY, self.questions, texts)
                )
            intro_html = self.text(intro, contextid, "mod_quiz", "intro") if intro else ""
            count = len(page.document.questions)
            inner = quiz_activity(page, cmid, cmid, contextid, first_entry, intro_html, count)
            self._module(cmid, section, kind, inner, start)
            activities.append((cmid, section, kind, page.title))
            return
        self._module(cmid, section, kind, activity(inner, cmid, cmid, kind, contextid), start)
        activities.append((cmid, section, kind, page.title))

    def _objectives(self, page: Page) -> str:
        if not page.objectives:
            return ""
        items = "".join(f"<li>{render_inline_text(o, self.ctx)}</li>" for o in page.objectives)
        heading = escape(self.gettext("On this page you will"))
        return f'<div class="box box-objectives"><p><strong>{heading}</strong></p><ul>{items}</ul></div>'


def backup_files(edition: Edition) -> dict[str, bytes]:
    """Every file of the backup of one edition (path inside the archive to bytes)."""
    return _Backup(edition).build()


def extra_inputs() -> tuple[object, ...]:
    return ()


def render(request: RenderRequest) -> bytes:
    """The format's entry point: the backup as a reproducible gzip tar."""
    return tar_gz(backup_files(request.edition), request.edition.course)


def check(output: Rendered, request: RenderRequest) -> list[Diagnostic]:
    """What Moodle's restore relies on without saying so (:mod:`.check`): sections, files in
    each activity's ``inforef.xml``, links to modules and files, the quiz's grades."""
    assert isinstance(output, bytes)
    problems = Problems()
    edition = request.edition
    check_backup(output, f"{edition.course.id}-{edition.lang}.mbz", problems)
    return problems.errors
