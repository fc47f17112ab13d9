"""Teacher ↔ family messages, messenger-neutral: the list of one's threads with unread counts,
the teachers a family may write to, the compose prompt, "sent" (or "held until the teacher's
working hours"), a thread's page with each message's ✓ sent / ✓✓ read mark, and the buttons
of a new message's alert ("Ответить"). Names only: nobody's phone or messenger account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated
from zoneinfo import ZoneInfo

from i18n import Translator
from screens.actions import Action
from screens.bounds import Flag, Id, OneOf, OptId, Page
from screens.paging import arrows
from screens.screen import Button, Row, Screen
from services.family_messages import reads
from services.family_messages.alert_kinds import ThreadMessagePayload
from services.family_messages.threads import Sent
from services.richtext import TEXT_LIMIT, escape, split_html

MARKS = {
    reads.HELD: "⏳",
    reads.QUEUED: "🕓",
    reads.SENT: "✓",
    reads.READ: "✓✓",
    reads.FAILED: "⚠️",
}


class ThreadCb(Action, prefix="msg"):
    """The list (``list``), a thread's page (``open``), writing in it (``reply``), closing and
    reopening it (the teacher), a thread's file (``file``: ``id`` is then the message)."""

    op: Annotated[str, OneOf("list", "open", "reply", "close", "reopen", "file", "cancel")]
    id: OptId = 0
    p: Page = 0


class ThreadNewCb(Action, prefix="msn"):
    """A family's new message about child ``s``: the teachers (``t`` 0), or to teacher ``t``
    (``d`` 1: send the text kept as the draft)."""

    s: Id
    t: OptId = 0
    d: Flag = 0


# --------------------------------------------------------------------------- the list


def list_screen(
    t: Translator,
    items: Sequence[reads.ThreadItem],
    children: Sequence[tuple[int, str]] = (),
    *,
    replace: bool = False,
) -> Screen:
    """The threads (newest first), each a button with its unread count; a "write" button per
    child a family member may write about."""
    lines = [t("threads.list.title")]
    if not items:
        lines.append(t("threads.list.empty"))
    rows: list[Row] = []
    for item in items:
        label = t(
            "threads.list.item_teacher" if item.role == "teacher" else "threads.list.item_family",
            other=item.other,
            child=item.child,
            class_name=item.class_name,
        )
        if item.unread:
            label += f" · 🔴 {item.unread}"
        if item.closed:
            label += " · 🔒"
        rows.append((Button(label, ThreadCb(op="open", id=item.thread_id)),))
    for student_id, name in children:
        rows.append((Button(t("threads.btn.write_about", child=name), ThreadNewCb(s=student_id)),))
    return Screen(("\n\n".join(lines),), tuple(rows), replace=replace)


def teachers_screen(
    t: Translator, choice: reads.ChildTeachers, draft: str | None = None, *, replace: bool = True
) -> Screen:
    """Whom to write to about the child; with a ``draft`` (a text the parent sent outside a
    conversation), that text is shown and a press sends it."""
    lines = [t("threads.teachers.title", child=choice.child, class_name=choice.class_name)]
    if draft is not None:
        lines.append(t("threads.teachers.draft", text=escape(draft)))
    if not choice.teachers:
        lines.append(t("threads.teachers.none"))
    rows: list[Row] = []
    for teacher in choice.teachers:
        what = (
            t("threads.teachers.class_teacher")
            if teacher.class_teacher
            else ", ".join(teacher.subjects)
        )
        label = f"{teacher.name} — {what}" if what else teacher.name
        rows.append(
            (
                Button(
                    label,
                    ThreadNewCb(
                        s=choice.student_id, t=teacher.teacher_id, d=int(draft is not None)
                    ),
                ),
            )
        )
    rows.append((Button(t("threads.btn.cancel"), ThreadCb(op="cancel")),))
    return Screen(("\n\n".join(lines),), tuple(rows), replace=replace)


def compose_screen(t: Translator, to: str, *, teacher: bool = False) -> Screen:
    """The prompt for a message: text, a photo or a file; who will see what."""
    key = "threads.compose.to_family" if teacher else "threads.compose.to_teacher"
    return Screen(
        (t(key, to=to),),
        ((Button(t("threads.btn.cancel"), ThreadCb(op="cancel")),),),
        replace=False,
    )


