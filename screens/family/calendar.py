"""/calendar: a parent's (or a student's) private calendar link per child
(services.calendar_feed).

The first screen names each child with whether a link is out, and a button per child: get a
link, or a new one (the old one stops working) and turn it off. A new link is shown once, with
the warning that it shows the child's timetable and homework.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from zoneinfo import ZoneInfo

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id, OneOf
from screens.family.render import date_short
from screens.screen import Button, Screen
from services.calendar_feed.links import CalendarChild
from services.richtext import escape


class CalendarCb(Action, prefix="fcl"):
    s: Id  # the child (checked again by the service)
    a: Annotated[str, OneOf("new", "off")]


def feed_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/calendar/{token}.ics"


def no_address_screen(t: Translator) -> Screen:
    return Screen((t("calendar.no_public_address"),))


def children_screen(t: Translator, children: Sequence[CalendarChild], tz: str) -> Screen:
    if not children:
        return Screen((t("calendar.no_children"),))
    lines = [t("calendar.title"), t("calendar.intro"), ""]
    rows: list[tuple[Button, ...]] = []
    for child in children:
        name = escape(child.name)
        if child.linked_since is None:
            lines.append(t("calendar.child_unlinked", name=name))
            rows.append(
                (
                    Button(
                        t("calendar.btn.get", name=child.name),
                        CalendarCb(s=child.student_id, a="new"),
                    ),
                )
            )
        else:
            day = child.linked_since.astimezone(ZoneInfo(tz)).date()
            lines.append(t("calendar.child_linked", name=name, date=date_short(t, day)))
            rows.append(
                (
                    Button(
                        t("calendar.btn.new", name=child.name),
                        CalendarCb(s=child.student_id, a="new"),
                    ),
                    Button(
                        t("calendar.btn.off", name=child.name),
                        CalendarCb(s=child.student_id, a="off"),
                    ),
                )
            )
    return Screen(("\n".join(lines),), tuple(rows), replace=False)


def link_screen(t: Translator, child: CalendarChild, url: str) -> Screen:
    """The new link, shown once, with the warning; a newer link or none from here."""
    text = t("calendar.link", name=escape(child.name), url=escape(url))
    rows = (
        (
            Button(t("calendar.btn.new_one"), CalendarCb(s=child.student_id, a="new")),
            Button(t("calendar.btn.off_one"), CalendarCb(s=child.student_id, a="off")),
        ),
    )
    return Screen((text,), rows)


def revoked_screen(t: Translator, child: CalendarChild, *, had_link: bool) -> Screen:
    key = "calendar.revoked" if had_link else "calendar.nothing_to_revoke"
    return Screen((t(key, name=escape(child.name)),))
