"""SVG text shaped into outlines for the book (formats/pdf/svgtext.py)."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import etree

from packager.formats.pdf.svgtext import shape_svg
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig is missing")

NS = "{http://www.w3.org/2000/svg}"
TIMELINE = REPO / "courses/oer-recommendation/media/timeline.ar.svg"


def _xs(d: str) -> list[float]:
    """The x coordinates of a path made by fontTools' SVG pen (absolute M L C Q H V Z)."""
    xs, command, n = [], "", 0
    for token in re.findall(r"[MLCQHVZ]|-?\d+(?:\.\d+)?", d):
        if token.isalpha():
            command, n = token, 0
        elif command == "H" or (command not in "VH" and n % 2 == 0):
            xs.append(float(token))
            n += 1
        else:
            n += 1
    return xs


def _svg(body: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100" font-size="20">'
        f"{body}</svg>"
    ).encode()


def test_the_arabic_timeline_is_drawn_as_outlines_that_keep_their_words() -> None:
    """Regression (issue 14 item 19): the Arabic book printed the English timeline because
    WeasyPrint cannot shape right-to-left text inside SVG."""
    data = TIMELINE.read_bytes()
    shaped = shape_svg(data, "ar")
    assert shaped is not None and shape_svg(data, "ar") == shaped  # deterministic
    root = etree.fromstring(shaped)
    assert not list(root.iter(f"{NS}text"))
    groups = [g for g in root.iter(f"{NS}g") if g.get("aria-label")]
    labels = [g.get("aria-label") for g in groups]
    assert labels[:4] == ["2002", "2012", "2017", "2019"]
    assert "صياغة مصطلح الموارد التعليمية المفتوحة في منتدى لليونسكو" in labels
    for group in groups:
        assert group.find(f"{NS}title").text == group.get("aria-label")
    # text-anchor="middle": each year stands centred on its circle
    for group, centre in zip(groups[:4], (690, 500, 310, 120), strict=True):
        xs = [x for p in group.iter(f"{NS}path") for x in _xs(p.get("d"))]
        assert (min(xs) + max(xs)) / 2 == pytest.approx(centre, abs=2)
    assert groups[3].find(f"{NS}path").get("fill") is None  # the text's own fill stays on the group
    assert groups[3].get("fill") == "#a34f0a"


def test_numbers_in_right_to_left_text_keep_their_order_and_side() -> None:
    """In an Arabic line the number stands to the left of the words before it, digits in order."""
    shaped = shape_svg(_svg('<text x="300" y="50" direction="rtl">عام 19</text>'), "ar")
    assert shaped is not None
    paths = [p.get("d") for p in etree.fromstring(shaped).iter(f"{NS}path")]
    assert len(paths) == 2  # the number, then the words (visual order, left to right)
    number, words = (_xs(d) for d in paths)
    assert max(number) < min(words)
    assert max(words) == pytest.approx(300, abs=2)  # start of a right-to-left line: its right edge


def test_lines_of_tspans_are_anchored_one_by_one() -> None:
    body = (
        '<text x="200" y="30" text-anchor="end" font-weight="bold">'
        '<tspan x="200">中文</tspan><tspan x="200" dy="30" fill="#f00">文字很长很长</tspan></text>'
    )
    shaped = shape_svg(_svg(body), "zh-Hans")
    assert shaped is not None
    first, second = etree.fromstring(shaped).iter(f"{NS}path")
    assert max(_xs(first.get("d"))) == pytest.approx(200, abs=3)  # the glyphs' side bearing
    assert max(_xs(second.get("d"))) == pytest.approx(200, abs=3)
    assert min(_xs(second.get("d"))) < min(_xs(first.get("d")))
    assert second.get("fill") == "#f00"


@pytest.mark.parametrize(
    "body",
    [
        '<style>text { font-size: 30px }</style><text x="0" y="20">عام</text>',
        '<text x="0" y="20" style="font-size: 30px">عام</text>',
        '<text x="0 10 20" y="20">عام</text>',
        '<text x="0" y="20" font-style="italic">عام</text>',
        '<text x="0" y="20"><textPath href="#p">عام</textPath></text>',
        '<text x="0" y="20" font-size="2em">عام</text>',
    ],
)
def test_text_it_cannot_draw_faithfully_is_left_alone(body: str) -> None:
    assert shape_svg(_svg(body), "ar") is None
