"""The office's side of family messages (the admin, the director, the deputy): a student found
by class, that student's threads (the teacher, when it was opened, how many messages — never
their text), a complaint recorded about a thread (who complained, the day, the reason, typed),
then the thread read on that complaint; and the list of recorded complaints.

Reading is offered only for a thread with a recorded complaint; a forged reading button is
refused by the service's policy (services/people/policy.py, ``ensure_can_read_on_complaint``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated
from zoneinfo import ZoneInfo

from i18n import Translator
from screens.actions import Action
from screens.admin.common import PAGE, home_row, text_screen
from screens.bounds import OneOf, OptId, Page
from screens.common.threads import thread_screen
from screens.paging import arrows, paged
from screens.screen import Button, Row, Screen
from services.family_messages import reads
from services.family_messages.complaints import COMPLAINTS_PAGE, ComplaintRow, ThreadHeader
from services.richtext import escape
from services.school.office_reads import Choice

CLASS_PAGE = 48
REASON_SHOWN = 200


class ComplaintCb(Action, prefix="o_cmp"):
    """home | cls (classes, ``page``) | stu (a class's students: ``id`` the class) | thr (a
    student's threads: ``id`` the student) | new (record a complaint: ``id`` the thread) | now
    (the complaint's day is today) | read (``id`` the thread, ``page``) | list (the recorded
    complaints, ``page``) | cancel."""

    op: Annotated[str, OneOf("home", "cls", "stu", "thr", "new", "now", "read", "list", "cancel")]
    id: OptId = 0
    page: Page = 0


def home_screen(t: Translator, note: str | None = None, *, menu: bool = True) -> Screen:
    """``menu``: the way back to /admin (the director has no /admin menu)."""
    lines = [t("complaints.title"), "", t("complaints.about")]
    if note:
        lines = [note, "", *lines]
    return text_screen(
        "\n".join(lines),
        [
            (Button(t("complaints.btn.find"), ComplaintCb(op="cls")),),
            (Button(t("complaints.btn.list"), ComplaintCb(op="list")),),
            home_row(t) if menu else (),
        ],
    )


def _back(t: Translator) -> Row:
    return (Button(t("complaints.btn.back"), ComplaintCb(op="home")),)


def classes_screen(t: Translator, classes: Sequence[Choice], page: int) -> Screen:
    items = [(c.title, ComplaintCb(op="stu", id=c.id)) for c in classes]
    rows = paged(items, page, lambda p: ComplaintCb(op="cls", page=p), size=CLASS_PAGE, columns=4)
    return text_screen(t("complaints.pick_class"), (*rows, _back(t)))


def students_screen(t: Translator, class_id: int, students: Sequence[Choice], page: int) -> Screen:
    items = [(s.title, ComplaintCb(op="thr", id=s.id)) for s in students]
    rows = paged(items, page, lambda p: ComplaintCb(op="stu", id=class_id, page=p), size=PAGE)
    if not students:
        return text_screen(t("complaints.no_students"), (_back(t),))
    return text_screen(t("complaints.pick_student"), (*rows, _back(t)))


def _opened(t: Translator, header: ThreadHeader, tz: ZoneInfo) -> str:
    if header.opened is None:
        return "—"
    return t.date(header.opened.astimezone(tz).date())


def threads_screen(
    t: Translator, student: str, headers: Sequence[ThreadHeader], tz: ZoneInfo
) -> Screen:
    """A student's threads: who, since when, how many messages and complaints; a complaint
    button for each, a reading button only where a complaint is recorded."""
    lines = [t("complaints.threads_title", child=escape(student)), ""]
    rows: list[Row] = []
    if not headers:
        lines.append(t("complaints.no_threads"))
    for n, h in enumerate(headers, 1):
        side = t("complaints.side_student") if h.side == "student" else t("complaints.side_family")
        lines.append(
            t(
                "complaints.thread_line",
                n=n,
                teacher=escape(h.teacher),
                side=side,
                opened=_opened(t, h, tz),
                messages=h.messages,
                complaints=h.complaints,
            )
        )
        row = [Button(t("complaints.btn.record", n=n), ComplaintCb(op="new", id=h.thread_id))]
        if h.complaints:
            row.append(
                Button(t("complaints.btn.read", n=n), ComplaintCb(op="read", id=h.thread_id))
            )
        rows.append(tuple(row))
    lines += ["", t("complaints.threads_note")]
    return text_screen("\n".join(lines), (*rows, _back(t)))


def _target(t: Translator, header: ThreadHeader) -> str:
    return t(
        "complaints.target",
        teacher=escape(header.teacher),
        child=escape(header.child),
        class_name=escape(header.class_name),
    )


def _cancel(t: Translator) -> Row:
    return (Button(t("complaints.btn.cancel"), ComplaintCb(op="cancel")),)


def ask_who_screen(t: Translator, header: ThreadHeader, note: str | None = None) -> Screen:
    lines = [_target(t, header), "", t("complaints.ask_who")]
    if note:
        lines = [note, "", *lines]
    return text_screen("\n".join(lines), (_cancel(t),), replace=False)


def ask_day_screen(t: Translator, header: ThreadHeader, note: str | None = None) -> Screen:
    lines = [_target(t, header), "", t("complaints.ask_day")]
    if note:
        lines = [note, "", *lines]
    today = (Button(t("complaints.btn.today"), ComplaintCb(op="now", id=header.thread_id)),)
    return text_screen("\n".join(lines), (today, _cancel(t)), replace=False)


def ask_reason_screen(t: Translator, header: ThreadHeader, note: str | None = None) -> Screen:
    lines = [_target(t, header), "", t("complaints.ask_reason")]
    if note:
        lines = [note, "", *lines]
    return text_screen("\n".join(lines), (_cancel(t),), replace=False)


def recorded_screen(t: Translator, header: ThreadHeader, who: str, day: dt.date) -> Screen:
    lines = [
        t("complaints.recorded", who=escape(who), day=t.date(day)),
        _target(t, header),
        "",
        t("complaints.read_note"),
    ]
    read = (Button(t("complaints.btn.read_now"), ComplaintCb(op="read", id=header.thread_id)),)
    return text_screen("\n".join(lines), (read, _back(t)), replace=False)


def reading_screen(t: Translator, view: reads.ThreadPage) -> Screen:
    """The thread as its participants see it, headed by the note that the reading is written
    to the audit log; paged with the office's own buttons (no reply, no close)."""
    page = thread_screen(t, view)
    texts = (t("complaints.reading_note") + "\n\n" + page.texts[0], *page.texts[1:])
    older = (
        ComplaintCb(op="read", id=view.thread_id, page=view.page + 1)
        if view.page + 1 < view.pages
        else None
    )
    newer = ComplaintCb(op="read", id=view.thread_id, page=view.page - 1) if view.page > 0 else None
    rows: list[Row] = []
    nav = arrows(older, newer)
    if nav:
        rows.append(nav)
    rows.append((Button(t("complaints.btn.list"), ComplaintCb(op="list")),))
    rows.append(_back(t))
    return Screen(texts, tuple(rows), replace=True)


def complaints_screen(
    t: Translator, rows_: Sequence[ComplaintRow], page: int, pages: int, tz: ZoneInfo
) -> Screen:
    """The recorded complaints, the newest first: the day, who, the thread, the reason, when
    it was recorded; a reading button for each."""
    lines: list[str] = []
    if not rows_:
        lines.append(t("complaints.list_empty"))
    buttons: list[Row] = []
    for n, c in enumerate(rows_, 1 + page * COMPLAINTS_PAGE):
        reason = c.reason if len(c.reason) <= REASON_SHOWN else c.reason[:REASON_SHOWN] + "…"
        lines.append(
            t(
                "complaints.list_line",
                n=n,
                day=t.date(c.complained_on),
                who=escape(c.complainant),
                teacher=escape(c.teacher),
                child=escape(c.child),
                class_name=escape(c.class_name),
                reason=escape(reason),
                recorded=c.recorded_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            )
        )
        buttons.append(
            (Button(t("complaints.btn.read_n", n=n), ComplaintCb(op="read", id=c.thread_id)),)
        )
    nav = arrows(
        ComplaintCb(op="list", page=page - 1) if page > 0 else None,
        ComplaintCb(op="list", page=page + 1) if page + 1 < pages else None,
    )
    if nav:
        buttons.append(nav)
    text = t("complaints.list_title") + "\n\n" + "\n\n".join(lines)
    return text_screen(text, (*buttons, _back(t)))
