"""Typed actions of the teacher's screens (each under 64 bytes).

Nothing in them is trusted: every id goes back through the services' access policy.
"""

from __future__ import annotations

from typing import Annotated

from screens.actions import Action
from screens.bounds import Day, Id, OneOf, OptId, Page, Range
from services.enums import SpecialMark, WorkKind


class DayCb(Action, prefix="t_day"):
    teacher_id: Id
    day: Day


class LessonCb(Action, prefix="t_les"):
    lesson_id: Id
    action: Annotated[str, OneOf("open", "att", "mk", "qm", "topic", "hw", "unlock", "cw")]


class AttCb(Action, prefix="t_att"):
    lesson_id: Id
    action: Annotated[str, OneOf("t", "all", "save", "pg")]  # t: toggle
    student_id: OptId = 0
    page: Page = 0


class MarkCb(Action, prefix="t_mk"):
    lesson_id: Id
    action: Annotated[str, OneOf("kind", "list", "stu", "put", "edit", "chg", "del", "rsn")]
    kind: Annotated[str, OneOf("", *WorkKind)] = ""
    student_id: OptId = 0
    value: Annotated[int, Range(0, 5)] = 0
    mark_id: OptId = 0
    reason: Annotated[int, Range(0, 20)] = 0
    page: Page = 0


class QuickCb(Action, prefix="t_qm"):
    lesson_id: Id
    action: Annotated[str, OneOf("pick", "ok", "cancel")]
    item: Annotated[int, Range(0, 1000)] = 0
    student_id: OptId = 0


class TopicCb(Action, prefix="t_tp"):
    lesson_id: Id
    item_id: OptId


class HwCb(Action, prefix="t_hw"):
    lesson_id: Id
    action: Annotated[str, OneOf("save", "who", "tog", "done", "cancel")]
    student_id: OptId = 0


class UnlockCb(Action, prefix="t_ul"):
    lesson_id: Id
    reason: Annotated[int, Range(-1, 20)]  # 0 or -1: ask for one; else a preset reason


class TermCb(Action, prefix="t_term"):
    action: Annotated[str, OneOf("pick", "per", "stu", "set", "save")]
    class_id: OptId = 0
    subject_id: OptId = 0
    period_id: OptId = 0
    student_id: OptId = 0
    value: Annotated[str, OneOf("", "5", "4", "3", "2", *SpecialMark)] = ""


class DetailCb(Action, prefix="t_dt"):
    """A lesson's details: its kind of work (``kinds``: the choice, ``kind``: chosen, "" for
    none), "no homework" (``nohw``) and its undo (``hwback``); a mark's weight (``w``: the
    choice, ``setw``: chosen) and comment (``cm``: asked for)."""

    lesson_id: Id
    action: Annotated[str, OneOf("kinds", "kind", "nohw", "hwback", "w", "setw", "cm")]
    kind: Annotated[str, OneOf("", *WorkKind)] = ""
    mark_id: OptId = 0
    weight: Annotated[int, Range(0, 10)] = 0
