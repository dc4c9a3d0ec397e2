"""Small lxml helpers the cartridge's writers share."""

from __future__ import annotations

from lxml import etree


def element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    """A child element with its text; ``a__b`` attribute names stand for ``a:b``."""
    child = etree.SubElement(parent, tag, {k.replace("__", ":"): v for k, v in attrs.items()})
    if text is not None:
        child.text = text
    return child
