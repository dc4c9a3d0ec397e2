"""IMS Common Cartridge: building, validating, and refusing every broken rule."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from packager.api import BuildOptions, build, check_all
from packager.diagnostics import Problems
from packager.formats.archive import zip_bytes, zip_time
from packager.formats.cartridge.check import Limits, check_cartridge
from packager.formats.cartridge.profile import QTI_NS, VERSIONS
from packager.formats.cartridge.writer import cartridge_files
from tests.conftest import COURSE_YAML, INTRO, QUIZ, REPO, CourseFactory, load

GOLDEN = Path(__file__).parent / "golden"
SAMPLE = "oer-recommendation"


@pytest.fixture(scope="module")
def sample_editions():  # type: ignore[no-untyped-def]
    problems = Problems()
    found = check_all(REPO, (SAMPLE,), problems)
    assert not problems.errors
    return found


def _problems(data: bytes, limits: Limits | None = None) -> list[str]:
    problems = Problems()
    check_cartridge(data, "x.imscc", problems, limits or Limits())
    return [d.format() for d in problems.sorted()]


@pytest.mark.parametrize("version", ["1.1", "1.3"])
def test_sample_cartridges_validate_in_every_language(sample_editions, version: str) -> None:  # type: ignore[no-untyped-def]
    assert [e.lang for e in sample_editions] == ["en", "fr", "es", "ar", "zh-Hans", "ru"]
    for edition in sample_editions:
        files = cartridge_files(edition, REPO, VERSIONS[version])
        assert _problems(zip_bytes(files, zip_time(edition.course))) == [], edition.lang


def test_golden_manifest(sample_editions) -> None:  # type: ignore[no-untyped-def]
    """tests/golden/oer-recommendation-en-1.1.xml, reviewed once; UPDATE_GOLDEN=1 rewrites it."""
    manifest = cartridge_files(sample_editions[0], REPO, VERSIONS["1.1"])["imsmanifest.xml"]
    golden = GOLDEN / "oer-recommendation-en-1.1.xml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(manifest)
    assert manifest == golden.read_bytes()


def test_manifest_starts_as_moodle_expects(sample_editions) -> None:  # type: ignore[no-untyped-def]
    manifest = cartridge_files(sample_editions[0], REPO, VERSIONS["1.1"])["imsmanifest.xml"]
    assert manifest.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"'
    )


def test_read_back_every_page_in_its_language(sample_editions) -> None:  # type: ignore[no-untyped-def]
    french = next(e for e in sample_editions if e.lang == "fr")
    data = zip_bytes(cartridge_files(french, REPO, VERSIONS["1.3"]), zip_time(french.course))
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": VERSIONS["1.3"].namespace}
    titles = [t.text for t in manifest.iterfind(".//cp:item/cp:title", ns)]
    course = french.course
    for module in course.modules:
        assert module.title in titles
        for page in module.pages:
            assert page.title in titles
    types = {r.get("identifier"): r.get("type") for r in manifest.iterfind(".//cp:resource", ns)}
    assert types["R_wl_read-the-recommendation"] == "imswl_xmlv1p3"
    assert types["R_dt_share-your-view"] == "imsdt_xmlv1p3"
    assert types["R_qz_quiz"] == "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
    welcome = archive.read("pages/welcome.html").decode()
    assert '<html lang="fr" dir="ltr">' in welcome and course.pages[0].title in welcome
    weblink = etree.fromstring(archive.read("wl_read-the-recommendation/weblink.xml"))
    assert weblink[0].text == next(
        p.title for p in course.pages if p.id == "read-the-recommendation"
    )
    topic = archive.read("dt_share-your-view/topic.xml").decode()
    assert next(p.title for p in course.pages if p.id == "share-your-view") in topic


def test_quiz_answers_and_scores_match_the_source(sample_editions) -> None:  # type: ignore[no-untyped-def]
    from packager.source.document import plain_text

    edition = sample_editions[0]
    quiz = next(p for p in edition.course.pages if p.id == "quiz")
    root = etree.fromstring(
        cartridge_files(edition, REPO, VERSIONS["1.1"])["qz_quiz/assessment.xml"]
    )
    q = {"q": QTI_NS}
    items = root.findall(".//q:item", q)
    assert len(items) == len(quiz.document.questions)
    for item, question in zip(items, quiz.document.questions, strict=True):
        conditions = list(item.iterfind(".//q:respcondition", q))
        (scoring,) = [
            c for c in conditions if c.find("q:setvar", q) is not None
        ]  # importers read one
        assert scoring.find("q:setvar", q).text == "100" and scoring.get("continue") == "No"
        for condition in conditions:  # what Moodle's and cc2olx's readers need
            tests_answer = condition.find("q:conditionvar/q:varequal", q) is not None
            assert not (condition.get("continue") == "Yes" and tests_answer)
        if question.kind == "short-answer":
            accepted = sorted(v.text for v in scoring.iterfind(".//q:varequal", q))
            expected = sorted(
                plain_text(quiz.document.tokens[o.inline].children) for o in question.options
            )
            assert accepted == expected
            continue
        labels = {
            label.get("ident"): n for n, label in enumerate(item.iterfind(".//q:response_label", q))
        }
        if question.kind == "true-false":
            assert list(labels) == ["true", "false"]
        not_tag = f"{{{QTI_NS}}}not"
        positive = [
            labels[v.text]
            for v in scoring.iterfind(".//q:varequal", q)
            if v.getparent().tag != not_tag
        ]
        assert positive == [n for n, o in enumerate(question.options) if o.correct], question.number


# -- what survives the importers (issue 16): read back as Moodle and cc2olx read ------------


def _moodle_body(html: str) -> str:
    """What Moodle's converter keeps of a webcontent page (backup/cc/entities.class.php,
    prepare_content): the inside of <body> only."""
    found = re.search(r"<body[^>]*>(.+)</body>", html, re.S | re.I)
    assert found
    return found.group(1)


@pytest.mark.parametrize("version", ["1.1", "1.3"])
def test_language_and_direction_survive_on_every_text(sample_editions, version: str) -> None:  # type: ignore[no-untyped-def]
    for edition in sample_editions:
        lang = edition.lang
        direction = "rtl" if lang == "ar" else "ltr"
        wrapper = f'<div lang="{lang}" dir="{direction}">'
        files = cartridge_files(edition, REPO, VERSIONS[version])
        pages = [name for name in files if name.startswith("pages/")]
        assert len(pages) == len(edition.course.pages) + 2  # the home page and the credits
        for name in pages:
            body = _moodle_body(files[name].decode())
            assert body.lstrip().startswith(f'<div class="cartridge-page" lang="{lang}"'), name
            assert f'dir="{direction}"' in body.split(">", 1)[0], name
        topic = etree.fromstring(files["dt_share-your-view/topic.xml"])
        assert topic[-1].text.startswith(wrapper)
        texts = etree.fromstring(files["qz_quiz/assessment.xml"]).iterfind(
            ".//q:mattext", {"q": QTI_NS}
        )
        assert all(t.text.startswith(wrapper) and t.text.endswith("</div>") for t in texts)


# What Canvas's QTI reader makes of a feedback's ident (it sorts feedback by the ident alone:
# gems/plugins/qti_exporter/lib/qti/assessment_item_converter.rb, get_feedback, get_feedback_id).
CANVAS_GENERAL = re.compile(r"general_|_all", re.I)
CANVAS_NOT_AN_OPTION = re.compile(r"general_|_all|wrong|incorrect|correct|(_IC$)|(_C$)", re.I)
CANVAS_RIGHT_OR_WRONG = re.compile(r"wrong|incorrect|(_IC$)|correct|(_C$)|solution", re.I)


def _feedback_idents(assessment: bytes) -> list[tuple[str, set[str]]]:
    """Each item's general-feedback ident (from the condition with <other/>) and its options'."""
    q = {"q": QTI_NS}
    found = []
    for item in etree.fromstring(assessment).iterfind(".//q:item", q):
        general = {
            d.get("linkrefid")
            for c in item.iterfind(".//q:respcondition", q)
            if c.find("q:conditionvar/q:other", q) is not None
            for d in c.iterfind("q:displayfeedback", q)
        }
        options = {f.get("ident") for f in item.iterfind("q:itemfeedback", q)} - general
        (only,) = general or {""}
        found.append((only, options))
    return found


def test_canvas_reads_general_and_option_feedback_by_ident(
    sample_editions, make_course: CourseFactory
) -> None:  # type: ignore[no-untyped-def]
    """Canvas keeps general feedback only under an ident with `general_` in it, and takes an
    ident with `correct` in it (as a page id may have) for right-answer feedback."""
    quiz = QUIZ.replace("- [x] Right\n", "- [x] Right\n\n  Yes.\n").replace(
        "- [ ] Wrong\n", "- [ ] Wrong\n\n  No.\n\nBecause.\n"
    )
    project = make_course(
        {
            "course.yaml": COURSE_YAML.replace("[intro, quiz]", "[intro, correct-or-not]"),
            "pages/intro.md": INTRO.replace("quiz.md", "correct-or-not.md"),
            "pages/quiz.md": None,
            "pages/correct-or-not.md": quiz,
        }
    )
    problems = Problems()
    editions = check_all(project, ("demo",), problems)
    assert not problems.errors, [d.format() for d in problems.sorted()]
    (edition,) = editions
    assessments = [
        cartridge_files(sample_editions[0], REPO, VERSIONS["1.1"])["qz_quiz/assessment.xml"],
        cartridge_files(edition, project, VERSIONS["1.1"])["qz_correct-or-not/assessment.xml"],
    ]
    found = [pair for assessment in assessments for pair in _feedback_idents(assessment)]
    assert found[-1][1], "the page's options have feedback"
    for general, options in found:
        assert CANVAS_GENERAL.search(general) and not CANVAS_RIGHT_OR_WRONG.search(general), general
        assert not any(CANVAS_NOT_AN_OPTION.search(o) for o in options), options


def test_questions_are_named_after_their_prompts(sample_editions) -> None:  # type: ignore[no-untyped-def]
    """Moodle names a question after the item's title; "Question 1" in every quiz is no name."""
    from packager.formats.cartridge.qti import question_name

    for edition in sample_editions:
        root = etree.fromstring(
            cartridge_files(edition, REPO, VERSIONS["1.1"])["qz_quiz/assessment.xml"]
        )
        names = [item.get("title") for item in root.iterfind(".//q:item", {"q": QTI_NS})]
        assert len(set(names)) == len(names) == 6, edition.lang
        assert all(0 < len(name) <= 80 and "<" not in name for name in names), names
    assert question_name("<p>Short <em>one</em>?</p>") == "Short one?"
    long = "word " * 30
    assert question_name(long) == " ".join(["word"] * 15) + "…"
    assert question_name("字" * 100) == "字" * 79 + "…"


