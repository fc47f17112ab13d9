"""Typed callback data of the teacher's screens (each under 64 bytes).

Nothing in them is trusted: every id goes back through the services' access policy.
"""

from __future__ import annotations

from typing import Annotated

from handlers.common.bounds import Day, Id, OneOf, OptId, Page, Range, SafeCallbackData
from services.enums import SpecialMark, WorkKind


class DayCb(SafeCallbackData, prefix="t_day"):
    teacher_id: Id
    day: Day


class LessonCb(SafeCallbackData, prefix="t_les"):
    lesson_id: Id
    action: Annotated[str, OneOf("open", "att", "mk", "qm", "topic", "hw", "unlock", "cw")]


class AttCb(SafeCallbackData, prefix="t_att"):
    lesson_id: Id
    action: Annotated[str, OneOf("t", "all", "save", "pg")]  # t: toggle
    student_id: OptId = 0
    page: Page = 0


class MarkCb(SafeCallbackData, prefix="t_mk"):
    lesson_id: Id
    action: Annotated[str, OneOf("kind", "list", "stu", "put", "edit", "chg", "del", "rsn")]
    kind: Annotated[str, OneOf("", *WorkKind)] = ""
    student_id: OptId = 0
    value: Annotated[int, Range(0, 5)] = 0
    mark_id: OptId = 0
    reason: Annotated[int, Range(0, 20)] = 0
    page: Page = 0


class QuickCb(SafeCallbackData, prefix="t_qm"):
    lesson_id: Id
    action: Annotated[str, OneOf("pick", "ok", "cancel")]
    item: Annotated[int, Range(0, 1000)] = 0
    student_id: OptId = 0


class TopicCb(SafeCallbackData, prefix="t_tp"):
    lesson_id: Id
    item_id: OptId


class HwCb(SafeCallbackData, prefix="t_hw"):
    lesson_id: Id
    action: Annotated[str, OneOf("save", "who", "tog", "done", "cancel")]
    student_id: OptId = 0


class UnlockCb(SafeCallbackData, prefix="t_ul"):
    lesson_id: Id
    reason: Annotated[int, Range(-1, 20)]  # 0 or -1: ask for one; else a preset reason


class TermCb(SafeCallbackData, prefix="t_term"):
    action: Annotated[str, OneOf("pick", "per", "stu", "set", "save")]
    class_id: OptId = 0
    subject_id: OptId = 0
    period_id: OptId = 0
    student_id: OptId = 0
    value: Annotated[str, OneOf("", "5", "4", "3", "2", *SpecialMark)] = ""
