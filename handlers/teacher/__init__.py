"""Routers for the teacher audience; see handlers/__init__.py for the order.

/today and the lesson card, attendance, marks by taps, topic and homework, unlocks (deputy),
term marks, and marks by one message (last: it also takes marks typed without a lesson chosen).
"""

from __future__ import annotations

from aiogram import Router

from handlers.common.routers import joined
from handlers.teacher import (
    attendance,
    control,
    details,
    distance,
    marks,
    quick,
    termmarks,
    today,
    topic,
    unlock,
    yearmarks,
)


def build_router() -> Router:
    return joined(
        __name__,
        today,
        attendance,
        marks,
        topic,
        details,
        unlock,
        control,
        distance,
        termmarks,
        yearmarks,
        quick,
    )