def test_every_item_under_the_root_is_a_named_folder(sample_editions) -> None:  # type: ignore[no-untyped-def]
    """Moodle makes a section of each item under the root: the course home and the credits share
    the first folder, so the credits are no section of their own."""
    ns = {"cp": VERSIONS["1.1"].namespace}
    manifest = etree.fromstring(
        cartridge_files(sample_editions[0], REPO, VERSIONS["1.1"])["imsmanifest.xml"]
    )
    (root,) = manifest.iterfind(".//cp:organization/cp:item", ns)
    tops = root.findall("cp:item", ns)
    assert len(tops) == len(sample_editions[0].course.modules) + 1
    assert all(
        top.get("identifierref") is None and top.find("cp:title", ns) is not None for top in tops
    )
    first = [item.get("identifierref") for item in tops[0].findall("cp:item", ns)]
    assert first == ["R_index", "R_credits"]


def test_two_builds_give_identical_cartridges(make_course: CourseFactory, tmp_path: Path) -> None:
    project = make_course()
    digests = []
    for out in ("a", "b"):
        outputs = build(
            BuildOptions(project=project, out=tmp_path / out, formats=("imscc",)), Problems()
        )
        digests.append(hashlib.sha256(outputs[0].path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_zip_entries_are_fixed_and_sorted(make_course: CourseFactory, tmp_path: Path) -> None:
    (output,) = build(
        BuildOptions(project=make_course(), out=tmp_path, formats=("imscc",)), Problems()
    )
    archive = zipfile.ZipFile(output.path)
    names = archive.namelist()
    assert names[0] == "imsmanifest.xml" and names[1:] == sorted(names[1:])
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in archive.infolist()} == {0o644}


def test_cc_version_from_course_yaml(make_course: CourseFactory, tmp_path: Path) -> None:
    from tests.conftest import COURSE_YAML

    project = make_course({"course.yaml": COURSE_YAML + "cc_version: 1.3\n"})
    (output,) = build(BuildOptions(project=project, out=tmp_path, formats=("imscc",)), Problems())
    assert b"imsccv1p3/imscp_v1p1" in zipfile.ZipFile(output.path).read("imsmanifest.xml")


# -- mutation tests: each rule, broken once -------------------------------------------------


@pytest.fixture(scope="module")
def base_files(sample_editions) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return cartridge_files(sample_editions[0], REPO, VERSIONS["1.1"])


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _edit(
    files: dict[str, bytes], old: str, new: str, name: str = "imsmanifest.xml", count: int = 1
) -> dict[str, bytes]:
    text = files[name].decode()
    assert old in text, old
    return {**files, name: text.replace(old, new, count).encode()}


def _codes(data: bytes) -> list[str]:
    return [line.split(": ")[1] for line in _problems(data)]


MUTATIONS = [
    (
        "schemaversion",
        lambda f: _edit(
            f, "<schemaversion>1.1.0</schemaversion>", "<schemaversion>1.1</schemaversion>"
        ),
        "error[cc-version]: schemaversion must be 1.1.0 for this namespace, not '1.1'",
    ),
    (
        "two root items",
        lambda f: _edit(
            f,
            '<item identifier="I_root">',
            '<item identifier="I_other"><title>x</title></item><item identifier="I_root">',
        ),
        "error[cc-organization]: the organization must hold exactly one root item, not 2",
    ),
    (
        "root item titled",
        lambda f: _edit(
            f, '<item identifier="I_root">', '<item identifier="I_root"><title>Root</title>'
        ),
        "error[cc-organization]: the root item has no title and points at no resource",
    ),
    (
        "leaf with children",
        lambda f: _edit(
            f,
            "<title>Course home</title>",
            '<title>Course home</title><item identifier="I_x" identifierref="R_index"><title>x</title></item>',
        ),
        "error[cc-item]: the item 'I_home' points at a resource, so it cannot hold other items",
    ),
    (
        "dangling identifierref",
        lambda f: _edit(f, 'identifierref="R_index"', 'identifierref="R_nowhere"'),
        "error[cc-item]: the item 'I_home' points at 'R_nowhere', which is no resource",
    ),
    (
        "href not a file",
        lambda f: _edit(f, 'href="pages/index.html"', 'href="pages/home.html"'),
        "error[cc-resource]: the resource 'R_index' has href 'pages/home.html', which it does not list as a file",
    ),
    (
        "missing file",
        lambda f: {k: v for k, v in f.items() if k != "pages/welcome.html"},
        "error[cc-file]: the resource 'R_page_welcome' lists 'pages/welcome.html', which is not in the zip",
    ),
    (
        "unlisted file",
        lambda f: {**f, "extra.txt": b"x"},
        "warning[cc-unlisted]: the file 'extra.txt' is in the zip but no resource lists it (importers ignore it)",
    ),
    (
        "duplicate identifier",
        lambda f: _edit(f, 'identifier="R_credits"', 'identifier="R_index"'),
        "error[cc-identifier]: the identifier 'R_index' is used twice",
    ),
    (
        "identifier starts with a digit",
        lambda f: _edit(f, 'identifier="O_1"', 'identifier="1_org"'),
        "error[cc-identifier]: the identifier '1_org' must start with a letter or _ and hold no spaces or colons",
    ),
    (
        "weblink with href",
        lambda f: _edit(
            f,
            'type="imswl_xmlv1p1"',
            'type="imswl_xmlv1p1" href="wl_read-the-recommendation/weblink.xml"',
        ),
        "error[cc-resource]: the imswl_xmlv1p1 resource 'R_wl_read-the-recommendation' has an href; its one file is its descriptor",
    ),
    (
        "weblink with dependency",
        lambda f: _edit(
            f,
            '<file href="wl_read-the-recommendation/weblink.xml"/>',
            '<file href="wl_read-the-recommendation/weblink.xml"/><dependency identifierref="R_web_resources"/>',
        ),
        "error[cc-dependency]: the web link 'R_wl_read-the-recommendation' may not have dependencies",
    ),
    (
        "self dependency",
        lambda f: _edit(
            f,
            '<dependency identifierref="R_web_resources"/>',
            '<dependency identifierref="R_index"/>',
        ),
        "error[cc-dependency]: the resource 'R_index' depends on itself",
    ),
    (
        "mixed version type",
        lambda f: _edit(f, 'type="imsdt_xmlv1p1"', 'type="imsdt_xmlv1p3"'),
        "error[cc-mixed-version]: the resource 'R_dt_share-your-view' has the CC 1.3 type 'imsdt_xmlv1p3' in a CC 1.1 cartridge",
    ),
    (
        "namespace too late",
        lambda f: _edit(f, "<manifest ", "<!--" + "x" * 600 + "-->\n<manifest "),
        "error[cc-namespace-order]: the default namespace (xmlns=...) must come within the manifest's first 500 bytes: Moodle looks for it there",
    ),
    (
        "byte-order mark",
        lambda f: {**f, "imsmanifest.xml": b"\xef\xbb\xbf" + f["imsmanifest.xml"]},
        "error[cc-bom]: the manifest starts with a byte-order mark, which Moodle does not accept",
    ),
    (
        "schema violation",
        lambda f: _edit(
            f,
            "<schema>IMS Common Cartridge</schema>",
            "<schema>IMS Common Cartridge</schema><extra/>",
        ),
        "error[cc-schema]: Element 'extra': This element is not expected. Expected is ( schemaversion ).",
    ),
    (
        "bad descriptor",
        lambda f: (
            _edit(f, "<title>", "<heading>", name="wl_read-the-recommendation/weblink.xml")
            and _edit(
                _edit(f, "<title>", "<heading>", name="wl_read-the-recommendation/weblink.xml"),
                "</title>",
                "</heading>",
                name="wl_read-the-recommendation/weblink.xml",
            )
        ),
        "error[cc-schema]: Element 'heading': This element is not expected. Expected is ( title ).",
    ),
    (
        "quiz without cc_profile",
        lambda f: _edit(
            f,
            "<fieldlabel>cc_profile</fieldlabel>\n        <fieldentry>cc.exam.v0p1</fieldentry>",
            "<fieldlabel>cc_kind</fieldlabel>\n        <fieldentry>cc.exam.v0p1</fieldentry>",
            name="qz_quiz/assessment.xml",
        ),
        "error[cc-descriptor]: the assessment needs the metadata field cc_profile (cc.exam.v0p1)",
    ),
    (
        "wrong descriptor",
        lambda f: {
            **f,
            "wl_read-the-recommendation/weblink.xml": f["dt_share-your-view/topic.xml"],
        },
        "error[cc-descriptor]: a imswl_xmlv1p1 descriptor's namespace must be 'http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1', not 'http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1'",
    ),
    (
        "manifest in a folder",
        lambda f: {f"course/{k}": v for k, v in f.items()},
        "error[cc-manifest]: no imsmanifest.xml at the root of the zip (found course/imsmanifest.xml: the manifest must be at the root of the zip, not in a folder)",
    ),
    (
        "DTD with entities",
        lambda f: {
            **f,
            "imsmanifest.xml": f["imsmanifest.xml"].replace(
                b"?>\n", b'?>\n<!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', 1
            ),
        },
        "error[cc-dtd]: a DOCTYPE is not allowed (entities and DTDs are never resolved)",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "expected"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_rule_is_enforced(
    base_files: dict[str, bytes], name: str, mutate, expected: str
) -> None:  # type: ignore[no-untyped-def]
    assert _problems(_zip(base_files)) == []
    found = [line.split(": ", 1)[1] for line in _problems(_zip(mutate(base_files)))]
    assert any(f.startswith(expected) for f in found), found


def test_an_unlisted_file_is_an_error_only_in_a_cartridge_packager_writes(
    base_files: dict[str, bytes],
) -> None:
    data = _zip({**base_files, "extra.txt": b"x"})
    problems = Problems()
    check_cartridge(data, "x.imscc", problems, own=True)
    assert [d.format() for d in problems] == [
        "x.imscc/imsmanifest.xml:1:1: error[cc-unlisted]: the file 'extra.txt' is in the zip but no resource lists it"
    ]
    # Someone else's cartridge: importers ignore the file, so `packager check` accepts it.
    assert _problems(data) == [
        "x.imscc/imsmanifest.xml:1:1: warning[cc-unlisted]: the file 'extra.txt' is in the zip but no resource lists it (importers ignore it)"
    ]


def test_problems_name_the_file_and_line(base_files: dict[str, bytes]) -> None:
    found = _problems(
        _zip(_edit(base_files, 'identifierref="R_index"', 'identifierref="R_nowhere"'))
    )
    assert re.match(r"^x\.imscc/imsmanifest\.xml:\d+:1: error\[cc-item\]", found[0])


# -- hostile zips ----------------------------------------------------------------------------


def _raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_unread() -> None:
    bomb = _raw_zip([("imsmanifest.xml", b"<x/>"), ("big.txt", b"\0" * (8 * 2**20))])
    assert _problems(bomb) == [
        "x.imscc:1:1: error[cc-size]: the entry 'big.txt' is compressed 1028 times: refused as a zip bomb"
    ]
    limits = Limits(total=2**20, ratio=10**9)
    assert _problems(bomb, limits)[0].endswith("more than 1048576")


def test_a_zip_that_needs_a_newer_zip_version_is_refused_not_a_crash() -> None:
    """Found by fuzzing: a central directory asking for zip version 6.4 made ``zipfile`` raise
    NotImplementedError while opening the archive, which escaped the checker as a crash."""
    data = bytearray(_zip({"imsmanifest.xml": b"<x/>"}))
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 64  # "version needed to extract": 6.4
    assert _problems(bytes(data)) == [
        "x.imscc:1:1: error[cc-zip]: this is not a zip file, so not a cartridge"
    ]


def test_check_command_on_cartridges(make_course: CourseFactory, tmp_path: Path) -> None:
    from tests.test_cli import run

    (output,) = build(
        BuildOptions(project=make_course(), out=tmp_path / "out", formats=("imscc",)), Problems()
    )
    good = run("check", str(output.path), cwd=tmp_path)
    assert good.returncode == 0 and good.stdout.strip() == "ok: 1 cartridge"
    bad = tmp_path / "bad.imscc"
    bad.write_bytes(b"nope")
    result = run("check", str(bad), cwd=tmp_path)
    assert result.returncode == 1 and f"{bad}:1:1: error[cc-zip]" in result.stderr


def test_canvas_attribute_order_is_accepted(base_files: dict[str, bytes]) -> None:
    """Moodle finds the namespace anywhere in the first 500 bytes; Canvas writes identifier first."""
    manifest = base_files["imsmanifest.xml"].decode()
    head, _, rest = manifest.partition("<manifest ")
    attrs, _, body = rest.partition(">")
    identifier = re.search(r' identifier="[^"]+"', " " + attrs).group(0)
    moved = (
        head
        + "<manifest"
        + identifier
        + " "
        + (" " + attrs).replace(identifier, "").strip()
        + ">"
        + body
    )
    assert _problems(_zip({**base_files, "imsmanifest.xml": moved.encode()})) == []


@pytest.mark.parametrize("kind", ["crc", "encrypted", "bzip2"])
def test_unreadable_entries_are_errors_not_crashes(base_files: dict[str, bytes], kind: str) -> None:
    data = bytearray(_zip(base_files))
    if kind == "crc":
        start = data.index(b"<manifest")  # stored, so the bytes are there to spoil
        data[start + 20] ^= 0xFF
        expected = "error[cc-zip]: the entry cannot be read: Bad CRC-32"
    elif kind == "encrypted":
        offset = data.index(b"PK\x01\x02")  # first central directory entry: set the encryption flag
        data[offset + 8] |= 0x1
        expected = "error[cc-zip]: the entry 'web_resources/style.css' is encrypted"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
            for name, content in base_files.items():
                archive.writestr(name, content)
        data = bytearray(buffer.getvalue())
        expected = "error[cc-zip]: the entry 'imsmanifest.xml' is compressed in a way LMSs do not read; use Deflate"
    found = [line.split(": ", 1)[1] for line in _problems(bytes(data))]
    assert any(f.startswith(expected) for f in found), found


def test_zip_times_come_from_the_course_or_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    course, _problems = load(REPO, "oer-recommendation")
    assert course is not None and course.updated is not None
    assert zip_time(course)[:3] == (course.updated.year, course.updated.month, course.updated.day)
    undated = dataclasses.replace(course, updated=None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert zip_time(undated) == (1980, 1, 1, 0, 0, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert zip_time(undated) == (2023, 11, 14, 0, 0, 0)


def test_the_xml_parser_resolves_no_entity_and_loads_no_dtd(tmp_path: Path) -> None:
    """The parser itself is safe, not only the DOCTYPE refusal that follows it (review)."""
    from packager.formats.cartridge.check import _parser

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    dtd = tmp_path / "defaults.dtd"
    dtd.write_text('<!ATTLIST r loaded CDATA "LOADED">')
    entity = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]><r>&x;</r>'
    tree = etree.parse(io.BytesIO(entity.encode()), _parser())
    assert "SECRET" not in etree.tostring(tree).decode()
    external = f'<!DOCTYPE r SYSTEM "{dtd.as_uri()}"><r/>'
    tree = etree.parse(io.BytesIO(external.encode()), _parser())
    assert tree.getroot().get("loaded") is None


def test_an_xml_file_over_the_limit_is_refused() -> None:
    big = b"<manifest>" + b"<!-- padding -->" * 200 + b"</manifest>"
    data = _raw_zip([("imsmanifest.xml", big)])
    assert _problems(data, Limits(xml=1000)) == [
        "x.imscc/imsmanifest.xml:1:1: error[cc-size]: the file is larger than 1000 bytes"
    ]
