"""The XML of a Moodle backup: elements in the order Moodle's own backup writes them, ``None`` as
Moodle's ``$@NULL@$`` marker, and each file as the writer prints it."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

NULL = "$@NULL@$"  # how a backup says "no value" (backup/util/xml/output)


def node(tag: str, fields: Iterable[tuple[str, object]] = (), **attrs: object) -> etree._Element:
    """``<tag attrs>`` with a child per field: ``<name>`` around a text or a list of elements, or
    an element itself (named ``name``, with attributes of its own)."""
    root = etree.Element(tag, {k: str(v) for k, v in attrs.items()})
    for name, value in fields:
        if isinstance(value, etree._Element):
            assert value.tag == name, (name, value.tag)
            root.append(value)
            continue
        child = etree.SubElement(root, name)
        if value is None:
            child.text = NULL
        elif isinstance(value, list):
            for item in value:
                child.append(item)
        else:
            child.text = str(value)
    return root


def document(root: etree._Element) -> bytes:
    body: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def empty(tag: str, *children: str) -> bytes:
    """A file with nothing in it but its (empty) lists, as the restore expects to find it."""
    return document(node(tag, [(child, []) for child in children]))


def activity(
    inner: etree._Element, instance: int, cmid: int, modname: str, contextid: int
) -> etree._Element:
    """``activities/<mod>_<cmid>/<mod>.xml``'s root around the module's own element."""
    root = node("activity", id=instance, moduleid=cmid, modulename=modname, contextid=contextid)
    root.append(inner)
    return root
