"""The corpus of bad input: one row per case, with every line the tool must print.

Each case writes files into the small course of ``conftest`` (or a cartridge), runs
``packager check`` in process and compares every diagnostic and the exit code. The rows marked
``cli`` also go through the real command line as a *build* over a previous good build: the same
lines on stderr, no traceback, and not one byte changed anywhere in the project (the previous
outputs included) when the build fails. Cases the tool accepts (a byte-order mark, CRLF, names
with spaces) are rows too, with no message and exit 0; the tests after the table check that they
come out right.

File paths in a case are relative to the course folder; ``../../`` reaches the project root
(``../../locales/fr/LC_MESSAGES/demo.po``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import socket
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from packager.api import BuildOptions, build, check_all
from packager.diagnostics import InputError, Problems
from packager.formats.cartridge.check import check_cartridge
from tests.conftest import COURSE_YAML, INTRO, QUIZ, REPO, SVG, CourseFactory
from tests.test_cli import run

Y = "courses/demo/course.yaml"
I = "courses/demo/pages/intro.md"  # noqa: E741 - the intro page, in most messages
Q = "courses/demo/pages/quiz.md"
PO = "locales/fr/LC_MESSAGES/demo.po"
MEDIA = "courses/demo/media"
ALLOWED = "allowed: <abbr>, <bdi>, <br>, <kbd>, <mark>, <small>, <span>, <sub>, <sup>"
OUTSIDE_TEXT = "---\ntitle: Secret\nduration: 1\n---\n\nroot:x:0:0\n"


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target``, a file outside the course (relative to the project)."""

    target: str


FileValue = str | bytes | Link | None


@dataclass(frozen=True)
class Case:
    """One bad input and exactly what the tool says about it.

    ``files`` replace the default course's files (None removes one); ``expected`` are the
    diagnostics in the order printed; ``exit`` the exit code of ``packager check`` (with
    ``--strict`` when ``strict``); ``cartridge`` is checked as ``x.imscc`` instead of a course.
    """

    id: str
    category: str
    files: Mapping[str, FileValue] = field(default_factory=dict)
    expected: tuple[str, ...] = ()
    exit: int = 1
    cli: bool = False
    strict: bool = False
    course_id: str = "demo"
    cartridge: bytes | None = None


# -- helpers the table uses -------------------------------------------------------------------

BODY = "## First section\n\nSome *text* with a [link](quiz.md).\n"


def page(body: str) -> str:
    """The intro page with ``body`` in place of its text (``body`` starts on line 8)."""
    return INTRO.replace(BODY, "## First section\n\n" + body)


def yaml(old: str, new: str) -> str:
    assert old in COURSE_YAML, old
    return COURSE_YAML.replace(old, new)


def quiz(question: str) -> str:
    """A quiz page whose question starts on line 7."""
    return "---\ntitle: Quiz\nkind: quiz\nduration: 5\n---\n\n" + question


FR_YAML = yaml("license: CC-BY-4.0", "license: CC-BY-4.0\nlanguages: [fr]")
PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
)
LINKED = "Some *text* with a [link][1]."
CREDIT = "media:\n  {}:\n    title: A picture\n    author: Someone Else\n    license: CC-BY-4.0\n"


def po(*entries: tuple[str, str], header: str = PO_HEADER) -> str:
    """A French catalogue: the header on lines 1-5, then entry n's msgstr on line 5 + 3n."""
    return header + "".join(f'\nmsgid "{i}"\nmsgstr "{s}"\n' for i, s in entries)


def french(*entries: tuple[str, str], path: str = PO, header: str = PO_HEADER) -> dict[str, str]:
    return {"course.yaml": FR_YAML, f"../../{path}": po(*entries, header=header)}


