"""The book's checks before WeasyPrint starts: its size (a bound on layout time and memory), every
character against the print fonts, and an image WeasyPrint could not draw, each located where
the writer can fix it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from packager.diagnostics import (
    Diagnostic,
    InputError,
    Location,
    Problems,
    Severity,
    display_path,
)
from packager.formats.pdf import glyphs
from packager.i18n import locales
from packager.i18n.editions import Edition

if TYPE_CHECKING:  # pragma: no cover
    pass
from packager.formats.pdf.fetch import ROOT

# WeasyPrint's time and memory grow with the book (1 MB of text: about 300 pages, 50 s and 280 MB
# on one core; 10 MB did not finish in 10 minutes and 1.5 GB). A book over this many characters
# of text is refused before WeasyPrint starts; the site and the cartridge still build. The
# sample course's books hold 10,000 to 31,000.
MAX_BOOK_TEXT = 1_000_000


def check_size(edition: Edition, root: Any) -> None:
    """Refuse a book over :data:`MAX_BOOK_TEXT`, pointing at the page that takes it over."""
    total = sum(len(t) for t in root.itertext())
    if total <= MAX_BOOK_TEXT:
        return
    pages = [e for e in root.iter("article") if e.get("data-source")]
    sizes = [sum(len(t) for t in page.itertext()) for page in pages]
    running = total - sum(sizes)  # the cover, contents, answer key and credits
    where = f"courses/{edition.course.id}/course.yaml"
    for page, size in zip(pages, sizes, strict=True):
        running += size
        if running > MAX_BOOK_TEXT:
            where = str(page.get("data-source"))
            break
    raise InputError(
        [
            Diagnostic(
                Location(where),
                Severity.ERROR,
                "pdf-too-large",
                f"this page takes the book past the PDF's limit of {MAX_BOOK_TEXT:,} characters"
                f" of text (it has {total:,}); the PDF is not made, the other formats are:"
                " shorten the course or split it into several",
            )
        ]
    )


def check_glyphs(edition: Edition, project: Path, html: str, problems: Problems) -> None:
    """Fail on any character no font can draw, naming it, the page and the packages to install."""
    from lxml import html as lxml_html

    missing_fonts = glyphs.missing_families()
    root = lxml_html.fromstring(html)
    # Innermost first (a page before the module around it): each character is reported once,
    # for the first part of the book that holds it.
    seen: set[str] = set()
    parts = [e for e in root.iter() if isinstance(e.tag, str) and e.get("data-source")]
    for part in reversed(parts):
        where = str(part.get("data-source"))
        for char in glyphs.missing(" ".join(str(t) for t in part.itertext())):
            if char in seen:
                continue
            seen.add(char)
            hint = (
                f"; install the fonts it needs ({glyphs.PACKAGES})"
                if missing_fonts
                else "; no installed font has it"
            )
            problems.error(
                Location(where), "missing-glyph", f"the PDF cannot draw {_char_name(char)}{hint}"
            )
        parent = part.getparent()
        if parent is not None:
            parent.remove(part)
    rest = " ".join(str(t) for t in root.itertext())  # module titles, contents, running heads
    for char in glyphs.missing(rest):
        if char not in seen:
            seen.add(char)
            problems.error(
                _first_use(edition, project, char),
                "missing-glyph",
                f"the PDF cannot draw {_char_name(char)}; no installed font has it",
            )


def _first_use(edition: Edition, project: Path, char: str) -> Location:
    """Where a character outside the pages comes from: the course file (module titles, the
    course title) or, failing that, the edition's catalogue."""
    course = edition.course
    candidates = [
        course.root / "course.yaml",
        locales.catalogue_path(project, edition.lang, course.id),
    ]
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            col = line.find(char)
            if col >= 0:
                where = path.resolve().relative_to(project.resolve()).as_posix()
                return Location(where, number, col + 1)
    return Location(f"courses/{course.id}/course.yaml")


def _char_name(char: str) -> str:
    import unicodedata

    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')} ({char})"


def image_problem(edition: Edition, project: Path, message: str) -> Diagnostic:
    """WeasyPrint's "Failed to load image at 'url': " (it gives no reason) as an error at the
    page line that uses the image, with the reason Pillow, which WeasyPrint reads images with,
    gives."""
    course = edition.course
    found = re.search(r"at '([^']*)'", message)
    url = found.group(1) if found else ""
    name = unquote(urlsplit(url).path.removeprefix("/__course__/")) if url.startswith(ROOT) else ""
    if not name.startswith("media/"):
        return Diagnostic(
            Location(f"courses/{course.id}/media"), Severity.ERROR, "pdf-image", message
        )
    # A language's own version (media/x.fr.png) stands where the page names media/x.png.
    base = name.replace(f".{edition.lang}.", ".", 1)
    uses = [
        image.location
        for page in course.pages
        for image in page.document.images
        if image.src in (name, base)
    ]
    where = uses[0] if uses else Location(display_path(course.root / name, project))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(course.root / name) as image:
            image.load()
        reason = "WeasyPrint could not draw it"
    except UnidentifiedImageError:  # its message holds the absolute path: say it plainly
        reason = "the file is damaged or is not the kind of image its name says"
    except Exception as exc:  # whatever Pillow (which WeasyPrint reads images with) says
        reason = f"the file cannot be read as an image ({str(exc) or type(exc).__name__})"
    return Diagnostic(
        where, Severity.ERROR, "pdf-image", f"the image {name!r} cannot be put in the PDF: {reason}"
    )
