"""Routers of the school office: /reports (reports as files) and /admin (import, users, audit
log, dead letters, substitutions, unfilled lessons, journal checks, the school's settings, the
school year); see handlers/__init__.py for the order."""

from __future__ import annotations

from aiogram import Router

from handlers.admin import (
    complaints,
    control,
    imports,
    menu,
    message_settings,
    movement,
    periods,
    reports,
    settings,
    substitutions,
    tools,
    users,
    warning_steps,
    weights,
    year,
)
from handlers.common.routers import joined


def build_router() -> Router:
    return joined(
        __name__,
        reports,
        menu,
        imports,
        users,
        movement,
        substitutions,  # before tools: /admin → Substitutions opens the day picker
        tools,
        control,
        settings,
        warning_steps,
        message_settings,
        weights,
        year,
        periods,
        complaints,
    )