def zipped(*entries: tuple[str | zipfile.ZipInfo, bytes], stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def encrypted(data: bytes) -> bytes:
    """``data`` with the encryption flag set on the first entry of the central directory."""
    spoilt = bytearray(data)
    spoilt[spoilt.index(b"PK\x01\x02") + 8] |= 0x1
    return bytes(spoilt)


def bzip2(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


CC_NS = b"http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
MANIFEST = b'<manifest xmlns="' + CC_NS + b'" identifier="M"/>'
DTD = "a DOCTYPE is not allowed (entities and DTDs are never resolved)"

# -- the table --------------------------------------------------------------------------------

CASES = [
    # course.yaml
    Case(
        "yaml-syntax",
        "course",
        {"course.yaml": yaml("hours: 1", "hours: [1")},
        (
            f"{Y}:9:8: error[yaml-syntax]: invalid YAML: this '[' is never closed"
            " (did not find expected ',' or ']' on line 10)",
        ),
        cli=True,
    ),
    Case(
        "yaml-unclosed-quote",
        "course",
        {"course.yaml": yaml("title: Demo course", 'title: "Demo course')},
        (
            f"{Y}:2:8: error[yaml-syntax]: invalid YAML: this quote is never closed"
            " (found unexpected end of stream)",
        ),
    ),
    Case(
        "front-matter-unclosed-quote",
        "course",
        {"pages/intro.md": INTRO.replace("title: Introduction", "title: 'Introduction")},
        (
            f"{I}:2:8: error[yaml-syntax]: invalid YAML: this quote is never closed"
            " (found unexpected end of stream)",
        ),
    ),
    Case(
        "yaml-tab",
        "course",
        {"course.yaml": yaml("version: 1.0.0", "\tversion: 1.0.0")},
        (
            f"{Y}:8:1: error[yaml-syntax]: invalid YAML: a tab character cannot indent YAML; use spaces",
        ),
    ),
    Case(
        "duplicate-key",
        "course",
        {"course.yaml": COURSE_YAML + "title: Again\n"},
        (f"{Y}:13:1: error[duplicate-key]: duplicate key 'title' (first given on line 2)",),
        cli=True,
    ),
    Case(
        "unknown-key",
        "course",
        {"course.yaml": COURSE_YAML + "colour: blue\n"},
        (f"{Y}:13:1: error[unknown-key]: unknown key 'colour' in course.yaml",),
    ),
    Case(
        "scorm-completion",
        "course",
        {"course.yaml": COURSE_YAML + "scorm:\n  completion: last-pages\n"},
        (
            f"{Y}:14:15: error[scorm-completion]: completion is 'last-page' or 'every-page',"
            " not 'last-pages' (did you mean 'last-page'?)",
        ),
    ),
    Case(
        "scorm-pass-mark",
        "course",
        {"course.yaml": COURSE_YAML + "scorm:\n  pass_mark: 120\n"},
        (f"{Y}:14:14: error[range]: 'pass_mark' is a percentage, from 0 to 100",),
    ),
    Case(
        "scorm-unknown-key",
        "course",
        {"course.yaml": COURSE_YAML + "scorm:\n  passmark: 50\n"},
        (
            f"{Y}:14:3: error[unknown-key]: unknown key 'passmark' in scorm (did you mean 'pass_mark'?)",
        ),
    ),
    Case(
        "wordpress-theme",
        "course",
        {"course.yaml": COURSE_YAML + "wordpress_theme: divi\n"},
        (
            f"{Y}:13:18: error[wordpress-theme]: wordpress_theme is how WordPress pages are "
            "marked up, oeru_course (the default, the OERu course theme's iDevice panels) or "
            "blocks (plain WordPress), not 'divi'",
        ),
    ),
    Case(
        "wenotes-tag",
        "course",
        {"course.yaml": COURSE_YAML + 'wenotes_tag: "#lida101"\n'},
        (
            f"{Y}:13:14: error[wenotes-tag]: wenotes_tag is a tag learners add to their posts "
            "(letters, digits, - and _, without #), not '#lida101'",
        ),
    ),
    Case(
        "misspelt-key",
        "course",
        {"course.yaml": yaml("title: Demo course\n", "titel: Demo course\n")},
        (
            f"{Y}:2:1: error[unknown-key]: unknown key 'titel' in course.yaml (did you mean 'title'?)",
        ),
    ),
    Case(
        "missing-key",
        "course",
        {"course.yaml": yaml("version: 1.0.0\n", "")},
        (f"{Y}:1:1: error[missing-key]: course.yaml needs the key 'version'",),
        cli=True,
    ),
    Case(
        "number-as-text",
        "course",
        {"course.yaml": yaml("hours: 1", "hours: many")},
        (f"{Y}:9:8: error[type]: 'hours' must be a number, not text",),
    ),
    Case(
        "list-as-text",
        "course",
        {"course.yaml": yaml("authors:\n  - name: Test Author\n", "authors: me\n")},
        (f"{Y}:6:10: error[type]: 'authors' must be a list, not text",),
    ),
    Case(
        "text-as-list",
        "course",
        {"course.yaml": yaml("title: Demo course", "title: [a, b]")},
        (f"{Y}:2:8: error[type]: 'title' must be text, not a list",),
    ),
    Case(
        "empty-value",
        "course",
        {"course.yaml": yaml("title: Demo course", "title:")},
        (f"{Y}:2:7: error[type]: 'title' must be text, not nothing",),
    ),
    Case(
        "outline-missing-page",
        "course",
        {"course.yaml": yaml("[intro, quiz]", "[intro, quiz, missing]")},
        (f"{Y}:12:26: error[missing-page]: the page 'missing' has no file pages/missing.md",),
        cli=True,
    ),
    Case(
        "outline-page-twice",
        "course",
        {"course.yaml": yaml("[intro, quiz]", "[intro, quiz, intro]")},
        (
            f"{Y}:12:26: error[duplicate-page]: the page 'intro' is already in the outline (line 12)",
        ),
    ),
    Case(
        "empty-file",
        "course",
        {"course.yaml": ""},
        (f"{Y}:1:1: error[empty]: course.yaml is empty",),
        cli=True,
    ),
    Case(
        "only-a-comment",
        "course",
        {"course.yaml": "# to do\n"},
        (f"{Y}:1:1: error[empty]: course.yaml is empty",),
    ),
    Case(
        "a-list-not-a-mapping",
        "course",
        {"course.yaml": "- id: demo\n"},
        (f"{Y}:1:1: error[type]: course.yaml must be a mapping of keys, not a list",),
    ),
    Case(
        "empty-outline",
        "course",
        {"course.yaml": yaml("  - title: Module one\n    pages: [intro, quiz]\n", "  []\n")},
        (
            f"{Y}:11:3: error[empty]: the outline has no modules",
            f"{I}:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
            f"{Q}:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
        ),
    ),
    Case(
        "module-without-pages",
        "course",
        {"course.yaml": yaml("pages: [intro, quiz]", "pages: []")},
        (
            f"{Y}:12:12: error[empty]: the module 'Module one' has no pages",
            f"{I}:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
            f"{Q}:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
        ),
    ),
    Case(
        "course-id-not-a-slug",
        "course",
        {},
        (
            "courses/Bad_Id/course.yaml:1:1: error[course-id]: the course id 'Bad_Id' must be "
            "lower-case letters, digits and hyphens, starting with a letter",
        ),
        course_id="Bad_Id",
        cli=True,
    ),
    Case(
        "course-id-not-the-folder",
        "course",
        {"course.yaml": yaml("id: demo", "id: other")},
        (f"{Y}:1:5: error[course-id]: the id 'other' must match the folder name 'demo'",),
    ),
    Case(
        "yaml-alias",
        "course",
        {"course.yaml": COURSE_YAML + "keywords: &k [a]\nsubtitle: *k\n"},
        (
            f"{Y}:14:11: error[yaml-alias]: this value is repeated with a YAML alias (*k); aliases are not supported, write it out",
        ),
    ),
    Case(
        "yaml-python-tag",
        "course",
        {"course.yaml": COURSE_YAML + "keywords: !!python/object/apply:os.system [id]\n"},
        (
            f"{Y}:13:11: error[yaml-tag]: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        cli=True,
    ),
    Case(
        "yaml-too-deep",
        "course",
        {"course.yaml": COURSE_YAML + "keywords: " + "[" * 2000 + "]" * 2000 + "\n"},
        (f"{Y}:13:1010: error[yaml-syntax]: invalid YAML: exceeded maximum nesting depth",),
    ),
    Case(
        "yaml-list-as-key",
        "course",
        {"course.yaml": COURSE_YAML + "? [a]\n: x\n"},
        (f"{Y}:13:3: error[yaml-key]: a key must be a plain word",),
    ),
    Case(
        "unknown-language",
        "course",
        {"course.yaml": yaml("language: en", "language: xx-Nope")},
        (
            f"{Y}:4:11: error[invalid-language]: unknown language code 'xx-Nope' (use BCP 47, like 'fr' or 'zh-Hans')",
        ),
    ),
    Case(
        "unknown-licence",
        "course",
        {"course.yaml": yaml("license: CC-BY-4.0", "license: CC-BY-SA")},
        (
            f"{Y}:5:10: error[unknown-license]: unknown licence 'CC-BY-SA' (did you mean 'CC-BY-SA-4.0'?); "
            "use an SPDX id: CC-BY-4.0, CC-BY-SA-4.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0, CC-BY-ND-4.0, "
            "CC-BY-NC-ND-4.0, CC0-1.0",
        ),
    ),
    Case(
        "negative-number",
        "course",
        {"course.yaml": yaml("hours: 1", "hours: -1")},
        (f"{Y}:9:8: error[range]: 'hours' must be more than 0",),
    ),
    Case(
        "no-front-matter",
        "course",
        {"pages/intro.md": "Just text.\n"},
        (
            f"{I}:1:1: error[front-matter]: a page starts with front matter between '---' lines (title, duration)",
        ),
    ),
    Case(
        "unclosed-front-matter",
        "course",
        {"pages/intro.md": "---\ntitle: x\nduration: 3\n\nText.\n"},
        (
            f"{I}:1:1: error[front-matter]: the front matter that starts here is never closed with a '---' line",
        ),
    ),
    Case(
        "front-matter-keys",
        "course",
        {"pages/intro.md": "---\ntitle: Intro\nduraton: 10\n---\n\nText.\n"},
        (
            f"{I}:3:1: error[unknown-key]: unknown key 'duraton' in the front matter (did you mean 'duration'?)",
        ),
        cli=True,
    ),
    Case(
        "page-file-not-a-slug",
        "course",
        {
            "course.yaml": yaml("[intro, quiz]", "[intro, quiz, My_Page]"),
            "pages/My_Page.md": INTRO,
        },
        (
            "courses/demo/pages/My_Page.md:1:1: error[page-id]: page file names are lower-case letters, digits and hyphens (like 01-basics): 'My_Page'",
        ),
    ),
    Case(
        "reserved-page-name",
        "course",
        {"pages/index.md": INTRO},
        (
            "courses/demo/pages/index.md:1:1: error[reserved-page]: 'index' is the name of a page the site makes itself; rename the file",
        ),
    ),
    Case(
        "quiz-without-questions",
        "course",
        {"pages/quiz.md": quiz("Nothing to answer.\n")},
        (f"{Q}:1:1: error[empty-quiz]: a quiz page holds at least one '::: question' block",),
    ),
    # Markdown
    Case(
        "unclosed-box",
        "markdown",
        {"pages/intro.md": page("::: activity\nNever closed.\n")},
        (
            f"{I}:8:1: error[unclosed-block]: the '::: activity' block is never closed; end it with a line ':::'",
        ),
        cli=True,
    ),
    Case(
        "stray-box-end",
        "markdown",
        {"pages/intro.md": page("Text.\n\n:::\n")},
        (
            f"{I}:10:1: error[stray-block-end]: this ':::' closes no box; remove it or open a box above",
        ),
    ),
    Case(
        "no-correct-answer",
        "markdown",
        {"pages/quiz.md": quiz("::: question single-choice\nPick.\n\n- [ ] A\n- [ ] B\n:::\n")},
        (
            f"{Q}:7:1: error[no-correct-answer]: question 1 has no correct answer; mark one with [x]",
        ),
        cli=True,
    ),
    Case(
        "two-answers-single-choice",
        "markdown",
        {"pages/quiz.md": quiz("::: question single-choice\nPick.\n\n- [x] A\n- [x] B\n:::\n")},
        (
            f"{Q}:7:1: error[too-many-correct]: question 1 is single-choice but 2 options are marked [x]",
        ),
    ),
    Case(
        "true-false-with-three",
        "markdown",
        {
            "pages/quiz.md": quiz(
                "::: question true-false\nPick.\n\n- [x] T\n- [ ] F\n- [ ] M\n:::\n"
            )
        },
        (f"{Q}:7:1: error[true-false-options]: question 1 is true-false but has 3 options, not 2",),
    ),
    Case(
        "image-without-alt",
        "markdown",
        {"pages/intro.md": page("![](media/pic.svg)\n")},
        (
            f"{I}:8:5: warning[missing-alt]: the image 'media/pic.svg' has no alt text; describe it for readers who cannot see it",
            f"{I}:8:5: warning[uncredited-media]: the image 'media/pic.svg' has no credit in course.yaml's 'media:', so it is credited to the course's authors under CC BY 4.0; add one if someone else made it",
        ),
        strict=True,
        cli=True,
    ),
    Case(
        "uncredited-figure",
        "markdown",
        {"pages/intro.md": page('![A picture](media/pic.svg "Found on the web")\n')},
        (
            f"{I}:8:14: warning[uncredited-media]: the image 'media/pic.svg' has no credit in course.yaml's 'media:', so it is credited to the course's authors under CC BY 4.0; add one if someone else made it",
        ),
        exit=0,
    ),
    Case(
        "credit-licence-with-a-misspelt-key",
        "course",
        {
            "course.yaml": COURSE_YAML
            + "media:\n  pic.svg:\n    title: A\n    author: B\n    license:\n      name: All rights reserved\n      link: https://example.org/\n"
        },
        (f"{Y}:19:7: error[unknown-key]: unknown key 'link' in the licence of 'pic.svg'",),
    ),
    Case(
        "link-to-missing-page",
        "markdown",
        {"pages/intro.md": page("A [link](nowhere.md).\n")},
        (
            f"{I}:8:10: error[broken-link]: the link names a page that is not in the outline: nowhere.md",
        ),
    ),
    Case(
        "link-to-missing-anchor",
        "markdown",
        {"pages/intro.md": page("A [link](quiz.md#nope) and [here](#frist-section).\n")},
        (
            f"{I}:8:10: error[broken-link]: the page 'quiz' has no heading with the anchor #nope",
            f"{I}:8:35: error[broken-link]: the page 'intro' has no heading with the anchor #frist-section (did you mean 'first-section'?)",
        ),
        cli=True,
    ),
    Case(
        "script-inline",
        "markdown",
        {"pages/intro.md": page("Hello <script>alert(1)</script>\n")},
        (
            f"{I}:8:7: error[raw-html]: the HTML tag <script> is not allowed; {ALLOWED}",
            f"{I}:8:23: error[raw-html]: the HTML tag </script> is not allowed; {ALLOWED}",
        ),
        cli=True,
    ),
    Case(
        "script-block",
        "markdown",
        {"pages/intro.md": page("<script>\nalert(1)\n</script>\n")},
        (
            f"{I}:8:1: error[raw-html]: raw HTML blocks are not allowed ('<script>'); write Markdown instead",
        ),
    ),
    Case(
        "iframe",
        "markdown",
        {"pages/intro.md": page('<iframe src="https://evil.example"></iframe>\n')},
        (
            f"{I}:8:1: error[raw-html]: raw HTML blocks are not allowed ('<iframe src=\"https://evil.example\"></ifr'); write Markdown instead",
        ),
    ),
    Case(
        "event-handler",
        "markdown",
        {"pages/intro.md": page('<span onclick="steal()">hi</span>\n')},
        (f"{I}:8:1: error[raw-html]: the attribute 'onclick' is not allowed on <span>",),
        cli=True,
    ),
    Case(
        "style-attribute",
        "markdown",
        {"pages/intro.md": page('<span style="background:url(javascript:x)">a</span>\n')},
        (f"{I}:8:1: error[raw-html]: the attribute 'style' is not allowed on <span>",),
    ),
    Case(
        "img-onerror",
        "markdown",
        {"pages/intro.md": page("Look <img src=x onerror=alert(1)>.\n")},
        (f"{I}:8:6: error[raw-html]: the HTML tag <img> is not allowed; {ALLOWED}",),
    ),
    Case(
        "anchor-tag",
        "markdown",
        {"pages/intro.md": page('Click <a href="javascript:x">me</a>.\n')},
        (
            f"{I}:8:7: error[raw-html]: the HTML tag <a> is not allowed; {ALLOWED}",
            f"{I}:8:32: error[raw-html]: the HTML tag </a> is not allowed; {ALLOWED}",
        ),
    ),
    Case(
        "javascript-url",
        "markdown",
        {"pages/intro.md": page("[click](javascript:alert(1))\n")},
        (
            f"{I}:8:9: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:alert(1))",
        ),
        cli=True,
    ),
    Case(
        "javascript-url-in-capitals",
        "markdown",
        {"pages/intro.md": page("[x](JaVaScRiPt:alert(1))\n")},
        (
            f"{I}:8:5: error[unsafe-url]: links may use http, https or mailto, not javascript: (JaVaScRiPt:alert(1))",
        ),
    ),
    Case(
        "javascript-autolink",
        "markdown",
        {"pages/intro.md": page("<javascript:alert(1)>\n")},
        (
            f"{I}:8:2: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:alert(1))",
        ),
    ),
    Case(
        "javascript-reference",
        "markdown",
        {"pages/intro.md": page("[x][r]\n\n[r]: javascript:alert(1)\n")},
        (
            f"{I}:8:1: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:alert(1))",
        ),
    ),
    Case(
        "data-url",
        "markdown",
        {"pages/intro.md": page("[x](data:text/html;base64,PHNjcmlwdD4=)\n")},
        (
            f"{I}:8:5: error[unsafe-url]: links may use http, https or mailto, not data: (data:text/html;base64,PHNjcmlwdD4=)",
        ),
    ),
    Case(
        "script-after-a-comment",
        "markdown",
        {"pages/intro.md": page("<!-- x --><script>alert(1)</script>\n")},
        (
            f"{I}:8:1: error[raw-html]: write nothing after a comment's '-->' on its line: it would be left out of the page",
        ),
        cli=True,
    ),
    Case(
        "unclosed-comment",
        "markdown",
        {"pages/intro.md": page("<!-- never closed\n\nThe rest of the page.\n")},
        (
            f"{I}:8:1: error[raw-html]: this HTML comment is never closed with '-->', so it would hide the rest of the page",
        ),
    ),
    Case(
        "list-too-deep",
        "markdown",
        {"pages/intro.md": page("- " * 40 + "word\n\nThe paragraph after it.\n")},
        (
            f"{I}:8:67: error[too-deep]: lists, quotations and boxes nest more than 32 deep here; "
            "nest them less (what is deeper could not be published)",
        ),
        cli=True,
    ),
    Case(
        "quotation-too-deep",
        "markdown",
        {"pages/intro.md": page("Text.\n\n" + "> " * 20 + "\n" + "> " * 40 + "deep\n\nAfter.\n")},
        (
            f"{I}:11:67: error[too-deep]: lists, quotations and boxes nest more than 32 deep here; "
            "nest them less (what is deeper could not be published)",
        ),
    ),
    Case(
        "foreign-syntax",
        "markdown",
        {
            "pages/intro.md": page(
                "Text with {{ page.root }}, `{{ code }}` and {{ page.root }}.\n{: .callout}\n\n"
                "{% include links.md %}\n\n"
                "![A box](media/pic.svg){alt='x' width=\"40%\"}\n\n"
                "### Later {#later .x}\n\n"
                "```\n{{ fenced }}\n```\n\nA set {1, 2} and {name}.\n"
            )
        },
        (
            f"{I}:8:11: warning[foreign-syntax]: a Liquid variable {{{{ page.root }}}}: packager does "
            "not run Liquid and would publish it as text; write the text or the link itself "
            "(another page: 'welcome.md')",
            f"{I}:8:45: warning[foreign-syntax]: a Liquid variable {{{{ page.root }}}}: packager does "
            "not run Liquid and would publish it as text; write the text or the link itself "
            "(another page: 'welcome.md')",
            f"{I}:9:1: warning[foreign-syntax]: a kramdown attribute list {{: .callout}}: packager "
            "ignores it and would publish it as text; for a box write '::: note' (or another box "
            "type) and ':::' around the text, else remove it",
            f"{I}:11:1: warning[foreign-syntax]: a Liquid tag {{% include links.md %}}: packager does "
            "not run Liquid and would publish it as text; write what it stands for into the page, "
            "or remove it",
            f"{I}:13:10: warning[uncredited-media]: the image 'media/pic.svg' has no credit in "
            "course.yaml's 'media:', so it is credited to the course's authors under CC BY 4.0; add "
            "one if someone else made it",
            f"{I}:13:24: warning[foreign-syntax]: Pandoc attributes {{alt='x' width=\"40%\"}}: "
            "packager ignores them and would publish them as text; remove them (headings get their "
            "ids from their text, images keep their own size)",
            f"{I}:15:11: warning[foreign-syntax]: Pandoc attributes {{#later .x}}: packager ignores "
            "them and would publish them as text; remove them (headings get their ids from their "
            "text, images keep their own size)",
        ),
        exit=0,
        cli=True,
    ),
    Case(
        "unknown-box",
        "markdown",
        {"pages/intro.md": page("::: actvity\nText.\n:::\n")},
        (
            f"{I}:8:5: error[unknown-box]: unknown box type 'actvity' (did you mean 'activity'?); use one of: "
            "objectives, key-points, activity, reflection, definition, reading, case-study, note, summary, "
            "discussion, question",
        ),
    ),
    Case(
        "heading-levels",
        "markdown",
        {"pages/intro.md": INTRO + "\n# Big title\n\n#### Too deep\n"},
        (
            f"{I}:10:1: warning[heading-level]: the page title is the page's only level-1 heading; start headings at ##",
            f"{I}:12:1: warning[heading-level]: heading level 4 follows level 1; do not skip levels",
        ),
        exit=0,
    ),
    Case(
        "question-without-options",
        "markdown",
        {"pages/quiz.md": quiz("::: question single-choice\nPick.\n:::\n")},
        (f"{Q}:7:1: error[no-options]: question 1 has no list of options",),
    ),
    Case(
        "question-without-prompt",
        "markdown",
        {"pages/quiz.md": quiz("::: question single-choice\n- [x] A\n- [ ] B\n:::\n")},
        (f"{Q}:7:1: error[no-prompt]: question 1 has no question text before its options",),
    ),
    Case(
        "option-without-marker",
        "markdown",
        {"pages/quiz.md": quiz("::: question single-choice\nPick.\n\n- A\n- [x] B\n:::\n")},
        (
            f"{Q}:10:1: error[option-marker]: an option starts with [x] (a correct answer) or [ ] (a wrong one)",
        ),
    ),
    Case(
        "unknown-question-type",
        "markdown",
        {"pages/quiz.md": quiz("::: question multiple-choice\nPick.\n\n- [x] A\n- [ ] B\n:::\n")},
        (
            f"{Q}:7:5: error[question-type]: unknown question type 'multiple-choice' (did you mean 'single-choice'?); "
            "use one of: single-choice, multiple-response, true-false, short-answer",
        ),
    ),
    Case(
        "missing-image",
        "markdown",
        {"pages/intro.md": page("See ![a picture](media/nothere.png).\n")},
        (f"{I}:8:18: error[missing-media]: the image file 'media/nothere.png' does not exist",),
    ),
    Case(
        "misspelt-image",
        "markdown",
        {"pages/intro.md": page("See ![a picture](media/pics.svg).\n"), "media/notes.pdf": "x"},
        (
            f"{I}:8:18: error[missing-media]: the image file 'media/pics.svg' does not exist (did you mean 'media/pic.svg'?)",
        ),
    ),
    Case(
        "misspelt-media-link",
        "markdown",
        {"pages/intro.md": page("See [the notes](media/note.pdf).\n"), "media/notes.pdf": "x"},
        (
            f"{I}:8:17: error[missing-media]: the link file 'media/note.pdf' does not exist (did you mean 'media/notes.pdf'?)",
        ),
    ),
    # paths
    Case(
        "image-etc-passwd",
        "paths",
        {"pages/intro.md": page("![x](../../etc/passwd)\n")},
        (
            f"{I}:8:6: error[path-outside-course]: the image path '../../etc/passwd' points outside the course's media/ folder",
        ),
        cli=True,
    ),
    Case(
        "link-etc-passwd",
        "paths",
        {"pages/intro.md": page("[x](../../etc/passwd)\n")},
        (
            f"{I}:8:5: error[path-outside-course]: the link '../../etc/passwd' points outside the course; link to a page like 'welcome.md' or to a file in media/",
        ),
        cli=True,
    ),
    Case(
        "image-absolute",
        "paths",
        {"pages/intro.md": page("![x](/etc/passwd)\n")},
        (
            f"{I}:8:6: error[path-outside-course]: the image path '/etc/passwd' points outside the course's media/ folder",
        ),
    ),
    Case(
        "link-absolute",
        "paths",
        {"pages/intro.md": page("[x](/etc/passwd)\n")},
        (
            f"{I}:8:5: error[path-outside-course]: the link '/etc/passwd' points outside the course; link to a page like 'welcome.md' or to a file in media/",
        ),
    ),
    Case(
        "media-then-up",
        "paths",
        {"pages/intro.md": page("![x](media/../../course.yaml)\n")},
        (
            f"{I}:8:6: error[path-outside-course]: the image path 'media/../../course.yaml' points outside the course's media/ folder",
        ),
    ),
    Case(
        "percent-encoded-up",
        "paths",
        {"pages/intro.md": page("![x](media/%2e%2e/%2e%2e/course.yaml)\n")},
        (
            f"{I}:8:6: error[path-outside-course]: the image path 'media/../../course.yaml' points outside the course's media/ folder",
        ),
    ),
    Case(
        "file-url-link",
        "paths",
        {"pages/intro.md": page("[x](file:///etc/passwd)\n")},
        (
            f"{I}:8:5: error[unsafe-url]: links may use http, https or mailto, not file: (file:///etc/passwd)",
        ),
        cli=True,
    ),
    Case(
        "file-url-image",
        "paths",
        {"pages/intro.md": page("![x](file:///etc/passwd)\n")},
        (
            f"{I}:8:6: error[remote-media]: images must be files in the course's media/ folder, not 'file:///etc/passwd' (the course must work offline)",
        ),
    ),
    Case(
        "remote-image",
        "paths",
        {"pages/intro.md": page("![x](https://example.org/x.png)\n")},
        (
            f"{I}:8:6: error[remote-media]: images must be files in the course's media/ folder, not 'https://example.org/x.png' (the course must work offline)",
        ),
    ),
    Case(
        "cover-outside",
        "paths",
        {"course.yaml": COURSE_YAML + "cover: media/../../../etc/passwd\n"},
        (f"{Y}:13:8: error[media-path]: 'cover' must be a file in media/, like media/cover.svg",),
    ),
    Case(
        "credit-outside",
        "paths",
        {
            "course.yaml": COURSE_YAML
            + "media:\n  ../../etc/passwd:\n    title: x\n    author: y\n    license: CC0-1.0\n"
        },
        (
            f"{Y}:14:3: error[path-outside-course]: the credit names '../../etc/passwd', which is outside the course's media/ folder",
        ),
    ),
    Case(
        "media-symlink-out",
        "paths",
        {
            "media/leak.png": Link("outside/secret.png"),
            "pages/intro.md": page("![x](media/leak.png)\n"),
        },
        (
            f"{I}:8:6: error[path-outside-course]: the image 'media/leak.png' is a link to a file outside the course",
        ),
        cli=True,
    ),
    Case(
        "page-symlink-out",
        "paths",
        {
            "course.yaml": yaml("[intro, quiz]", "[intro, quiz, leak]"),
            "pages/leak.md": Link("outside/passwd.md"),
        },
        (
            "courses/demo/pages/leak.md:1:1: error[path-outside-course]: the page is a link to a file outside the course",
        ),
        cli=True,
    ),
    Case(
        "media-name-with-spaces",
        "paths",
        {
            "media/my pic.svg": SVG,
            "pages/intro.md": page("![A picture](<media/my pic.svg>)\n"),
            "course.yaml": COURSE_YAML + CREDIT.format("my pic.svg"),
        },
        exit=0,
        cli=True,
    ),
    Case(
        "media-name-non-ascii",
        "paths",
        {
            "media/café-ñ.svg": SVG,
            "pages/intro.md": page("![Une image](media/café-ñ.svg)\n"),
            "course.yaml": COURSE_YAML + CREDIT.format("café-ñ.svg"),
        },
        exit=0,
    ),
    Case(
        "media-windows-device-name",
        "paths",
        {"media/CON.svg": SVG, "pages/intro.md": page("![x](media/CON.svg)\n")},
        (
            f"{MEDIA}/CON.svg:1:1: error[media-name]: 'CON.svg' is a device name reserved by Windows; rename the file",
            f"{I}:8:6: warning[uncredited-media]: the image 'media/CON.svg' has no credit in course.yaml's 'media:', so it is credited to the course's authors under CC BY 4.0; add one if someone else made it",
        ),
        cli=True,
    ),
    Case(
        "media-windows-character",
        "paths",
        {"media/a:b.svg": SVG},
        (
            f"{MEDIA}/a:b.svg:1:1: error[media-name]: ':' is not allowed in file names on Windows; rename the file",
        ),
    ),
    Case(
        "media-trailing-dot",
        "paths",
        {"media/notes.txt.": "x"},
        (
            f"{MEDIA}/notes.txt.:1:1: error[media-name]: 'notes.txt.' ends with a dot or a space, which Windows drops; rename the file",
            f"{MEDIA}/notes.txt.:1:1: warning[media-type]: this type of file is not published (only images, documents, audio and video)",
        ),
    ),
    Case(
        "svg-with-an-external-entity",
        "paths",
        {
            "media/x.svg": '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&e;</svg>'
        },
        (
            f"{MEDIA}/x.svg:1:1: error[unsafe-svg]: unsafe SVG: it contains '<!ENTITY'; SVG files may not hold scripts, event handlers or links to other sites",
        ),
    ),
    # text
    Case(
        "page-not-utf8",
        "text",
        {"pages/intro.md": b"---\ntitle: Caf\xe9\nduration: 1\n---\n"},
        (f"{I}:2:1: error[encoding]: the file is not valid UTF-8; save it as UTF-8",),
        cli=True,
    ),
    Case(
        "course-yaml-latin1",
        "text",
        {"course.yaml": yaml("Demo course", "Café").encode("latin-1")},
        (f"{Y}:2:1: error[encoding]: the file is not valid UTF-8; save it as UTF-8",),
    ),
    Case(
        "page-utf16",
        "text",
        {"pages/intro.md": INTRO.encode("utf-16")},
        (f"{I}:1:1: error[encoding]: the file is not valid UTF-8; save it as UTF-8",),
    ),
    Case(
        "nul-byte",
        "text",
        {"pages/intro.md": page("Text\x00 here.\n").encode()},
        (f"{I}:8:1: error[nul-byte]: the file contains a NUL byte",),
        cli=True,
    ),
    Case(
        "bom-and-crlf-course-yaml",
        "text",
        {"course.yaml": b"\xef\xbb\xbf" + COURSE_YAML.replace("\n", "\r\n").encode()},
        exit=0,
        cli=True,
    ),
    Case(
        "bom-and-crlf-page",
        "text",
        {"pages/intro.md": b"\xef\xbb\xbf" + INTRO.replace("\n", "\r\n").encode()},
        exit=0,
    ),
    Case("cr-only-page", "text", {"pages/intro.md": INTRO.replace("\n", "\r")}, exit=0),
    Case(
        "zero-width-in-an-outline-id",
        "text",
        {"course.yaml": yaml("[intro, quiz]", "[intro\u200b, quiz]")},
        (
            f"{Y}:12:13: error[page-id]: the page name 'intro\\u200b' holds an invisible or direction-changing character (U+200B ZERO WIDTH SPACE)",
            f"{I}:1:1: warning[orphan-page]: this page is not in the outline of course.yaml, so it is not built",
        ),
        cli=True,
    ),
    Case(
        "bidi-override-in-a-media-name",
        "text",
        {"media/cod\u202egnp.svg": SVG},
        (
            f"{MEDIA}/cod\\u202egnp.svg:1:1: error[media-name]: the file name holds an invisible or direction-changing character (U+202E RIGHT-TO-LEFT OVERRIDE); rename the file",
        ),
    ),
    Case(
        "bidi-in-a-page-file-name",
        "text",
        {"pages/in\u202etro.md": INTRO},
        (
            "courses/demo/pages/in\\u202etro.md:1:1: error[page-id]: the file name holds an invisible or direction-changing character (U+202E RIGHT-TO-LEFT OVERRIDE); rename the file",
        ),
    ),
    Case(
        "zero-width-and-bidi-in-text",
        "text",
        {
            "pages/intro.md": page(
                "Zero\u200bwidth and \u202eover\u202c text.\n\n## Head\u200bing\n"
            ),
            "pages/quiz.md": QUIZ.replace("title: Quiz", "title: Qu\u200biz \u2067x\u2069"),
        },
        exit=0,
    ),
    Case(
        "xml-special-characters-in-titles",
        "text",
        {
            "course.yaml": yaml(
                "title: Demo course", "title: 'Tom & Jerry <b>\"q\" it''s'"
            ).replace("name: Test Author", 'name: "O\'Brien & <Co>"'),
            "pages/intro.md": INTRO.replace("title: Introduction", "title: \"A & B <c> 'd'\""),
        },
        exit=0,
        cli=True,
    ),
    Case("very-long-line", "text", {"pages/intro.md": page("word " * 400_000 + "\n")}, exit=0),
    Case(
        "ten-megabyte-page",
        "text",
        {"pages/intro.md": page(("Some *text* and " + "words " * 200_000 + "\n\n") * 9)},
        exit=0,
    ),
    Case(
        "page-over-the-size-limit",
        "text",
        {"pages/intro.md": page("x" * (20 * 2**20) + "\n")},
        (f"{I}:1:1: error[too-large]: the file is larger than 20 MiB",),
    ),
    # catalogues
    Case(
        "po-syntax-error",
        "catalogue",
        {
            **french(("Quiz", "Quiz")),
            f"../../{PO}": po(("Quiz", "Quiz")).replace('msgid "Quiz"', 'msgid "Quiz'),
        },
        (
            f"{PO}:7:1: error[po-syntax]: invalid .po file: expected a quoted string, found '\"Quiz'",
        ),
        cli=True,
    ),
    Case(
        "po-fuzzy-header",
        "catalogue",
        french(("Quiz", "Quiz"), header="#, fuzzy\n" + PO_HEADER),
        (
            f"{PO}:1:1: error[po-fuzzy-header]: the header is marked fuzzy, so gettext tools would ignore the whole catalogue; remove '#, fuzzy'",
        ),
    ),
    Case(
        "po-plural-forms",
        "catalogue",
        french(
            ("Quiz", "Quiz"),
            header=PO_HEADER.replace("nplurals=2; plural=(n > 1)", "nplurals=1; plural=0"),
        ),
        (
            f"{PO}:1:1: warning[po-plural-forms]: Plural-Forms should be 'nplurals=2; plural=(n > 1);' for fr, not 'nplurals=1; plural=0;'",
        ),
        strict=True,
    ),
    Case(
        "po-duplicate-msgid",
        "catalogue",
        french(("Quiz", "Quiz"), ("Quiz", "Le quiz")),
        (f"{PO}:10:1: error[po-duplicate]: duplicate message (first on line 7): 'Quiz'",),
        cli=True,
    ),
    Case(
        "po-wrong-language-header",
        "catalogue",
        french(("Quiz", "Quiz"), header=PO_HEADER.replace("Language: fr", "Language: de")),
        (f"{PO}:1:1: error[po-language]: the header says Language: de, but the file is for fr",),
    ),
    Case(
        "po-not-utf8-charset",
        "catalogue",
        french(("Quiz", "Quiz"), header=PO_HEADER.replace("UTF-8", "ISO-8859-1")),
        (
            f"{PO}:1:1: error[po-charset]: the catalogue must be UTF-8 (Content-Type: text/plain; charset=ISO-8859-1)",
        ),
    ),
    Case(
        "po-not-utf8-bytes",
        "catalogue",
        {"course.yaml": FR_YAML, f"../../{PO}": po(("Quiz", "Quizé")).encode("latin-1")},
        (f"{PO}:8:1: error[encoding]: the file is not valid UTF-8; save it as UTF-8",),
    ),
    Case(
        "po-nul-byte",
        "catalogue",
        {"course.yaml": FR_YAML, f"../../{PO}": po(("Quiz", "Qu\x00iz"))},
        (f"{PO}:8:1: error[nul-byte]: the file contains a NUL byte",),
    ),
    Case(
        "po-drops-a-link",
        "catalogue",
        french((LINKED, "Du *texte* avec un lien.")),
        (f"{PO}:8:1: error[po-links]: the translation drops [1] (links)",),
        cli=True,
    ),
    Case(
        "po-adds-a-link",
        "catalogue",
        french(("Wrong", "[Faux](https://evil.example)")),
        (f"{PO}:8:1: error[po-links]: the translation adds a link (links)",),
    ),
    Case(
        "po-adds-an-autolink",
        "catalogue",
        french(("Wrong", "Faux <https://evil.example/>")),
        (f"{PO}:8:1: error[po-links]: the translation adds <https://evil.example/> (links)",),
        cli=True,
    ),
    Case(
        "po-adds-a-mailto-autolink",
        "catalogue",
        french(("Wrong", "Faux <mailto:x@evil.example>"), ("Right", "Juste <x@evil.example>")),
        (
            f"{PO}:8:1: error[po-links]: the translation adds <mailto:x@evil.example> (links)",
            f"{PO}:11:1: error[po-links]: the translation adds <mailto:x@evil.example> (links)",
        ),
    ),
    Case(
        "po-changes-an-autolink",
        "catalogue",
        {
            **french(("Write to <team@example.org>.", "Écrivez à <x@evil.example>.")),
            "pages/intro.md": page("Write to <team@example.org>.\n"),
        },
        (
            f"{PO}:8:1: error[po-links]: the translation drops <mailto:team@example.org> and adds "
            "<mailto:x@evil.example> (links)",
        ),
    ),
    Case(
        "po-adds-emphasis",
        "catalogue",
        french(("Wrong", "**Faux**")),
        (
            f"{PO}:8:1: warning[po-emphasis]: the translation adds **strong**; check that the stress is meant",
        ),
        exit=0,
    ),
    Case(
        "po-script",
        "catalogue",
        french(("Wrong", "<script>alert(1)</script>")),
        (
            f"{PO}:8:1: error[po-html]: the translation adds <script>, <script> (HTML tags)",
            f"{PO}:8:1: error[raw-html]: the HTML tag </script> is not allowed; {ALLOWED}",
            f"{PO}:8:1: error[raw-html]: the HTML tag <script> is not allowed; {ALLOWED}",
        ),
        cli=True,
    ),
    Case(
        "po-event-handler",
        "catalogue",
        french(("Wrong", "<span onclick=x>Faux</span>")),
        (
            f"{PO}:8:1: error[po-html]: the translation adds <span>, <span> (HTML tags)",
            f"{PO}:8:1: error[raw-html]: the attribute 'onclick' is not allowed on <span>",
        ),
    ),
    Case(
        "po-javascript-url",
        "catalogue",
        french((LINKED, "Du *texte* avec [un lien](javascript:alert(1)).")),
        (
            f"{PO}:8:1: error[unsafe-url]: links may use http, https or mailto, not javascript: (javascript:alert(1))",
        ),
    ),
    Case(
        "po-html-in-a-title",
        "catalogue",
        french(("Demo course", "</title><script>alert(1)</script>")),
        (
            f"{PO}:8:1: error[po-html]: the translation adds <script>, <script>, <title> (HTML tags)",
        ),
    ),
    Case(
        "po-unknown-language",
        "catalogue",
        {"../../locales/xx-Nope/LC_MESSAGES/demo.po": po(("Quiz", "Quiz"))},
        (
            "locales/xx-Nope/LC_MESSAGES/demo.po:1:1: error[invalid-language]: the folder locales/xx-Nope is not a language code Babel knows",
        ),
        cli=True,
    ),
    Case(
        "po-folder-with-a-hyphen",
        "catalogue",
        {
            "course.yaml": yaml("license: CC-BY-4.0", "license: CC-BY-4.0\nlanguages: [pt-BR]"),
            "../../locales/pt-BR/LC_MESSAGES/demo.po": po(("Quiz", "Questionário")),
        },
        (
            "locales/pt-BR/LC_MESSAGES/demo.po:1:1: error[invalid-language]: the folder locales/pt-BR must be called pt_BR, as gettext tools expect",
        ),
    ),
    Case(
        "po-language-not-listed",
        "catalogue",
        {"../../locales/de/LC_MESSAGES/demo.po": po(("Quiz", "Quiz"))},
        (
            "locales/de/LC_MESSAGES/demo.po:1:1: warning[language-not-listed]: there is a catalogue for 'de', but course.yaml does not list it in 'languages'",
        ),
        exit=0,
    ),
    Case(
        "po-from-an-older-course",
        "catalogue",
        french(
            ("Quiz", "Quiz"),
            ("Some *text* with a link.", "Du *texte* avec un lien."),
            ("Gone", "Parti"),
        ),
        (
            f"{PO}:11:1: warning[po-stale]: the catalogue is older than the course: 2 translations match no text of it (the first here); run 'packager update demo' to keep them as fuzzy suggestions",
        ),
        strict=True,
        cli=True,
    ),
    Case(
        "po-bom-and-crlf",
        "catalogue",
        {
            "course.yaml": FR_YAML,
            f"../../{PO}": b"\xef\xbb\xbf" + po(("Quiz", "Le quiz")).replace("\n", "\r\n").encode(),
        },
        exit=0,
    ),
    # cartridges given to check
    Case(
        "cc-not-a-zip",
        "cartridge",
        cartridge=b"just text",
        expected=("x.imscc:1:1: error[cc-zip]: this is not a zip file, so not a cartridge",),
        cli=True,
    ),
    Case(
        "cc-empty-file",
        "cartridge",
        cartridge=b"",
        expected=("x.imscc:1:1: error[cc-zip]: this is not a zip file, so not a cartridge",),
    ),
    Case(
        "cc-truncated",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST))[:40],
        expected=("x.imscc:1:1: error[cc-zip]: this is not a zip file, so not a cartridge",),
    ),
    Case(
        "cc-empty-zip",
        "cartridge",
        cartridge=zipped(),
        expected=("x.imscc:1:1: error[cc-manifest]: no imsmanifest.xml at the root of the zip",),
    ),
    Case(
        "cc-dot-dot-entry",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST), ("../../evil.sh", b"x")),
        expected=(
            "x.imscc:1:1: error[cc-path]: the entry '../../evil.sh' points outside the cartridge",
        ),
        cli=True,
    ),
    Case(
        "cc-absolute-entry",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST), ("/etc/cron.d/x", b"x")),
        expected=(
            "x.imscc:1:1: error[cc-path]: the entry '/etc/cron.d/x' points outside the cartridge",
        ),
    ),
    Case(
        "cc-backslash-entry",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST), ("..\\evil.txt", b"x")),
        expected=(
            "x.imscc:1:1: error[cc-path]: the entry '..\\\\evil.txt' points outside the cartridge",
        ),
    ),
    Case(
        "cc-drive-entry",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST), ("C:/evil.txt", b"x")),
        expected=(
            "x.imscc:1:1: error[cc-path]: the entry 'C:/evil.txt' points outside the cartridge",
        ),
    ),
    Case(
        "cc-symlink-entry",
        "cartridge",
        cartridge=zipped(
            ("imsmanifest.xml", MANIFEST), (symlink_entry("pages/link"), b"/etc/passwd")
        ),
        expected=("x.imscc:1:1: error[cc-path]: the entry 'pages/link' is a symbolic link",),
        cli=True,
    ),
    Case(
        "cc-zip-bomb",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", MANIFEST), ("big.txt", b"\0" * (8 * 2**20))),
        expected=(
            "x.imscc:1:1: error[cc-size]: the entry 'big.txt' is compressed 1028 times: refused as a zip bomb",
        ),
        cli=True,
    ),
    Case(
        "cc-external-entity",
        "cartridge",
        cartridge=zipped(
            (
                "imsmanifest.xml",
                b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                b'<manifest xmlns="' + CC_NS + b'">&x;</manifest>',
            )
        ),
        expected=(f"x.imscc/imsmanifest.xml:1:1: error[cc-dtd]: {DTD}",),
        cli=True,
    ),
    Case(
        "cc-billion-laughs",
        "cartridge",
        cartridge=zipped(
            (
                "imsmanifest.xml",
                b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><manifest xmlns="'
                + CC_NS
                + b'">&c;</manifest>',
            )
        ),
        expected=(f"x.imscc/imsmanifest.xml:1:1: error[cc-dtd]: {DTD}",),
    ),
    Case(
        "cc-external-dtd",
        "cartridge",
        cartridge=zipped(
            (
                "imsmanifest.xml",
                b'<!DOCTYPE manifest SYSTEM "http://evil.example/x.dtd"><manifest xmlns="'
                + CC_NS
                + b'"/>',
            )
        ),
        expected=(f"x.imscc/imsmanifest.xml:1:1: error[cc-dtd]: {DTD}",),
    ),
    Case(
        "cc-xml-too-deep",
        "cartridge",
        cartridge=zipped(
            (
                "imsmanifest.xml",
                b'<manifest xmlns="'
                + CC_NS
                + b'">'
                + b"<a>" * 300
                + b"</a>" * 300
                + b"</manifest>",
            ),
            stored=True,
        ),
        expected=(
            "x.imscc/imsmanifest.xml:1:837: error[cc-xml]: not well-formed XML: Excessive depth in document: 256, use XML_PARSE_HUGE option, line 1, column 836",
        ),
    ),
    Case(
        "cc-not-xml",
        "cartridge",
        cartridge=zipped(("imsmanifest.xml", b"\x00\xff garbage")),
        expected=(
            "x.imscc/imsmanifest.xml:1:2: error[cc-xml]: not well-formed XML: Document is empty, line 1, column 1",
        ),
    ),
    Case(
        "cc-manifest-in-a-folder",
        "cartridge",
        cartridge=zipped(("course/imsmanifest.xml", MANIFEST)),
        expected=(
            "x.imscc:1:1: error[cc-manifest]: no imsmanifest.xml at the root of the zip (found course/imsmanifest.xml: the manifest must be at the root of the zip, not in a folder)",
        ),
        cli=True,
    ),
    Case(
        "cc-encrypted-entry",
        "cartridge",
        cartridge=encrypted(zipped(("imsmanifest.xml", MANIFEST))),
        expected=("x.imscc:1:1: error[cc-zip]: the entry 'imsmanifest.xml' is encrypted",),
    ),
    Case(
        "cc-bzip2",
        "cartridge",
        cartridge=bzip2(("imsmanifest.xml", MANIFEST)),
        expected=(
            "x.imscc:1:1: error[cc-zip]: the entry 'imsmanifest.xml' is compressed in a way LMSs do not read; use Deflate",
        ),
    ),
]

