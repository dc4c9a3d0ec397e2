"""``packager check X.zip``: any SCORM 1.2 or 2004 package, read safely, each rule with its exact
message; the build's own packages pass the same check."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from packager.api import check_all
from packager.diagnostics import Problems
from packager.formats.scorm.check import check_scorm
from packager.i18n.editions import Edition
from tests.conftest import REPO
from tests.test_scorm import LANGS, SAMPLE, VERSIONS, entries, request

Files = dict[str, bytes]


@pytest.fixture(scope="module")
def packages() -> dict[tuple[str, str], bytes]:
    problems = Problems()
    editions: dict[str, Edition] = {e.lang: e for e in check_all(REPO, (SAMPLE,), problems)}
    assert not problems.errors
    published = tuple(editions)
    return {
        (version, lang): module.render(request(edition, published))
        for version, module in VERSIONS.items()
        for lang, edition in editions.items()
    }


def _zip(files: Files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _check(data: bytes) -> list[str]:
    problems = Problems()
    check_scorm(data, "x.zip", problems)
    return [d.format() for d in problems.sorted()]


def _line(manifest: bytes, needle: bytes) -> int:
    """The manifest's line holding ``needle`` (once), so a message's location is exact."""
    lines = [n for n, text in enumerate(manifest.splitlines(), 1) if needle in text]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def _edit(files: Files, old: bytes, new: bytes) -> Files:
    assert old in files["imsmanifest.xml"], old
    return {**files, "imsmanifest.xml": files["imsmanifest.xml"].replace(old, new, 1)}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_our_packages_pass_in_every_language(
    packages: dict[tuple[str, str], bytes], version: str, lang: str
) -> None:
    problems = Problems()
    assert check_scorm(packages[version, lang], "x.zip", problems) == version
    assert [d.format() for d in problems] == []


@pytest.fixture(params=list(VERSIONS))
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def files(packages: dict[tuple[str, str], bytes], version: str) -> Files:
    return entries(packages[version, "en"])


def test_a_file_the_manifest_lists_must_be_in_the_zip(files: Files) -> None:
    line = _line(files["imsmanifest.xml"], b'<file href="assets/scorm.js"/>')
    del files["assets/scorm.js"]
    assert _check(_zip(files)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-file]: the manifest lists the file"
        " 'assets/scorm.js', which is not in the package"
    ]


def test_an_item_must_name_a_resource_of_the_manifest(files: Files) -> None:
    line = _line(files["imsmanifest.xml"], b'identifierref="sco"')
    broken = _edit(files, b'identifierref="sco"', b'identifierref="nowhere"')
    assert _check(_zip(broken)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-item]: the item 'item' refers to the"
        " resource 'nowhere', which the manifest does not have"
    ]


def test_the_launch_file_must_be_in_the_zip(files: Files) -> None:
    line = _line(files["imsmanifest.xml"], b'href="scorm.html">')
    broken = _edit(files, b'href="scorm.html">', b'href="start.html">')
    assert _check(_zip(broken)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-launch]: the launch file 'start.html'"
        " of the resource 'sco' is not in the package"
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "it holds binary data"),
        (b"just some words", "it has no HTML markup"),
        (b"", "it has no HTML markup"),
        (b"<!-- nothing -->", "no HTML document could be read from it"),
    ],
)
def test_the_launch_file_must_be_html(files: Files, content: bytes, reason: str) -> None:
    line = _line(files["imsmanifest.xml"], b'href="scorm.html">')
    assert _check(_zip({**files, "scorm.html": content})) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-launch]: the launch file 'scorm.html'"
        f" of the resource 'sco' is not HTML: {reason}"
    ]


def test_a_package_needs_a_sco(files: Files, version: str) -> None:
    attribute = "scormtype" if version == "1.2" else "scormType"
    broken = _edit(
        files, f'adlcp:{attribute}="sco"'.encode(), f'adlcp:{attribute}="asset"'.encode()
    )
    assert _check(_zip(broken)) == [
        f'x.zip/imsmanifest.xml:2:1: error[scorm-sco]: no resource is a SCO (adlcp:{attribute}="sco"):'
        " a platform has nothing to launch and track"
    ]


def test_an_unknown_schemaversion_is_named(files: Files, version: str) -> None:
    old = b"<schemaversion>1.2<" if version == "1.2" else b"<schemaversion>2004 4th Edition<"
    line = _line(files["imsmanifest.xml"], old)
    assert _check(_zip(_edit(files, old, b"<schemaversion>2004 5th Edition<"))) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-version]: the schemaversion"
        " '2004 5th Edition' is not a SCORM version (one of 1.2, CAM 1.3, 2004 3rd Edition,"
        " 2004 4th Edition)"
    ]
    missing = re.sub(rb"<schemaversion>[^<]*</schemaversion>", b"", files["imsmanifest.xml"])
    assert _check(_zip({**files, "imsmanifest.xml": missing})) == [
        "x.zip/imsmanifest.xml:2:1: error[scorm-version]: the manifest names no SCORM version:"
        " <metadata><schemaversion> is missing (one of 1.2, CAM 1.3, 2004 3rd Edition,"
        " 2004 4th Edition)"
    ]


def test_a_common_cartridge_is_told_apart() -> None:
    manifest = (
        b'<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="m">\n'
        b"<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>"
        b"</metadata>\n</manifest>"
    )
    assert _check(_zip({"imsmanifest.xml": manifest})) == [
        "x.zip/imsmanifest.xml:2:1: error[scorm-version]: the schemaversion '1.1.0' is not a"
        " SCORM version (one of 1.2, CAM 1.3, 2004 3rd Edition, 2004 4th Edition); this is a"
        " Common Cartridge: check it as a .imscc file"
    ]


def test_the_schemaversion_must_match_the_namespace(files: Files, version: str) -> None:
    if version == "1.2":
        edited = _edit(files, b"<schemaversion>1.2<", b"<schemaversion>2004 4th Edition<")
        said, found, expected = (
            "2004 4th Edition",
            "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
            "http://www.imsglobal.org/xsd/imscp_v1p1",
        )
    else:
        edited = _edit(files, b"<schemaversion>2004 4th Edition<", b"<schemaversion>1.2<")
        said, found, expected = (
            "1.2",
            "http://www.imsglobal.org/xsd/imscp_v1p1",
            "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        )
    assert _check(_zip(edited)) == [
        f"x.zip/imsmanifest.xml:2:1: error[scorm-version]: the manifest says SCORM {said} but"
        f" its namespace is {found!r}, not {expected!r}"
    ]


@pytest.mark.parametrize("edition", ["CAM 1.3", "2004 3rd Edition"])
def test_earlier_2004_editions_are_read_with_the_2004_schemas(
    packages: dict[tuple[str, str], bytes], edition: str
) -> None:
    files = entries(packages["2004", "en"])
    old = b"<schemaversion>2004 4th Edition<"
    edited = _edit(files, old, f"<schemaversion>{edition}<".encode())
    problems = Problems()
    assert check_scorm(_zip(edited), "x.zip", problems) == "2004"
    assert list(problems) == []


def test_the_manifest_is_validated_against_adl_schemas(files: Files) -> None:
    line = _line(files["imsmanifest.xml"], b'<item identifier="item"')
    broken = _edit(files, b'<item identifier="item"', b'<item identifier="1item"')
    assert _check(_zip(broken)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-schema]: Element 'item', attribute"
        " 'identifier': '1item' is not a valid value of the atomic type 'xs:ID'."
    ]


def test_the_manifest_must_be_at_the_root(files: Files) -> None:
    assert _check(_zip({f"course/{name}": data for name, data in files.items()})) == [
        "x.zip:1:1: error[scorm-manifest]: no imsmanifest.xml at the root of the zip (found"
        " course/imsmanifest.xml: the manifest must be at the root of the zip, not in a folder)"
    ]
    assert _check(_zip({"index.html": b"<p>hi</p>"})) == [
        "x.zip:1:1: error[scorm-manifest]: no imsmanifest.xml at the root of the zip"
    ]


def test_hrefs_are_uri_references_under_xml_base(files: Files) -> None:
    """``xml:base`` on a resource, percent-encoding and URLs of other hosts are read as a
    platform reads them, not reported as missing files."""
    moved = {
        (name if name == "imsmanifest.xml" or name.endswith(".xsd") else f"content/{name}"): data
        for name, data in files.items()
    }
    based = _edit(moved, b'identifier="sco"', b'identifier="sco" xml:base="content/"')
    assert _check(_zip(based)) == []
    encoded = _edit(
        {**files, "media/a b.png": b"x"},
        b'<file href="assets/scorm.js"/>',
        b'<file href="assets/scorm.js"/><file href="media/a%20b.png"/>'
        b'<file href="https://example.org/x.js"/>',
    )
    assert _check(_zip(encoded)) == []
    del based["content/assets/scorm.js"]
    line = _line(based["imsmanifest.xml"], b'<file href="assets/scorm.js"/>')
    assert _check(_zip(based)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-file]: the manifest lists the file"
        " 'assets/scorm.js' (content/assets/scorm.js), which is not in the package"
    ]


def test_a_malformed_uri_is_a_missing_file_not_a_crash(files: Files, version: str) -> None:
    """``urljoin`` raises on ``//[x`` (an IPv6 host left open) under an ``xml:base``."""
    line = _line(files["imsmanifest.xml"], b'<file href="assets/scorm.js"/>')
    broken = _edit(files, b'identifier="sco"', b'identifier="sco" xml:base="./"')
    broken = _edit(broken, b'<file href="assets/scorm.js"/>', b'<file href="//[x/a.js"/>')
    kind = "local atomic type" if version == "1.2" else "atomic type 'xs:anyURI'"
    assert _check(_zip(broken)) == [
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-file]: the manifest lists the file"
        " '//[x/a.js' ([x/a.js), which is not in the package",
        f"x.zip/imsmanifest.xml:{line}:1: error[scorm-schema]: Element 'file', attribute"
        f" 'href': '//[x/a.js' is not a valid value of the {kind}.",
    ]


