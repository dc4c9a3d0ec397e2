"""``--embed-fonts``: the EPUB carries subsets of the Noto faces the PDF prints with.

Reading systems without a face for the book's script (an e-reader with no Arabic or Chinese
font) show blank boxes; a book that carries its faces reads everywhere. Each face is cut down
to the characters of the book (fontTools' subsetter, with its OpenType layout kept so Arabic
still joins) and declared with ``@font-face`` in the book's stylesheet; the reader may still
choose another face. Faces are found with fontconfig, as the PDF's are; the same inputs give
the same bytes. The Noto fonts are under the SIL Open Font License, which allows embedding.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from packager.diagnostics import Diagnostic, Location, Severity
from packager.formats.pdf.glyphs import fc_match


@dataclass(frozen=True)
class Face:
    """One installed face: its family, weight (400 or 700), file and index in a collection."""

    family: str
    weight: int
    path: Path
    index: int


def families(lang: str) -> tuple[str, ...]:
    """The book's faces for a language, in the order the print stylesheet names them."""
    base = lang.split("-")[0]
    if base in ("ar", "fa", "ur"):
        return ("Noto Sans Arabic", "Noto Sans")
    if base in ("he", "yi"):
        return ("Noto Sans Hebrew", "Noto Sans")
    if base in ("hi", "mr", "ne"):
        return ("Noto Sans Devanagari", "Noto Sans")
    if base == "zh":
        region = "TC" if re.match(r"zh-(Hant|TW|HK|MO)", lang) else "SC"
        return (f"Noto Sans CJK {region}", "Noto Sans")
    if base in ("ja", "ko"):
        return (f"Noto Sans CJK {'JP' if base == 'ja' else 'KR'}", "Noto Sans")
    return ("Noto Sans",)


def other_families(lang: str, text: str) -> tuple[str, ...]:
    """Faces for scripts of ``text`` beyond the language's own (other languages' names in the
    credits, a quotation): a few characters each, so they read on an e-reader without them."""
    own = " ".join(families(lang))
    found = []
    for pattern, family in (
        ("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]", "Noto Sans Arabic"),
        ("[\u0590-\u05ff]", "Noto Sans Hebrew"),
        ("[\u0900-\u097f]", "Noto Sans Devanagari"),
        ("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]", "Noto Sans CJK SC"),
        ("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]", "Noto Sans"),
    ):
        # A CJK book's own face already draws every Han character it quotes.
        mine = "CJK" in own if "CJK" in family else family in families(lang)
        if not mine and re.search(pattern, text):
            found.append(family)
    return tuple(found)


def find_face(family: str, weight: int) -> Face | None:
    """The installed file of ``family`` at ``weight``; None when fontconfig has no such face."""
    pattern = f"{family}:weight={'200' if weight >= 700 else '80'}"  # fontconfig's scale
    answer = fc_match(pattern, "file", "index", "weight")
    if answer is None:
        return None
    found, file, index, got = answer
    if family not in found.split(",") or not file:
        return None
    if (int(float(got)) >= 200) != (weight >= 700):
        return None  # no face of that weight: the reader's own bold serves
    return Face(family, weight, Path(file), int(index))


def subset(face: Face, text: str) -> bytes | None:
    """``face`` cut down to the characters of ``text`` it has; None if it has none of them."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: saving would stamp the time into the face (and the book)
    with TTFont(str(face.path), fontNumber=face.index, recalcTimestamp=False) as font:
        cmap = font.getBestCmap() or {}
        wanted = sorted({ord(c) for c in text if ord(c) in cmap})
        if not any(chr(c).isalpha() or chr(c).isdigit() for c in wanted):
            return None
        options = ft_subset.Options()
        options.layout_features = ["*"]  # joining, ligatures, marks: the script needs them
        options.name_IDs = ["*"]
        options.name_legacy = True
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False  # e-readers hint themselves; halves a Latin face
        options.desubroutinize = True
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out, reorderTables=True)
        return out.getvalue()


def embedded(lang: str, text: str, book: str) -> tuple[dict[str, bytes], str, list[Diagnostic]]:
    """``({"fonts/<file>": bytes}, css, problems)``: the faces of the book's language cut to
    ``text``, the ``@font-face`` rules and the body's font family that use them; a face that is
    not installed is an error at the book (``book``), naming the Debian package to install."""
    files: dict[str, bytes] = {}
    rules: list[str] = []
    problems: list[Diagnostic] = []
    names = families(lang) + other_families(lang, text)
    for family in names:
        for weight in (400, 700) if family in families(lang) else (400,):
            face = find_face(family, weight)
            if face is None:
                if weight == 400:
                    package = "fonts-noto-cjk" if "CJK" in family else "fonts-noto-core"
                    problems.append(
                        Diagnostic(
                            Location(book),
                            Severity.ERROR,
                            "epub-font",
                            f"--embed-fonts: the font {family!r} is not installed"
                            f" (apt-get install {package})",
                        )
                    )
                continue
            data = subset(face, text)
            if data is None:
                continue
            suffix = ".otf" if data[:4] == b"OTTO" else ".ttf"
            name = f"fonts/{family.replace(' ', '')}-{weight}{suffix}"
            files[name] = data
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight};'
                f' font-style: normal; src: url("{name}"); }}'
            )
    if not rules:
        return files, "", problems
    stack = ", ".join(f'"{f}"' for f in names)
    css = (
        "\n/* --embed-fonts: the faces of the book's script, cut to its characters */\n"
        + "\n".join(rules)
        + f"\nbody {{ font-family: {stack}, sans-serif; }}\n"
    )
    return files, css, problems
