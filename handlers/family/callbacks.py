"""Callback data of the family views (short prefixes, int fields: well under 64 bytes).

Dates travel as ordinals (``date.toordinal()``); the student's id travels too, and every
handler re-checks it against the reader's own children before anything is read.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class DiaryCb(CallbackData, prefix="fd"):
    s: int  # student id
    d: int  # day (ordinal); the week of it when ``w``
    w: int = 0  # 1: the week view


class DiaryFilesCb(CallbackData, prefix="ff"):
    s: int
    d: int  # first day (ordinal)
    w: int = 0  # 1: the whole week
    h: int = 0  # 1: homework due on ``d`` (the homework view)


class HomeworkCb(CallbackData, prefix="fh"):
    s: int
    d: int


class MarksCb(CallbackData, prefix="fm"):
    s: int
    p: int = 0  # period id; 0: the current one


class ChartCb(CallbackData, prefix="fc"):
    s: int
    p: int = 0


class AttendanceCb(CallbackData, prefix="fa"):
    s: int
    p: int = 0


class TimetableCb(CallbackData, prefix="ft"):
    s: int  # 0: the reader's own teaching timetable
    d: int
    w: int = 0


class ClassTimetableCb(CallbackData, prefix="fy"):
    c: int  # class id
    d: int
    w: int = 0


class ChildCb(CallbackData, prefix="fk"):
    s: int


class NoticeDayCb(CallbackData, prefix="nd"):
    s: int
    a: int = 0  # first day (ordinal); 0: ask for a typed date


class NoticeReasonCb(CallbackData, prefix="nr"):
    s: int
    a: int  # first day (ordinal)
    b: int  # last day (ordinal)
    r: str  # ill | family | other


class NoticeCancelCb(CallbackData, prefix="nx"):
    s: int


class NoticeWithdrawCb(CallbackData, prefix="nw"):
    n: int  # notice id (checked again by the service)
