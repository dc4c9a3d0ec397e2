"""The fixed parts of a Moodle backup: ``moodle_backup.xml``, the course, its sections, each
activity's ``module.xml`` and grade items, and the files a restore expects even when empty
(as Moodle 4.5's ``backup/moodle2/backup_stepslib.php`` writes them)."""

from __future__ import annotations

from lxml import etree

from packager.formats.moodle.xml import document, empty, node
from packager.source.model import Course

MOODLE_VERSION, MOODLE_RELEASE = "2024100700", "4.5"  # the oldest release that reads this layout
MODULE_VERSION = "2024100700"

ROOT_FILES = {
    "badges.xml": empty("badges"),
    "completion.xml": empty("course_completion"),
    "grade_history.xml": empty("grade_history", "grade_grades"),
    "groups.xml": empty("groups", "groupcustomfields", "groupings"),
    "outcomes.xml": empty("outcomes_definition"),
    "roles.xml": empty("roles_definition"),
    "scales.xml": empty("scales_definition"),
    "users.xml": empty("users"),
    "course/calendar.xml": empty("events"),
    "course/comments.xml": empty("comments"),
    "course/competencies.xml": empty("course_competencies", "competencies", "user_competencies"),
    "course/completiondefaults.xml": empty("course_completion_defaults"),
    "course/contentbank.xml": empty("contents"),
    "course/enrolments.xml": empty("enrolments", "enrols"),
    "course/filters.xml": empty("filters", "filter_actives", "filter_configs"),
    "course/roles.xml": empty("roles", "role_overrides", "role_assignments"),
}
ACTIVITY_FILES = {
    "calendar.xml": empty("events"),
    "comments.xml": empty("comments"),
    "competencies.xml": empty("course_module_competencies", "competencies"),
    "completion.xml": empty("completions", "completionviews"),
    "filters.xml": empty("filters", "filter_actives", "filter_configs"),
    "grade_history.xml": empty("grade_history", "grade_grades"),
    "roles.xml": empty("roles", "role_overrides", "role_assignments"),
    "xapistate.xml": empty("states"),
}
#: What the backup holds: no users, logs, blocks or groups, only the course and its files.
ROOT_SETTINGS = {
    "imscc11": 0,
    "users": 0,
    "anonymize": 0,
    "role_assignments": 0,
    "activities": 1,
    "blocks": 0,
    "files": 1,
    "filters": 0,
    "comments": 0,
    "badges": 0,
    "calendarevents": 0,
    "userscompletion": 0,
    "logs": 0,
    "grade_histories": 0,
    "questionbank": 1,
    "groups": 0,
    "competencies": 0,
    "customfield": 0,
    "contentbankcontent": 0,
    "xapistate": 0,
    "legacyfiles": 0,
}


def shortname(course: Course, lang: str) -> str:
    return f"{course.id}-{lang}"


