"""The SCORM 1.2 and 2004 formats: valid manifests (ADL's XSDs), the site inside, reproducible.

The packages played by a real SCORM runtime in Chromium are in ``test_scorm_browser.py``.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from packager.api import BuildOptions
from packager.formats.registry import FORMATS, RenderRequest
from packager.formats.scorm import scorm12, scorm2004
from packager.formats.scorm.package import check_package
from packager.formats.scorm.schemas import manifest_errors, schema_files
from packager.formats.site import site_files
from packager.i18n.editions import Edition
from packager.source.model import Tracking
from tests.conftest import REPO

SAMPLE = "oer-recommendation"
LANGS = ("en", "fr", "es", "ar", "zh-Hans", "ru")
VERSIONS = {"1.2": scorm12, "2004": scorm2004}


def request(edition: Edition, published: tuple[str, ...]) -> RenderRequest:
    return RenderRequest(edition, BuildOptions(project=REPO, out=REPO / "build"), published)


@pytest.fixture(scope="module")
def packages(sample_editions: dict[str, Edition]) -> dict[tuple[str, str], bytes]:
    published = tuple(sample_editions)
    return {
        (version, lang): module.render(request(e, published))
        for version, module in VERSIONS.items()
        for lang, e in sample_editions.items()
    }


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_language_of_the_sample_course_is_published(
    sample_editions: dict[str, Edition],
) -> None:
    assert sorted(sample_editions) == sorted(LANGS)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_manifests_are_valid_against_adl_schemas(
    packages: dict[tuple[str, str], bytes], version: str, lang: str
) -> None:
    files = entries(packages[version, lang])
    assert manifest_errors(files["imsmanifest.xml"], version) == []
    # The package carries the schemas its manifest names, unmodified.
    shipped = schema_files(version)
    assert {name: files[name] for name in shipped} == shipped
    for name in re.findall(
        r"\S+\.xsd",
        re.search(rb'schemaLocation="([^"]+)"', files["imsmanifest.xml"]).group(1).decode(),
    ):  # type: ignore[union-attr]
        assert name in files


@pytest.mark.parametrize("version", VERSIONS)
def test_the_schemas_refuse_a_broken_manifest_and_check_reports_it(
    packages: dict[tuple[str, str], bytes], sample_editions: dict[str, Edition], version: str
) -> None:
    files = entries(packages[version, "en"])
    manifest = files["imsmanifest.xml"]
    broken = re.sub(rb"<organizations .*</organizations>", b"", manifest, flags=re.S)
    assert manifest_errors(broken, version), "the XSDs must require the organizations"
    assert manifest_errors(manifest.replace(b'identifier="sco"', b'identifier="1sco"'), version)
    files["imsmanifest.xml"] = broken
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    suffix = f"scorm{version.replace('.', '')}.zip"
    found = check_package(
        buffer.getvalue(), request(sample_editions["en"], ("en",)), version, suffix
    )
    assert [d.format() for d in found] == [
        f"oer-recommendation-en.{suffix}/imsmanifest.xml:8:1: error[scorm-schema]: Element"
        " 'resources': This element is not expected. Expected is ( organizations )."
    ]
    assert (
        check_package(
            packages[version, "en"], request(sample_editions["en"], ("en",)), version, suffix
        )
        == []
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_two_builds_give_identical_bytes(sample_editions: dict[str, Edition], version: str) -> None:
    module = VERSIONS[version]
    published = tuple(sample_editions)
    first = module.render(request(sample_editions["ar"], published))
    second = module.render(request(sample_editions["ar"], published))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert names[0] == "imsmanifest.xml"  # first, as LMS importers look for it
        assert names[1:] == sorted(names[1:])
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_package_is_the_site_in_one_language_with_a_launch_page(
    packages: dict[tuple[str, str], bytes], sample_editions: dict[str, Edition], version: str
) -> None:
    files = entries(packages[version, "fr"])
    site = site_files(sample_editions["fr"], REPO, ("fr",))
    assert {name: files[name] for name in site} == site  # the site's pages, byte for byte
    assert b"language-switcher" not in files["index.html"]  # one language in a package
    launch = files["scorm.html"].decode()
    assert '<html lang="fr" dir="ltr">' in launch
    assert '<iframe id="scorm-course"' in launch and 'src="index.html"' in launch
    assert '"passMark": 80' in launch and '"completion": "every-page"' in launch
    manifest = files["imsmanifest.xml"].decode()
    hrefs = re.findall(r'<file href="([^"]+)"', manifest)
    assert sorted(hrefs) == sorted(set(site) | {"scorm.html", "assets/scorm.js"})
    assert 'href="scorm.html"' in manifest
    # Offline: nothing loads from another host.
    for name, data in files.items():
        if name.endswith((".html", ".css", ".js")):
            assert not re.search(rb'(src|href)="https?://[^"]+\.(js|css)', data), name
            assert b"@import" not in data and b"url(http" not in data, name


def test_the_manifests_name_the_course_and_its_pass_mark(
    packages: dict[tuple[str, str], bytes],
) -> None:
    v12 = entries(packages["1.2", "zh-Hans"])["imsmanifest.xml"].decode()
    assert "<schemaversion>1.2</schemaversion>" in v12
    assert "<adlcp:masteryscore>80</adlcp:masteryscore>" in v12
    assert 'adlcp:scormtype="sco"' in v12
    v2004 = entries(packages["2004", "zh-Hans"])["imsmanifest.xml"].decode()
    assert "<schemaversion>2004 4th Edition</schemaversion>" in v2004
    assert 'adlcp:scormType="sco"' in v2004
    assert 'completionSetByContent="true"' in v2004
    title = re.search(r"<organization identifier=\"course\">\s*<title>([^<]+)<", v2004)
    assert title and re.search("[\u4e00-\u9fff]", title.group(1))  # the translated title


def test_the_course_settings_reach_the_course(sample_editions: dict[str, Edition]) -> None:
    assert sample_editions["ru"].course.tracking == Tracking(completion="every-page", pass_mark=80)
    assert Tracking() == Tracking(completion="last-page", pass_mark=80)


def test_both_versions_are_registered_as_platform_formats() -> None:
    assert FORMATS["scorm12"].path(SAMPLE, "fr") == f"{SAMPLE}/fr/{SAMPLE}-fr.scorm12.zip"
    assert FORMATS["scorm2004"].path(SAMPLE, "fr") == f"{SAMPLE}/fr/{SAMPLE}-fr.scorm2004.zip"
    assert FORMATS["scorm12"].group == FORMATS["scorm2004"].group == FORMATS["imscc"].group
