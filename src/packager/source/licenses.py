"""The open licences a course or a media file may carry, by SPDX id.

Each licence has what every output needs: its full name, its deed URL, a short label for badges,
and the freedoms it grants (PDF credits and cartridge metadata print them). Badges are drawn here
as small SVGs rather than copied from Creative Commons, so the site needs nothing from the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class License:
    """An open licence. ``label`` is the short form shown on badges (``CC BY-SA 4.0``)."""

    spdx: str
    name: str
    url: str
    label: str

    @property
    def badge_file(self) -> str:
        """File name of the badge in the site's assets."""
        return f"license-{self.spdx.lower()}.svg"


_CC = "https://creativecommons.org/licenses"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a licence name for ``ui.pot``; templates translate it with ``_()``."""
    return message


LICENSES: dict[str, License] = {
    lic.spdx: lic
    for lic in (
        License(
            "CC-BY-4.0",
            N_("Creative Commons Attribution 4.0 International"),
            f"{_CC}/by/4.0/",
            "CC BY 4.0",
        ),
        License(
            "CC-BY-SA-4.0",
            N_("Creative Commons Attribution-ShareAlike 4.0 International"),
            f"{_CC}/by-sa/4.0/",
            "CC BY-SA 4.0",
        ),
        License(
            "CC-BY-NC-4.0",
            N_("Creative Commons Attribution-NonCommercial 4.0 International"),
            f"{_CC}/by-nc/4.0/",
            "CC BY-NC 4.0",
        ),
        License(
            "CC-BY-NC-SA-4.0",
            N_("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International"),
            f"{_CC}/by-nc-sa/4.0/",
            "CC BY-NC-SA 4.0",
        ),
        License(
            "CC-BY-ND-4.0",
            N_("Creative Commons Attribution-NoDerivatives 4.0 International"),
            f"{_CC}/by-nd/4.0/",
            "CC BY-ND 4.0",
        ),
        License(
            "CC-BY-NC-ND-4.0",
            N_("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International"),
            f"{_CC}/by-nc-nd/4.0/",
            "CC BY-NC-ND 4.0",
        ),
        License(
            "CC0-1.0",
            N_("Creative Commons Zero v1.0 Universal (public domain dedication)"),
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "CC0 1.0",
        ),
    )
}


def other_license(name: str, url: str | None) -> License:
    """A licence a media credit states in words ("All rights reserved, used with permission",
    "CC BY 3.0 IGO"), with an optional address. Its empty ``spdx`` says it is not one of
    :data:`LICENSES`: it has no badge, its link is never marked ``rel="license"`` (nothing may take
    it for the licence of the page around it), and no course may carry it."""
    return License("", name, url or "", name)


def badge_svg(lic: License) -> str:
    """A small, self-contained SVG badge naming the licence (88 x 31, the usual badge size)."""
    label = escape(lic.label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="88" height="31" viewBox="0 0 88 31" '
        f'role="img" aria-label="{label}">\n'
        f"<title>{label}</title>\n"
        '<rect x="0.5" y="0.5" width="87" height="30" rx="4" fill="#fff" stroke="#1d1d1b"/>\n'
        '<rect x="3" y="3" width="24" height="25" rx="3" fill="#1d1d1b"/>\n'
        '<text x="15" y="20" font-family="sans-serif" font-size="11" font-weight="700" '
        'fill="#fff" text-anchor="middle">cc</text>\n'
        f'<text x="57" y="19.5" font-family="sans-serif" font-size="{_badge_font_size(lic.label)}" '
        f'font-weight="700" fill="#1d1d1b" text-anchor="middle">{escape(lic.label[3:])}</text>\n'
        "</svg>\n"
    )


def _badge_font_size(label: str) -> str:
    rest = len(label) - 3
    return "10" if rest <= 8 else "8" if rest <= 11 else "7"
