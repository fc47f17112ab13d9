"""Routers for the family audience (parents, trusted persons, students); see
handlers/__init__.py for the order. /timetable lives here too and serves every signed-in role.

Views: /diary, /works, /homework, /marks (+ chart), /attendance, /timetable, /child, /notice,
/trusted.
"""

from __future__ import annotations

from aiogram import Router

from handlers.common.routers import joined
from handlers.family import (
    attendance,
    child,
    diary,
    homework,
    marks,
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
        notice,  # last: it takes free text while a notice is being typed
    )