def moodle_backup_xml(
    course: Course,
    lang: str,
    backup_id: str,
    sections: list[tuple[int, int]],
    activities: list[tuple[int, int, str, str]],
) -> bytes:
    """The backup's description: its contents (sections as (id, number), activities as (cmid,
    section number, module, title)) and the settings it was made with."""
    filename = f"{course.id}-{lang}.mbz"
    acts = [
        node(
            "activity",
            [
                ("moduleid", cmid),
                ("sectionid", section + 1),
                ("modulename", mod),
                ("title", title),
                ("directory", f"activities/{mod}_{cmid}"),
                ("insubsection", ""),
            ],
        )
        for cmid, section, mod, title in activities
    ]
    secs = [
        node(
            "section",
            [
                ("sectionid", sid),
                ("title", number),
                ("directory", f"sections/section_{sid}"),
                ("parentcmid", ""),
                ("modname", ""),
            ],
        )
        for sid, number in sections
    ]
    settings = [node("setting", [("level", "root"), ("name", "filename"), ("value", filename)])]
    settings += [
        node("setting", [("level", "root"), ("name", name), ("value", value)])
        for name, value in ROOT_SETTINGS.items()
    ]
    for sid, _ in sections:
        for what, value in (("included", 1), ("userinfo", 0)):
            settings.append(
                node(
                    "setting",
                    [
                        ("level", "section"),
                        ("section", f"section_{sid}"),
                        ("name", f"section_{sid}_{what}"),
                        ("value", value),
                    ],
                )
            )
    for cmid, _, mod, _ in activities:
        for what, value in (("included", 1), ("userinfo", 0)):
            settings.append(
                node(
                    "setting",
                    [
                        ("level", "activity"),
                        ("activity", f"{mod}_{cmid}"),
                        ("name", f"{mod}_{cmid}_{what}"),
                        ("value", value),
                    ],
                )
            )
    detail = node(
        "detail",
        [
            ("type", "course"),
            ("format", "moodle2"),
            ("interactive", 0),
            ("mode", 10),
            ("execution", 1),
            ("executiontime", 0),
        ],
        backup_id=backup_id,
    )
    course_ref = [
        _text("courseid", 1),
        _text("title", shortname(course, lang)),
        _text("directory", "course"),
    ]
    contents = [("activities", acts), ("sections", secs), ("course", course_ref)]
    information = node(
        "information",
        [
            ("name", filename),
            ("moodle_version", MOODLE_VERSION),
            ("moodle_release", MOODLE_RELEASE),
            ("backup_version", MOODLE_VERSION),
            ("backup_release", MOODLE_RELEASE),
            ("backup_date", 0),
            ("mnet_remoteusers", 0),
            ("include_files", 1),
            ("include_file_references_to_external_content", 0),
            ("original_wwwroot", "https://packager.invalid"),
            ("original_site_identifier_hash", backup_id),
            ("original_course_id", 1),
            ("original_course_format", "topics"),
            ("original_course_fullname", course.title),
            ("original_course_shortname", shortname(course, lang)),
            ("original_course_startdate", 0),
            ("original_course_enddate", 0),
            ("original_course_contextid", 2),
            ("original_system_contextid", 1),
            ("details", [detail]),
            ("contents", _children(contents)),
            ("settings", settings),
        ],
    )
    root = node("moodle_backup")
    root.append(information)
    return document(root)


def _text(tag: str, value: object) -> etree._Element:
    element = etree.Element(tag)
    element.text = str(value)
    return element


def _children(fields: list[tuple[str, list[etree._Element]]]) -> list[etree._Element]:
    return list(node("x", fields))


def course_xml(course: Course, lang: str, summary: str, course_id: int, contextid: int) -> bytes:
    options = [
        node(
            "courseformatoption",
            [("format", "topics"), ("sectionid", 0), ("name", name), ("value", 0)],
        )
        for name in ("hiddensections", "coursedisplay")
    ]
    root = node(
        "course",
        [
            ("shortname", shortname(course, lang)),
            ("fullname", course.title),
            ("idnumber", ""),
            ("summary", summary),
            ("summaryformat", 1),
            ("format", "topics"),
            ("showgrades", 1),
            ("newsitems", 0),
            ("startdate", 0),
            ("enddate", 0),
            ("marker", 0),
            ("maxbytes", 0),
            ("legacyfiles", 0),
            ("showreports", 0),
            ("visible", 1),
            ("groupmode", 0),
            ("groupmodeforce", 0),
            ("defaultgroupingid", 0),
            ("lang", lang),
            ("theme", ""),
            ("timecreated", 0),
            ("timemodified", 0),
            ("requested", 0),
            ("showactivitydates", 0),
            ("showcompletionconditions", 0),
            ("pdfexportfont", None),
            ("enablecompletion", 0),
            ("completionnotify", 0),
            ("category", node("category", [("name", ""), ("description", None)], id=1)),
            ("tags", []),
            ("customfields", []),
            ("courseformatoptions", options),
        ],
        id=course_id,
        contextid=contextid,
    )
    return document(root)


