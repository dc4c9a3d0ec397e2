"""Rendering: a golden page with every feature, and the escaping rules."""

from __future__ import annotations

import os
from pathlib import Path

from packager.diagnostics import Problems
from packager.render.document import render_document, render_inline_text
from packager.render.settings import RenderContext
from packager.source.licenses import LICENSES
from packager.source.markdown import split_front_matter
from packager.source.model import MediaCredit
from packager.source.reader import read_document

GOLDEN = Path(__file__).parent / "golden"


def _ctx() -> RenderContext:
    def credit(path: str) -> MediaCredit:
        return MediaCredit(
            path, "Grey <box>", "A. Author", LICENSES["CC-BY-4.0"], "https://example.org/src"
        )

    return RenderContext(gettext=str, image_sizes={"media/pic.svg": (40, 20)}, credit_for=credit)


def _render(text: str) -> tuple[str, list[str]]:
    _yaml, _line, body = split_front_matter(text)
    problems = Problems()
    document = read_document(body, "page.md", None, problems)
    return render_document(document, _ctx()), [d.format() for d in problems.sorted()]


def test_golden_features_page() -> None:
    """Compare with tests/golden/features.html; UPDATE_GOLDEN=1 rewrites it for review."""
    html, problems = _render((GOLDEN / "features.md").read_text(encoding="utf-8"))
    assert problems == []
    golden = GOLDEN / "features.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_text_is_escaped() -> None:
    html, _ = _render('A <b>tag</b> & "quotes" <3\n')
    assert "<b>" not in html
    assert "&lt;b&gt;tag&lt;/b&gt; &amp; &quot;quotes&quot; &lt;3" in html


def test_unsafe_link_is_never_rendered_even_unchecked() -> None:
    html, problems = _render("[x](javascript:alert(1)) [y](data:text/html,hi)\n")
    assert [p.split(": ")[1] for p in problems] == ["error[unsafe-url]", "error[unsafe-url]"]
    assert "javascript:" not in html and "data:" not in html


def test_allowed_inline_html_is_reserialised() -> None:
    html, problems = _render("<span lang='fr' dir=ltr>bonjour</span> <sup>2</sup>\n")
    assert problems == []
    assert '<span lang="fr" dir="ltr">bonjour</span> <sup>2</sup>' in html


def test_inline_text_rendering_escapes_html() -> None:
    assert render_inline_text("*Open* <img src=x onerror=alert(1)>", _ctx()) == (
        "<em>Open</em> &lt;img src=x onerror=alert(1)&gt;"
    )


def test_box_default_title_comes_from_gettext() -> None:
    _yaml, _line, body = split_front_matter("::: reflection\nThink.\n:::\n")
    document = read_document(body, "p.md", None, Problems())
    ctx = RenderContext(gettext=lambda s: {"Reflection": "Réflexion"}.get(s, s))
    assert '<span class="box-icon" aria-hidden="true"></span>Réflexion</p>' in render_document(
        document, ctx
    )


def test_deep_nesting_up_to_the_limit_is_rendered_with_the_text_after_it() -> None:
    """markdown-it used to drop a list 10 deep (and the paragraph after it) without a word."""
    for source in ("- " * 32 + "word\n\nAfter.\n", "> " * 32 + "word\n\nAfter.\n"):
        html, problems = _render(source)
        assert problems == []
        assert "word" in html and "<p>After.</p>" in html


def test_inline_nesting_past_the_parser_limit_keeps_every_word() -> None:
    """Inline text (a page's or a translation's) past markdown-it's limit stays as text."""
    from packager.source.mdinline import parse_inline
    from packager.source.mdinline import render_inline as plain

    for text in ("[" * 30 + "x" + "]" * 30, "_a " * 25 + "x" + " b_" * 25):
        html = plain(parse_inline(text, {}), {})
        assert html.replace("<em>", "").replace("</em>", "") == text.replace("_", "")
