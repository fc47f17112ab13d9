"""Routers for the family audience (parents, trusted persons, students); see
handlers/__init__.py for the order. /timetable lives here too and serves every signed-in role.

Views: /diary, /homework, /marks (+ chart), /attendance, /timetable, /child, /notice.
"""

from __future__ import annotations

from aiogram import Router

from handlers.family import attendance, child, diary, homework, marks, notice, timetable


def build_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        child.build_router(),
        diary.build_router(),
        homework.build_router(),
        marks.build_router(),
        attendance.build_router(),
        timetable.build_router(),
        notice.build_router(),  # last: it takes free text while a notice is being typed
    )
    return router
