"""Typed callback data of the class teacher's screens (each under 64 bytes); never trusted."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class AbsCb(CallbackData, prefix="c_abs"):
    class_id: int
    day: int  # yyyymmdd


class ReasonCb(CallbackData, prefix="c_rs"):
    action: str  # week | set | fam
    class_id: int
    day: int = 0  # yyyymmdd (week: its Monday)
    student_id: int = 0
    code: str = ""


class JournalCb(CallbackData, prefix="c_jr"):
    action: str  # cls | subj | show
    class_id: int = 0
    subject_id: int = 0
    period_id: int = 0
    page: int = 0
