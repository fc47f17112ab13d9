"""Typed callback data of the teacher's screens (each under 64 bytes).

Nothing in them is trusted: every id goes back through the services' access policy.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class DayCb(CallbackData, prefix="t_day"):
    teacher_id: int
    day: int  # yyyymmdd


class LessonCb(CallbackData, prefix="t_les"):
    lesson_id: int
    action: str  # open | att | mk | qm | topic | hw | unlock


class AttCb(CallbackData, prefix="t_att"):
    lesson_id: int
    action: str  # t (toggle) | all | save | pg
    student_id: int = 0
    page: int = 0


class MarkCb(CallbackData, prefix="t_mk"):
    lesson_id: int
    action: str  # kind | list | stu | put | edit | chg | del | rsn
    kind: str = ""
    student_id: int = 0
    value: int = 0
    mark_id: int = 0
    reason: int = 0
    page: int = 0


class QuickCb(CallbackData, prefix="t_qm"):
    lesson_id: int
    action: str  # pick | ok | cancel
    item: int = 0
    student_id: int = 0


class TopicCb(CallbackData, prefix="t_tp"):
    lesson_id: int
    item_id: int


class HwCb(CallbackData, prefix="t_hw"):
    lesson_id: int
    action: str  # save | who | tog | done | cancel
    student_id: int = 0


class UnlockCb(CallbackData, prefix="t_ul"):
    lesson_id: int
    reason: int  # 0: type it; else a preset reason


class TermCb(CallbackData, prefix="t_term"):
    action: str  # pick | per | stu | set | save
    class_id: int = 0
    subject_id: int = 0
    period_id: int = 0
    student_id: int = 0
    value: str = ""
