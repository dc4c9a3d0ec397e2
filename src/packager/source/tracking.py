"""course.yaml's ``scorm`` settings: how a SCORM package reports a learner's progress.

Read here rather than in the loader, which only hands the node over: the settings are few and
belong to the SCORM formats, which are their only readers.
"""

from __future__ import annotations

from packager.diagnostics import Problems
from packager.source.fields import check_keys, read_int, read_str, suggest
from packager.source.model import COMPLETION_RULES, Tracking
from packager.source.yamlsource import YamlNode


def read_tracking(node: YamlNode | None, problems: Problems) -> Tracking:
    """The ``scorm`` mapping (``completion``, ``pass_mark``); the defaults for what is missing."""
    if node is None or not check_keys(
        node, problems, what="scorm", required=(), optional=("completion", "pass_mark")
    ):
        return Tracking()
    completion = read_str(node.get("completion"), problems, "completion")
    where = node.get("completion")
    if completion is not None and where is not None and completion not in COMPLETION_RULES:
        rules = " or ".join(repr(r) for r in COMPLETION_RULES)
        problems.error(
            where.location,
            "scorm-completion",
            f"completion is {rules}, not {completion!r}{suggest(completion, COMPLETION_RULES)}",
        )
        completion = None
    mark_node = node.get("pass_mark")
    pass_mark = read_int(mark_node, problems, "pass_mark")
    if pass_mark is not None and mark_node is not None and pass_mark > 100:
        problems.error(mark_node.location, "range", "'pass_mark' is a percentage, from 0 to 100")
        pass_mark = None
    default = Tracking()
    return Tracking(
        completion=completion or default.completion,
        pass_mark=default.pass_mark if pass_mark is None else pass_mark,
    )
