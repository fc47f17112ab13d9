"""Routers for the teacher audience; see handlers/__init__.py for the order.

/today and the lesson card, attendance, marks by taps, topic and homework, unlocks (deputy),
term marks, and marks by one message (last: it also takes marks typed without a lesson chosen).
"""

from __future__ import annotations

from aiogram import Router

from handlers.teacher import (
    attendance,
    control,
    marks,
    quick,
    termmarks,
    today,
    topic,
    unlock,
)


def build_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        today.build_router(),
        attendance.build_router(),
        marks.build_router(),
        topic.build_router(),
        unlock.build_router(),
        control.build_router(),
        termmarks.build_router(),
        quick.build_router(),
    )
    return router
