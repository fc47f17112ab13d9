"""The attendance domain's notification kinds: absence and lateness alerts to the family, the
family's answer to the class teacher, a parent's advance notice (services.notifications.kinds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field

from services.models import NotificationPrefs
from services.notifications.kinds import (
    AlertMessage,
    Child,
    Kind,
    Value,
    child_text,
    date_text,
    dates_text,
    t,
    turned_off,
)

# The answers a family gives to an absence alert (its buttons).
FAMILY_REASONS = ("ill", "excused", "unknown")


class AbsencePayload(Child):
    lesson_id: int | None = None
    subject: Value = ""
    lesson_number: Value = ""
    date: str | None = None
    code: str | None = None  # the attendance code the alert is about
    # Looked up by the worker: the attendance row's id (for the buttons) and its code now
    # (None: the row is gone).
    attendance_id: int | None = None
    current_code: str | None = None


def _absence_text(key: str) -> Callable[[AbsencePayload, str], str]:
    def text(p: AbsencePayload, lang: str) -> str:
        return t(
            lang,
            key,
            gender=p.student_gender or "",
            student=p.student_name,
            subject=p.subject,
            lesson_number=p.lesson_number,
            date=date_text(lang, p.date),
        )

    return text


def _absence_brief(key: str) -> Callable[[AbsencePayload, str], str]:
    """The minimal personal data form: the first name, the event, the subject."""

    def text(p: AbsencePayload, lang: str) -> str:
        return t(lang, key, student=child_text(lang, p.first), subject=p.subject)

    return text


def _absent_message(p: AbsencePayload, lang: str, text: str) -> AlertMessage:
    """The alert with the question its buttons answer."""
    if p.attendance_id:
        text = f"{text}\n{t(lang, 'notify.absence.ask')}"
    return AlertMessage(text)


def _corrected(p: AbsencePayload, prefs: NotificationPrefs | None) -> str | None:
    """The teacher corrected the mark (or the class teacher set a reason) since it was queued."""
    if p.current_code is None or p.current_code != p.code:
        return "attendance corrected"
    return None


ABSENT: Kind[AbsencePayload] = Kind(
    "attendance.absent",
    AbsencePayload,
    _absence_text("notify.absence.absent"),
    message_of=_absent_message,
    brief=_absence_brief("notify.minimal.absent"),
    gates=(_corrected, turned_off("absences")),
    alone=True,
)
LATE: Kind[AbsencePayload] = Kind(
    "attendance.late",
    AbsencePayload,
    _absence_text("notify.absence.late"),
    brief=_absence_brief("notify.minimal.late"),
    gates=(_corrected, turned_off("absences")),
)


class FamilyReasonPayload(Child):
    attendance_id: int | None = None
    lesson_id: int | None = None
    guardian_id: int | None = None
    guardian: Value = ""  # the worker's display name
    guardian_gender: str | None = None
    class_name: Value = Field("", alias="class")
    subject: Value = ""
    lesson_number: Value = ""
    date: str | None = None
    reason: str | None = None


def _family_reason_text(p: FamilyReasonPayload, lang: str) -> str:
    return t(
        lang,
        "notify.absence.family_reason",
        gender=p.guardian_gender or "",
        guardian=p.guardian,
        student=p.student_name,
        class_name=p.class_name,
        subject=p.subject,
        lesson_number=p.lesson_number,
        date=date_text(lang, p.date),
        reason=t(lang, f"notify.reason.{p.reason}"),
    )


def _family_reason_brief(p: FamilyReasonPayload, lang: str) -> str:
    """Without the parent's name, the class and the reason."""
    return t(
        lang,
        "notify.minimal.family_reason",
        student=child_text(lang, p.first),
        subject=p.subject,
    )


FAMILY_REASON: Kind[FamilyReasonPayload] = Kind(
    "attendance.family_reason",
    FamilyReasonPayload,
    _family_reason_text,
    brief=_family_reason_brief,
)


class NoticePayload(Child):
    # services/attendance/notices.py writes the child's name as "{last} {first}".
    last_first: ClassVar[bool] = True

    notice_id: int | None = None
    by: Value = ""
    class_name: Value = ""
    date_from: str | None = None
    date_to: str | None = None
    reason: Value = None


def _notice_text(key: str, *, with_reason: bool) -> Callable[[NoticePayload, str], str]:
    def text(p: NoticePayload, lang: str) -> str:
        reason = {"reason": p.reason or "—"} if with_reason else {}
        return t(
            lang,
            key,
            by=p.by,
            student=p.student_name,
            class_name=p.class_name,
            dates=dates_text(lang, p.date_from, p.date_to),
            **reason,
        )

    return text


def _notice_brief(key: str) -> Callable[[NoticePayload, str], str]:
    """Without the parent's name, the class, the dates and the reason."""

    def text(p: NoticePayload, lang: str) -> str:
        return t(lang, key, student=child_text(lang, p.first))

    return text


NOTICE_CREATED: Kind[NoticePayload] = Kind(
    "notice.created",
    NoticePayload,
    _notice_text("notify.notice.created", with_reason=True),
    brief=_notice_brief("notify.minimal.notice_created"),
)
NOTICE_CANCELLED: Kind[NoticePayload] = Kind(
    "notice.cancelled",
    NoticePayload,
    _notice_text("notify.notice.cancelled", with_reason=False),
    brief=_notice_brief("notify.minimal.notice_cancelled"),
)


class WithdrawnPayload(AbsencePayload):
    """A correction of an absence or lateness the family was told of: ``was`` the code told
    (absent or late), ``code`` the code now (None: present; late: late instead of absent)."""

    was: str | None = None


def _withdrawn_key(p: WithdrawnPayload) -> str:
    if p.code is not None:
        return "now_late"
    return "late_withdrawn" if p.was == "late" else "withdrawn"


def _withdrawn_text(p: WithdrawnPayload, lang: str) -> str:
    return t(
        lang,
        f"corrections.{_withdrawn_key(p)}",
        gender=p.student_gender or "",
        student=p.student_name,
        subject=p.subject,
        lesson_number=p.lesson_number,
        date=date_text(lang, p.date),
    )


def _withdrawn_brief(p: WithdrawnPayload, lang: str) -> str:
    return t(
        lang,
        f"corrections.brief_{_withdrawn_key(p)}",
        student=child_text(lang, p.first),
        subject=p.subject,
    )


def _still_corrected(p: WithdrawnPayload, prefs: NotificationPrefs | None) -> str | None:
    """The roll call changed again since (absent once more): the correction is not told."""
    if p.current_code != p.code:
        return "attendance changed again"
    return None


# An absence or lateness withdrawn (or an absence turned into lateness) after its alert went
# out: told once, merged with the recipient's other alerts (services/attendance/roll_call.py).
WITHDRAWN: Kind[WithdrawnPayload] = Kind(
    "attendance.withdrawn",
    WithdrawnPayload,
    _withdrawn_text,
    brief=_withdrawn_brief,
    gates=(_still_corrected, turned_off("absences")),
)

KINDS: tuple[Kind[Any], ...] = (
    ABSENT,
    LATE,
    FAMILY_REASON,
    NOTICE_CREATED,
    NOTICE_CANCELLED,
    WITHDRAWN,
)
