"""Routers for the class teacher audience; see handlers/__init__.py for the order.

/absences (today's absences of the class), /atrisk (its students at risk: the early
warning), /reasons (the weekly reconciliation of absence
reasons), /classjournal (a compact class journal); their screens are screens/class_teacher/.
Each router is gated by the roles its handlers serve (reasons: no director). Term marks of
every subject of the class are under /termmarks (handlers.teacher.termmarks).
"""

from __future__ import annotations

from aiogram import Router

from handlers.class_teacher import absences, at_risk, journal, reasons, subgroups
from handlers.common.routers import joined


def build_router() -> Router:
    return joined(__name__, absences, at_risk, reasons, journal, subgroups)
