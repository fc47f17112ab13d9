"""Routers for the family audience (parents, trusted persons, students); see
handlers/__init__.py for the order. /timetable and /news live here too and serve every
signed-in role.

Views: /diary, /works, /homework, /marks (+ chart), /attendance, /timetable, /child, /notice,
/trusted, /news, /calendar.
"""

from __future__ import annotations

from aiogram import Router

from handlers.common.routers import joined
from handlers.family import (
    attendance,
    calendar,
    child,
    diary,
    homework,
    marks,
    news,
    notice,
    timetable,
    trusted,
    works,
)


def build_router() -> Router:
    return joined(
        __name__,
        child,
        diary,
        works,
        homework,
        marks,
        attendance,
        timetable,
        trusted,
        news,
        calendar,
        notice,  # last: it takes free text while a notice is being typed
    )
