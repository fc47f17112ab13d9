"""/subgroups: a class's subgroups (a split for a language, IT, labour) and who is in each;
a group's list of the class's students, where a tap moves a student in or out from today."""

from __future__ import annotations

from i18n import Translator
from screens.class_teacher.actions import GroupCb
from screens.screen import Button, Screen, rows_of
from services.people.subgroups import ClassGroups, Toggled
from services.richtext import escape, shorten_html

STUDENTS_PER_ROW = 2
MEMBER_MARK = "✅ "


def _group_title(name: str, subject: str | None) -> str:
    return f"{name} ({subject})" if subject else name


def class_groups_screen(t: Translator, view: ClassGroups) -> Screen:
    """Each group of the class with its students on the day; a button a group."""
    lines = [t("subgroups.title", cls=escape(view.class_name), day=f"{view.day:%d.%m.%Y}")]
    if not view.groups:
        lines.append(t("subgroups.none"))
    for g in view.groups:
        names = ", ".join(escape(name) for _, name in g.members) or t("subgroups.empty")
        lines.append(
            t("subgroups.group_line", group=escape(_group_title(g.name, g.subject)), names=names)
        )
    in_any = {sid for g in view.groups for sid, _ in g.members}
    outside = [escape(name) for sid, name in view.students if sid not in in_any]
    if view.groups and outside:
        lines.append(t("subgroups.outside", names=", ".join(outside)))
    buttons = [
        Button(
            _group_title(g.name, g.subject),
            GroupCb(action="grp", class_id=view.class_id, group_id=g.id),
        )
        for g in view.groups
    ]
    return Screen((shorten_html("\n".join(lines)),), rows_of(buttons, 2) if buttons else ())


def group_screen(
    t: Translator, view: ClassGroups, group_id: int, done: Toggled | None = None
) -> Screen:
    """One group: the class's students, members marked; a tap toggles from today."""
    group = view.group(group_id)
    assert group is not None
    members = {sid for sid, _ in group.members}
    lines = [
        t(
            "subgroups.group_title",
            group=escape(_group_title(group.name, group.subject)),
            cls=escape(view.class_name),
            count=len(members),
        ),
        t("subgroups.group_hint", day=f"{view.day:%d.%m.%Y}"),
    ]
    if done is not None:
        lines.append(
            t(
                f"subgroups.done_{done.outcome}",
                student=escape(done.student),
                group=escape(done.group),
                other=escape(done.other or ""),
                day=f"{done.day:%d.%m.%Y}",
            )
        )
    buttons = [
        Button(
            (MEMBER_MARK if sid in members else "") + name,
            GroupCb(action="tap", class_id=view.class_id, group_id=group.id, student_id=sid),
        )
        for sid, name in view.students
    ]
    back = (Button(t("subgroups.back"), GroupCb(action="cls", class_id=view.class_id)),)
    return Screen((shorten_html("\n".join(lines)),), (*rows_of(buttons, STUDENTS_PER_ROW), back))