def when_text(t: Translator, moment: dt.datetime, now: dt.datetime, tz: ZoneInfo) -> str:
    """ "сегодня в 8:00", "завтра в 8:00" or "23.11 в 8:00", school time."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    time = f"{local.hour}:{local.minute:02d}"
    if local.date() == today:
        return t("threads.when.today", time=time)
    if local.date() == today + dt.timedelta(days=1):
        return t("threads.when.tomorrow", time=time)
    return t("threads.when.day", day=f"{local.day:02d}.{local.month:02d}", time=time)


def sent_screen(t: Translator, sent: Sent, now: dt.datetime, tz: ZoneInfo) -> Screen:
    """The message went (or waits for the teacher's working hours: when they get it)."""
    text = (
        t("threads.sent.held", when=when_text(t, sent.deliver_at, now, tz))
        if sent.held
        else t("threads.sent.now")
    )
    return Screen(
        (text,),
        ((Button(t("threads.btn.open"), ThreadCb(op="open", id=sent.thread_id)),),),
        replace=False,
    )


# --------------------------------------------------------------------------- a thread


def _file_line(t: Translator, m: reads.MessageLine, messenger: str | None) -> str:
    kind = "photo" if m.attachment_kind == "photo" else "document"
    name = f" {escape(m.attachment_name)}" if m.attachment_name else ""
    if m.messenger is not None and messenger is not None and m.messenger != messenger:
        where = t(f"threads.messenger.{m.messenger}")
        return t(f"threads.view.file_elsewhere_{kind}", name=name, messenger=where)
    return t(f"threads.view.file_{kind}", name=name)


def _message_block(t: Translator, m: reads.MessageLine, tz: ZoneInfo, messenger: str | None) -> str:
    local = m.at.astimezone(tz)
    head = f"<b>{escape(m.author)}</b> · {local:%d.%m %H:%M}"
    if m.status is not None:
        head += f" {MARKS[m.status]}"
    parts = [head]
    if m.text:
        parts.append(escape(m.text))
    if m.attachment_ref:
        parts.append(_file_line(t, m, messenger))
    return "\n".join(parts)


def thread_screen(
    t: Translator, view: reads.ThreadPage, *, messenger: str | None = None, replace: bool = True
) -> Screen:
    """A page of a thread (``view.page`` 0: the newest), oldest first; the reader's own
    messages with their marks; the buttons the reader's part allows. ``messenger``: the one the
    reader looks from (a file sent from another messenger is said to be there)."""
    tz = ZoneInfo(view.timezone)
    head = t(
        "threads.view.title",
        teacher=escape(view.teacher),
        child=escape(view.child),
        class_name=escape(view.class_name),
    )
    if view.side == "student":
        head += "\n" + t("threads.view.student_side")
    if view.closed:
        head += "\n" + t("threads.view.closed")
    if view.ended is not None:
        head += "\n" + t(
            f"threads.ended_{view.ended}",
            teacher=escape(view.teacher),
            child=escape(view.child),
            class_name=escape(view.class_name),
        )
    blocks = [head]
    if not view.messages:
        blocks.append(t("threads.view.empty"))
    blocks += [_message_block(t, m, tz, messenger) for m in view.messages]
    if view.role != "office" and any(m.status for m in view.messages):
        blocks.append(t("threads.view.legend"))
    texts = tuple(split_html("\n\n".join(blocks), TEXT_LIMIT))
    rows: list[Row] = []
    older = (
        ThreadCb(op="open", id=view.thread_id, p=view.page + 1)
        if view.page + 1 < view.pages
        else None
    )
    newer = ThreadCb(op="open", id=view.thread_id, p=view.page - 1) if view.page > 0 else None
    if older or newer:
        rows.append(arrows(older, newer))
    for m in view.messages:
        if m.attachment_ref and (
            m.messenger is None or messenger is None or m.messenger == messenger
        ):
            label = t("threads.btn.file", name=(m.attachment_name or "")[:40])
            rows.append((Button(label, ThreadCb(op="file", id=m.message_id)),))
    if view.role == "office":
        return Screen(texts, tuple(rows), replace=replace)
    actions: list[Button] = []
    if view.can_write:
        key = "threads.btn.reply" if view.messages else "threads.btn.write"
        actions.append(Button(t(key), ThreadCb(op="reply", id=view.thread_id)))
    if view.role == "teacher":
        if view.closed:
            actions.append(
                Button(t("threads.btn.reopen"), ThreadCb(op="reopen", id=view.thread_id))
            )
        else:
            actions.append(Button(t("threads.btn.close"), ThreadCb(op="close", id=view.thread_id)))
    if actions:
        rows.append(tuple(actions))
    rows.append((Button(t("threads.btn.list"), ThreadCb(op="list")),))
    return Screen(texts, tuple(rows), replace=replace)


# --------------------------------------------------------------------------- the alert


def alert_rows(p: ThreadMessagePayload, t: Translator) -> tuple[Row, ...]:
    """ "Ответить" and "Вся переписка" under a new message's alert."""
    if not p.thread_id:
        return ()
    return (
        (
            Button(t("threads.btn.reply"), ThreadCb(op="reply", id=p.thread_id)),
            Button(t("threads.btn.open"), ThreadCb(op="open", id=p.thread_id)),
        ),
    )