COURSE_CASES = [c for c in CASES if c.cartridge is None]
CLI_CASES = [c for c in CASES if c.cli]


def test_the_corpus_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    categories = {c.category for c in CASES}
    assert categories == {"course", "markdown", "paths", "text", "catalogue", "cartridge"}
    assert all(sum(c.cli for c in CASES if c.category == k) >= 3 for k in categories)


# -- running a case ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection while a case runs fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def write_case(case: Case, make_course: CourseFactory, tmp_path: Path) -> Path:
    """The project of a course case: the default course with the case's files."""
    texts = {k: v for k, v in case.files.items() if isinstance(v, str) or v is None}
    project = make_course(
        {k: v for k, v in texts.items() if not k.startswith("../")}, case.course_id
    )
    course = project / "courses" / case.course_id
    outside = project / "outside"
    outside.mkdir(exist_ok=True)
    for name, value in case.files.items():
        path = course / name
        if isinstance(value, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(value)
        elif isinstance(value, Link):
            target = project / value.target
            target.write_text(OUTSIDE_TEXT)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target)
        elif isinstance(value, str) and name.startswith("../"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(value, encoding="utf-8")
    # A published language's interface is translated (the repository's), unless the case says
    # otherwise: each case shows one problem, and an English interface is another.
    for folder in sorted((project / "locales").glob("*/LC_MESSAGES")):
        ui = REPO / "locales" / folder.relative_to(project / "locales") / "ui.po"
        if ui.is_file() and not (folder / "ui.po").exists():
            (folder / "ui.po").write_bytes(ui.read_bytes())
    return project


def check_in_process(case: Case, project: Path) -> tuple[list[str], int]:
    problems = Problems()
    if case.cartridge is not None:
        check_cartridge(case.cartridge, "x.imscc", problems)
    else:
        try:
            check_all(project, (), problems)
        except InputError as exc:
            problems.extend(exc.diagnostics)
    return [d.format() for d in problems.sorted()], int(problems.fails(case.strict))


def summary(case: Case) -> list[str]:
    """The count line the command line prints after the diagnostics."""
    if not case.expected:
        return []
    errors = sum(": error[" in line for line in case.expected)
    warnings = len(case.expected) - errors
    note = " (--strict: warnings count as errors)" if case.strict and warnings else ""
    plural = lambda n, word: f"{n} {word}" if n == 1 else f"{n} {word}s"  # noqa: E731
    return [f"{plural(errors, 'error')}, {plural(warnings, 'warning')}{note}"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, make_course: CourseFactory, tmp_path: Path) -> None:
    project = tmp_path if case.cartridge is not None else write_case(case, make_course, tmp_path)
    found, exit_code = check_in_process(case, project)
    assert found == list(case.expected)
    assert exit_code == case.exit


def snapshot(root: Path) -> dict[str, str]:
    """Every file and link under ``root`` with a digest of its content."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[name] = f"-> {path.readlink()}"
        elif path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[name] = "dir"
    return found


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_case_through_the_command_line(
    case: Case, make_course: CourseFactory, tmp_path: Path
) -> None:
    """``packager build`` (``check`` for a cartridge) as users run it, over a previous build."""
    if case.cartridge is not None:
        (tmp_path / "x.imscc").write_bytes(case.cartridge)
        before = snapshot(tmp_path)
        result = run("check", "x.imscc", cwd=tmp_path)
        assert result.stderr.splitlines() == list(case.expected) + summary(case)
        assert result.returncode == case.exit
        assert snapshot(tmp_path) == before
        return
    if case.course_id == "demo":  # a previous good build, which a failed build must not touch
        previous = make_course()
        build(BuildOptions(project=previous, out=previous / "build", formats=("html",)), Problems())
        assert snapshot(previous / "build")
    project = write_case(case, make_course, tmp_path)
    before = snapshot(project)
    strict = ("--strict",) if case.strict else ()
    result = run("build", "--format", "html", "--json", *strict, cwd=project)
    assert "Traceback" not in result.stderr
    assert result.returncode == case.exit, result.stderr
    assert result.stderr.splitlines() == list(case.expected) + summary(case)
    report = json.loads(result.stdout)
    after = snapshot(project)
    if case.exit:
        # Not one byte of a failed output written; other outputs of the course may be rebuilt
        # (a failing language does not stop the others), but not its sources.
        failed = {f"build/{o['course']}/{o['lang']}/" for o in report["outputs"] if o["errors"]}
        assert failed
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert {k for k in changed if k != "build" and not k.startswith("build/")} == set()
        changed -= {"build", "build/.packager", "build/.packager/lock"}  # the build's own lock
        assert not {k for k in changed if any(k.startswith(f) for f in failed)}
        assert not any(k.startswith("build/") for k in changed) or case.course_id == "demo"
    else:
        outside_build = {k: v for k, v in after.items() if not k.startswith("build")}
        assert outside_build == {k: v for k, v in before.items() if not k.startswith("build")}
        assert (project / "build/demo/en/html/index.html").is_file()


# -- what the accepted cases must come out as -------------------------------------------------

CASE = {c.id: c for c in CASES}


def built(case_id: str, make_course: CourseFactory, tmp_path: Path, *formats: str) -> Path:
    project = write_case(CASE[case_id], make_course, tmp_path)
    problems = Problems()
    build(BuildOptions(project=project, out=project / "build", formats=formats), problems)
    assert not problems.errors
    return project / "build/demo/en"


@pytest.mark.parametrize("case_id", ["bom-and-crlf-page", "cr-only-page"])
def test_bom_and_line_endings_build_like_the_plain_page(
    case_id: str, make_course: CourseFactory, tmp_path: Path
) -> None:
    text = (built(case_id, make_course, tmp_path, "html") / "html/intro.html").read_text()
    assert "\ufeff" not in text and "\r" not in text
    assert "<h1>Introduction</h1>" in text and "<p>Some <em>text</em> with a" in text


def test_invisible_characters_are_kept_in_text_and_left_out_of_ids(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    site = built("zero-width-and-bidi-in-text", make_course, tmp_path, "html") / "html"
    intro = (site / "intro.html").read_text()
    assert "Zero\u200bwidth and \u202eover\u202c text." in intro
    assert '<h2 id="heading">Head\u200bing</h2>' in intro
    assert "Qu\u200biz \u2067x\u2069" in (site / "quiz.html").read_text()


def test_media_names_with_spaces_or_accents_are_encoded(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    out = built("media-name-with-spaces", make_course, tmp_path / "a", "html", "imscc")
    assert 'src="media/my%20pic.svg"' in (out / "html/intro.html").read_text()
    with zipfile.ZipFile(out / "demo-en.imscc") as archive:
        names = archive.namelist()
    assert not any(" " in n for n in names)
    out = built("media-name-non-ascii", make_course, tmp_path / "b", "html")
    assert 'src="media/caf%C3%A9-%C3%B1.svg"' in (out / "html/intro.html").read_text()
    assert (out / "html/media/café-ñ.svg").is_file()


def test_xml_special_characters_reach_the_manifest_and_the_pdf_intact(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    out = built("xml-special-characters-in-titles", make_course, tmp_path, "html", "imscc", "pdf")
    with zipfile.ZipFile(out / "demo-en.imscc") as archive:
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    texts = {e.text for e in manifest.iter() if isinstance(e.tag, str) and e.text}
    assert 'Tom & Jerry <b>"q" it\'s' in texts and "A & B <c> 'd'" in texts
    metadata = PdfReader(out / "demo-en.pdf").metadata
    assert metadata is not None
    assert metadata.title == 'Tom & Jerry <b>"q" it\'s'
    assert metadata.author == "O'Brien & <Co>"
    index = lxml_html.parse(str(out / "html/index.html")).getroot()
    assert index.find(".//h1").text == 'Tom & Jerry <b>"q" it\'s'
    assert index.find(".//h1/b") is None


def test_a_ten_megabyte_page_builds(make_course: CourseFactory, tmp_path: Path) -> None:
    source = CASE["ten-megabyte-page"].files["pages/intro.md"]
    assert isinstance(source, str) and len(source.encode()) > 10 * 10**6
    site = built("ten-megabyte-page", make_course, tmp_path, "html") / "html"
    assert (site / "intro.html").stat().st_size > 10 * 10**6


@pytest.mark.parametrize("name", ["../escape.html", "/tmp/escape.html", "a/../../escape.html"])
def test_the_writer_refuses_paths_out_of_the_output_folder(tmp_path: Path, name: str) -> None:
    from packager.output import write_tree

    target = tmp_path / "out" / "site"
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        write_tree(target, {"index.html": b"ok", name: b"x"})
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out"]


def test_security_md_names_only_tests_and_cases_that_exist() -> None:
    """SECURITY.md says which test proves each guarantee: each name it gives must exist."""

    from tests.conftest import REPO

    text = (REPO / "SECURITY.md").read_text()
    for path, name in re.findall(r"`(tests/test_\w+\.py)::(\w+)`", text):
        assert f"def {name}(" in (REPO / path).read_text(), f"{path}::{name}"
    for name in re.findall(r"`(test_\w+)`", text):
        assert any(f"def {name}(" in p.read_text() for p in (REPO / "tests").glob("test_*.py")), (
            name
        )
    cases = {c.id for c in CASES}
    quoted = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", text))
    assert not quoted - cases, quoted - cases


def test_a_refused_title_is_left_out_of_the_report(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    """report.json keeps what a site would show, never a translation that was refused."""
    project = write_case(CASE["po-html-in-a-title"], make_course, tmp_path)
    with pytest.raises(InputError):
        build(BuildOptions(project=project, out=project / "build", formats=("html",)), Problems())
    report = (project / "build/report.json").read_text()
    assert "<script>" not in report and "title>" not in report
    languages = json.loads(report)["courses"][0]["languages"]
    assert [(x["lang"], x["title"]) for x in languages] == [
        ("en", "Demo course"),
        ("fr", "Demo course"),
    ]
