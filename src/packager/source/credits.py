"""A course's media: every file checked (names, SVG safety, image sizes), the credits and their
licences (open or stated), and the figures left without a credit."""

from __future__ import annotations

from pathlib import PurePosixPath

from packager.diagnostics import (
    Location,
    display_path,
)
from packager.source.coursestate import CourseState
from packager.source.fields import (
    check_keys,
    read_str,
    read_url,
    suggest,
)
from packager.source.licenses import License, other_license
from packager.source.media import image_size_problem, svg_problem
from packager.source.model import MediaCredit, Module
from packager.source.names import file_name_problem, visible
from packager.source.yamlsource import YamlNode


class MediaReader(CourseState):
    """Reads the media and their credits; mixed into the course's reader."""

    def _check_uncredited(
        self,
        modules: tuple[Module, ...],
        credits: tuple[MediaCredit, ...],
        license_: License | None,
    ) -> None:
        """Say which images are credited to the course's authors under its licence only because
        course.yaml says nothing about them (a photograph found elsewhere must not be)."""
        credited = {f"media/{credit.path}" for credit in credits}
        seen: set[str] = set()
        under = f" under {license_.label}" if license_ is not None else ""
        for module in modules:
            for page in module.pages:
                for image in page.document.images:
                    if image.src in credited or image.src in seen:
                        continue
                    seen.add(image.src)
                    self.problems.warning(
                        image.location,
                        "uncredited-media",
                        f"the image {image.src!r} has no credit in course.yaml's 'media:', so it "
                        f"is credited to the course's authors{under}; add one if someone else "
                        "made it",
                    )

    def _media_license(self, node: YamlNode | None, path: str) -> License | None:
        """An open licence by SPDX id, or another one in words: ``{name: ..., url: ...}``."""
        if node is None or node.kind != "map":
            return self._license(node, "license")
        if not check_keys(
            node,
            self.problems,
            what=f"the licence of {path!r}",
            required=("name",),
            optional=("url",),
        ):
            return None
        name = read_str(node.get("name"), self.problems, "name")
        url = read_url(node.get("url"), self.problems, "url")
        return other_license(name, url) if name else None

    def _check_media(self) -> None:
        """Problems with the files in media/ themselves, whether a page uses them or not."""
        shown = display_path(self.root / "media", self.project)
        for name in sorted(self.media.bad_names):
            self.problems.error(
                Location(f"{shown}/{name}"),
                "media-name",
                "the file name is not valid UTF-8; rename the file",
            )
        for name in sorted(self.media.inside | self.media.other):
            problem = file_name_problem(name)
            if problem:
                self.problems.error(
                    Location(f"{shown}/{visible(name)}"),
                    "media-name",
                    f"{problem}; rename the file",
                )
        for name in sorted(self.media.other):
            self.problems.warning(
                Location(f"{shown}/{name}"),
                "media-type",
                "this type of file is not published (only images, documents, audio and video)",
            )
        for name in sorted(self.media.inside):
            if name.lower().endswith(".svg"):
                problem = svg_problem(self.root / "media" / name)
                if problem:
                    self.problems.error(
                        Location(f"{shown}/{name}"), "unsafe-svg", f"unsafe SVG: {problem}"
                    )

    def _check_image_sizes(
        self, modules: tuple[Module, ...], cover: str | None, cover_node: YamlNode | None
    ) -> None:
        """Images too large to draw: an error where each is used (or at the file, if unused, since
        every file in media/ is published)."""
        shown = display_path(self.root / "media", self.project)
        for name in sorted(self.media.inside):
            problem = image_size_problem(self.root / "media" / name)
            if problem is None:
                continue
            path = f"media/{name}"
            uses = [
                image.location
                for module in modules
                for page in module.pages
                for image in page.document.images
                if image.src == path
            ]
            if cover == path and cover_node is not None:
                uses.insert(0, cover_node.location)
            for where in uses or [Location(f"{shown}/{name}")]:
                self.problems.error(where, "image-too-large", f"the image {path!r} {problem}")

    def _media_ref(self, node: YamlNode | None, name: str, media_files: set[str]) -> str | None:
        value = read_str(node, self.problems, name)
        if value is None or node is None:
            return None
        inner = value.removeprefix("media/")
        if not value.startswith("media/") or ".." in inner.split("/"):
            self.problems.error(
                node.location,
                "media-path",
                f"{name!r} must be a file in media/, like media/cover.svg",
            )
            return None
        if inner not in media_files:
            self.problems.error(
                node.location, "missing-media", f"the {name} file {value!r} does not exist"
            )
            return None
        return value

    def _credits(self, node: YamlNode | None, media_files: set[str]) -> tuple[MediaCredit, ...]:
        if node is None:
            return ()
        if node.kind != "map":
            self.problems.error(
                node.location,
                "type",
                f"'media' must be a mapping of file names, not {node.type_name}",
            )
            return ()
        credits: list[MediaCredit] = []
        for key, value in node.pairs:
            path = key.text.removeprefix("media/")
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts or "\\" in path:
                self.problems.error(
                    key.location,
                    "path-outside-course",
                    f"the credit names {key.text!r}, which is outside the course's media/ folder",
                )
                continue
            if path not in media_files:
                self.problems.error(
                    key.location,
                    "missing-media",
                    f"media/{path} does not exist{suggest(path, media_files)}",
                )
                continue
            if not check_keys(
                value,
                self.problems,
                what=f"the credit for {path!r}",
                required=("title", "author", "license"),
                optional=("source",),
            ):
                continue
            title = read_str(value.get("title"), self.problems, "title")
            author = read_str(value.get("author"), self.problems, "author")
            license_ = self._media_license(value.get("license"), path)
            source = read_url(value.get("source"), self.problems, "source")
            if title and author and license_:
                credits.append(MediaCredit(path, title, author, license_, source))
        return tuple(credits)
