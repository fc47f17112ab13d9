"""Routers for the class teacher audience; see handlers/__init__.py for the order."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    router = Router(name=__name__)
    return router
