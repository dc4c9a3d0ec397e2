"""YAML with source positions, for error messages that point at the offending key or value.

PyYAML's composer keeps a position on every node; we keep those nodes (as frozen
:class:`YamlNode` values) instead of converting to plain Python at once, so every later check can
say where a bad value came from. Scalars stay as their source text: a course whose language is
``no`` (Norwegian) must not become ``False``; the readers in :mod:`packager.source.fields` decide types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import yaml

from packager.diagnostics import Location, Problems

NodeKind = Literal["scalar", "seq", "map"]

_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


@dataclass(frozen=True)
class YamlNode:
    """One YAML node with where it starts.

    ``text`` is the scalar's source text (for scalars), ``tag`` the type YAML resolved for it
    (``tag:yaml.org,2002:int`` and so on), ``quoted`` whether it was written in quotes (so ``"1.0"``
    is a string even though it looks like a number), ``items`` the children of a sequence and
    ``pairs`` the key/value nodes of a mapping, in source order.
    """

    kind: NodeKind
    location: Location
    tag: str
    text: str = ""
    quoted: bool = False
    items: tuple[YamlNode, ...] = ()
    pairs: tuple[tuple[YamlNode, YamlNode], ...] = ()

    @property
    def type_name(self) -> str:
        """A word for messages: ``text``, ``number``, ``list`` and so on."""
        if self.kind == "seq":
            return "a list"
        if self.kind == "map":
            return "a mapping"
        if self.quoted:
            return "text"
        short = self.tag.rsplit(":", 1)[-1]
        return {
            "str": "text",
            "int": "a whole number",
            "float": "a number",
            "bool": "true/false",
            "null": "nothing",
            "timestamp": "a date",
        }.get(short, "text")

    def get(self, key: str) -> YamlNode | None:
        """The value node for ``key`` in a mapping, or None."""
        for k, v in self.pairs:
            if k.text == key:
                return v
        return None

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.tag.endswith(":null") and not self.quoted


#: libyaml's parser when PyYAML was built with it (it is, in the wheels): several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(
    text: str, path: str, problems: Problems, *, line_offset: int = 0
) -> YamlNode | None:
    """Parse ``text`` into a :class:`YamlNode` tree; report syntax problems to ``problems``.

    ``line_offset`` is added to every line (front matter starts below its ``---`` line). Returns
    None for an empty document or when the text is not valid YAML.
    """
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        at = _char_at(text, mark.line, mark.column) if mark else ""
        if at == "\t" or "tab" in problem:
            problem = "a tab character cannot indent YAML; use spaces"
        elif (opened := _unclosed(exc, text)) is not None:
            # libyaml notices an unclosed quote or bracket only where the file (or the next
            # line it cannot read) ends; the mistake is where it opens.
            mark, opener = opened
            assert exc.problem_mark is not None
            ended = "end of stream" in (exc.problem or "")
            where = "" if ended else f" on line {exc.problem_mark.line + 1 + line_offset}"
            problem = f"this {opener} is never closed ({exc.problem}{where})"
        line = (mark.line if mark else 0) + 1 + line_offset
        col = (mark.column if mark else 0) + 1
        problems.error(Location(path, line, col), "yaml-syntax", f"invalid YAML: {problem}")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML always marks its errors
        problems.error(Location(path, 1 + line_offset, 1), "yaml-syntax", f"invalid YAML: {exc}")
        return None
    if node is None:
        return None
    aliased: list[yaml.Node] = []
    converted = _convert(node, path, problems, line_offset, set(), aliased)
    if aliased:
        _report_aliases(text, path, problems, line_offset)
    return converted


def _report_aliases(text: str, path: str, problems: Problems, offset: int) -> None:
    """One error per anchor, where it is first used: composed nodes no longer know that place."""
    reported: set[str] = set()
    for event in yaml.parse(text, Loader=_LOADER):
        anchor = getattr(event, "anchor", None) or ""
        if isinstance(event, yaml.AliasEvent) and anchor not in reported:
            reported.add(anchor)
            mark = event.start_mark
            line, col = (mark.line, mark.column) if mark is not None else (0, 0)
            problems.error(
                Location(path, line + 1 + offset, col + 1),
                "yaml-alias",
                f"this value is repeated with a YAML alias (*{anchor}); aliases are not supported, write it out",
            )


def _unclosed(exc: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark, str] | None:
    """Where an unclosed quote or bracket opens, and the character, or None."""
    context, start, end = exc.context or "", exc.context_mark, exc.problem_mark
    if start is None or end is None or start.line >= end.line:
        return None
    if not context.startswith(("while scanning a quoted scalar", "while parsing a flow")):
        return None
    opener = _char_at(text, start.line, start.column)
    if opener not in ("'", '"', "[", "{"):
        return None
    return start, "quote" if opener in "'\"" else repr(opener)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if line < len(lines) else ""


def _convert(
    node: yaml.Node,
    path: str,
    problems: Problems,
    offset: int,
    seen: set[int],
    aliased: list[yaml.Node],
) -> YamlNode | None:
    """``node`` as a :class:`YamlNode`; None for an alias, which ``aliased`` records."""
    loc = Location(path, node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    # Every node is visited once; meeting one again means an alias (*name). Refusing them all
    # keeps a 250-byte "alias bomb" from expanding into millions of nodes.
    if id(node) in seen:
        aliased.append(node)
        return None
    seen.add(id(node))
    if node.tag not in _STANDARD_TAGS:
        problems.error(loc, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, yaml.ScalarNode):
        return YamlNode("scalar", loc, node.tag, str(node.value), quoted=node.style in ("'", '"'))
    if isinstance(node, yaml.SequenceNode):
        items = (_convert(child, path, problems, offset, seen, aliased) for child in node.value)
        return YamlNode("seq", loc, node.tag, items=tuple(i for i in items if i is not None))
    assert isinstance(node, yaml.MappingNode)
    pairs: list[tuple[YamlNode, YamlNode]] = []
    keys: dict[str, Location] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, problems, offset, seen, aliased)
        value = _convert(value_node, path, problems, offset, seen, aliased)
        if key is None or value is None:
            continue
        if key.kind != "scalar":
            problems.error(key.location, "yaml-key", "a key must be a plain word")
            continue
        if key.text in keys:
            first = keys[key.text]
            problems.error(
                key.location,
                "duplicate-key",
                f"duplicate key {key.text!r} (first given on line {first.line})",
            )
            continue
        keys[key.text] = key.location
        pairs.append((key, value))
    return YamlNode("map", loc, node.tag, pairs=tuple(pairs))


def text_lines(node: YamlNode | None) -> dict[str, int]:
    """Each scalar text in ``node`` (stripped) with the first line it stands on."""
    lines: dict[str, int] = {}
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.kind == "scalar":
            lines.setdefault(current.text.strip(), current.location.line)
        stack.extend(reversed(current.items))
        stack.extend(value for _key, value in reversed(current.pairs))
    return lines
