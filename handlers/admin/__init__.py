"""Routers of the school office: /reports (reports as files) and /admin (import, users, audit
log, dead letters, substitutions, unfilled lessons, journal checks, the school's settings); see
handlers/__init__.py for the order."""

from __future__ import annotations

from aiogram import Router

from handlers.admin import control, imports, menu, reports, settings, tools, users
from handlers.common.routers import joined


def build_router() -> Router:
    return joined(
        __name__,
        reports,
        menu,
        imports,
        users,
        tools,
        control,
        settings,
    )
