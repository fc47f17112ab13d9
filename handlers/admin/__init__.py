"""Routers of the school office: /reports (reports as files) and /admin (import, users, audit
log, dead letters, substitutions, unfilled lessons, journal checks); see handlers/__init__.py
for the order."""

from __future__ import annotations

from aiogram import Router

from handlers.admin import control, imports, menu, reports, tools, users


def build_router() -> Router:
    router = Router(name=__name__)
    router.include_routers(
        reports.build_router(),
        menu.build_router(),
        imports.build_router(),
        users.build_router(),
        tools.build_router(),
        control.build_router(),
    )
    return router