def _raw(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (_link("scorm.html"), "error[scorm-path]: the entry 'scorm.html' is a symbolic link"),
        (
            "../evil.html",
            "error[scorm-path]: the entry '../evil.html' points outside the SCORM package",
        ),
        ("/etc/evil", "error[scorm-path]: the entry '/etc/evil' points outside the SCORM package"),
    ],
)
def test_unsafe_entries_are_refused_unread(
    files: Files,
    monkeypatch: pytest.MonkeyPatch,
    entry: zipfile.ZipInfo | str,
    expected: str,
) -> None:
    data = _raw([*((n, d) for n, d in files.items() if n != "scorm.html"), (entry, b"/etc/passwd")])
    opened: list[str] = []
    real_open: Callable[..., object] = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert _check(data) == [f"x.zip:1:1: {expected}"]
    assert opened == []  # not one entry was read, the manifest neither


def test_a_zip_bomb_is_refused_unread() -> None:
    bomb = _raw([("imsmanifest.xml", b"<x/>"), ("big.txt", b"\0" * (8 * 2**20))])
    assert _check(bomb) == [
        "x.zip:1:1: error[scorm-size]: the entry 'big.txt' is compressed 1028 times: refused as a zip bomb"
    ]


@pytest.mark.parametrize("data", [b"nope", b"", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_zip(data: bytes) -> None:
    assert _check(data) == [
        "x.zip:1:1: error[scorm-zip]: this is not a zip file, so not a SCORM package"
    ]


def test_a_manifest_with_a_doctype_is_refused(files: Files) -> None:
    doctype = b'?>\n<!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    assert _check(_zip(_edit(files, b"?>\n", doctype))) == [
        "x.zip/imsmanifest.xml:1:1: error[scorm-dtd]: a DOCTYPE is not allowed (entities and"
        " DTDs are never resolved)"
    ]


def test_check_command_on_scorm_packages(
    packages: dict[tuple[str, str], bytes], tmp_path: Path
) -> None:
    from tests.test_cli import run

    for version in VERSIONS:
        (tmp_path / f"course-{version}.zip").write_bytes(packages[version, "ar"])
    good = run("check", "course-1.2.zip", "course-2004.zip", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "ok: 2 SCORM packages"
    files = entries(packages["1.2", "ar"])
    line = _line(files["imsmanifest.xml"], b'<file href="assets/scorm.js"/>')
    del files["assets/scorm.js"]
    (tmp_path / "bad.zip").write_bytes(_zip(files))
    bad = run("check", "bad.zip", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0] == (
        f"bad.zip/imsmanifest.xml:{line}:1: error[scorm-file]: the manifest lists the file"
        " 'assets/scorm.js', which is not in the package"
    )
    assert "Traceback" not in bad.stderr