def section_xml(number: int, title: str | None, cmids: list[int]) -> bytes:
    return document(
        node(
            "section",
            [
                ("number", number),
                ("name", title),
                ("summary", ""),
                ("summaryformat", 1),
                ("sequence", ",".join(str(c) for c in cmids)),
                ("visible", 1),
                ("availabilityjson", None),
                ("component", None),
                ("itemid", None),
                ("timemodified", 0),
            ],
            id=number + 1,
        )
    )


def module_xml(cmid: int, modname: str, section_id: int, section_number: int) -> bytes:
    return document(
        node(
            "module",
            [
                ("modulename", modname),
                ("sectionid", section_id),
                ("sectionnumber", section_number),
                ("idnumber", ""),
                ("added", 0),
                ("score", 0),
                ("indent", 0),
                ("visible", 1),
                ("visibleoncoursepage", 1),
                ("visibleold", 1),
                ("groupmode", 0),
                ("groupingid", 0),
                ("completion", 0),
                ("completiongradeitemnumber", None),
                ("completionpassgrade", 0),
                ("completionview", 0),
                ("completionexpected", 0),
                ("availability", None),
                ("showdescription", 0),
                ("downloadcontent", 1),
                ("lang", None),
                ("tags", []),
            ],
            id=cmid,
            version=MODULE_VERSION,
        )
    )


def _grade_item(item_id: int, fields: list[tuple[str, object]]) -> etree._Element:
    common: list[tuple[str, object]] = [
        ("iteminfo", None),
        ("idnumber", ""),
        ("calculation", None),
        ("gradetype", 1),
        ("grademax", "10.00000"),
        ("grademin", "0.00000"),
        ("scaleid", None),
        ("outcomeid", None),
        ("gradepass", "0.00000"),
        ("multfactor", "1.00000"),
        ("plusfactor", "0.00000"),
        ("aggregationcoef", "0.00000"),
        ("aggregationcoef2", "0.00000"),
        ("weightoverride", 0),
        ("sortorder", item_id),
        ("display", 0),
        ("decimals", None),
        ("hidden", 0),
        ("locked", 0),
        ("locktime", 0),
        ("needsupdate", 0),
        ("timecreated", 0),
        ("timemodified", 0),
        ("grade_grades", []),
    ]
    return node("grade_item", fields + common, id=item_id)


def grades_xml(quiz: int | None) -> bytes:
    """An activity's grade items: the quiz's, out of 10, in the course's category."""
    items = []
    if quiz is not None:
        items.append(
            _grade_item(
                quiz + 1,
                [
                    ("categoryid", 1),
                    ("itemname", "quiz"),
                    ("itemtype", "mod"),
                    ("itemmodule", "quiz"),
                    ("iteminstance", quiz),
                    ("itemnumber", 0),
                ],
            )
        )
    return document(node("activity_gradebook", [("grade_items", items), ("grade_letters", [])]))


def gradebook_xml() -> bytes:
    category = node(
        "grade_category",
        [
            ("parent", None),
            ("depth", 1),
            ("path", "/1/"),
            ("fullname", "?"),
            ("aggregation", 13),
            ("keephigh", 0),
            ("droplow", 0),
            ("aggregateonlygraded", 1),
            ("aggregateoutcomes", 0),
            ("timecreated", 0),
            ("timemodified", 0),
            ("hidden", 0),
        ],
        id=1,
    )
    course_item = _grade_item(
        1,
        [
            ("categoryid", None),
            ("itemname", None),
            ("itemtype", "course"),
            ("itemmodule", None),
            ("iteminstance", 1),
            ("itemnumber", None),
        ],
    )
    setting = node("grade_setting", [("name", "minmaxtouse"), ("value", 1)], id="")
    return document(
        node(
            "gradebook",
            [
                ("attributes", []),
                ("grade_categories", [category]),
                ("grade_items", [course_item]),
                ("grade_letters", []),
                ("grade_settings", [setting]),
            ],
        )
    )
