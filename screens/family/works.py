"""/works: a child's control works of the current study period — the coming ones by date, the
past ones with the child's mark — reachable from the diary's button and by command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from i18n import Translator
from screens.family.diary import DiaryAction
from screens.family.render import date_short, header, split_blocks
from screens.screen import Button, Screen
from services.richtext import escape
from services.timetable.works_reads import WorksPage, WorkView

Translate = Callable[..., str]


def work_day(t: Translate, day: dt.date) -> str:
    """ "вт 8.12": the weekday and the date, short."""
    return t(
        "works.day", weekday=t(f"works.weekday.{day.isoweekday()}"), day=day.day, month=day.month
    )


def _item(t: Translator, work: WorkView, *, result: bool, show_marks: bool) -> str:
    params = {
        "day": work_day(t, work.date),
        "subject": escape(work.subject),
        "kind": t(f"works.kind.{work.kind.value}"),
    }
    line = (
        t("works.item_titled", title=escape(work.title), **params)
        if work.title
        else t("works.item", **params)
    )
    if result and show_marks:
        if work.marks:
            line += " " + t("works.result", marks=", ".join(str(m) for m in work.marks))
        else:
            line += " " + t("works.no_result")
    return line


def works_screen(t: Translator, page: WorksPage) -> Screen:
    top = [header(t, page.student)]
    if page.period is not None:
        top.append(
            t(
                "works.title",
                period=escape(page.period.name),
                start=date_short(t, page.period.starts_on),
                end=date_short(t, page.period.ends_on),
            )
        )
    else:
        top.append(t("works.no_period"))
    blocks = ["\n".join(top)]
    if not page.coming and not page.past:
        blocks.append(t("works.none"))
    else:
        coming = [t("works.coming")]
        coming += [_item(t, w, result=False, show_marks=page.show_marks) for w in page.coming]
        if not page.coming:
            coming.append(t("works.none_coming"))
        blocks.append("\n".join(coming))
        if page.past:
            past = [t("works.past")]
            past += [_item(t, w, result=True, show_marks=page.show_marks) for w in page.past]
            blocks.append("\n".join(past))
    back = Button(t("works.btn.diary"), DiaryAction(s=page.student.id, d=0))
    return Screen(tuple(split_blocks(blocks)), ((back,),))
