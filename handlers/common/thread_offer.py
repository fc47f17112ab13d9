"""The free-text offer of family messages (handlers/common/threads.py), included just before
the fallback so that it takes only the texts no conversation waits for."""

from __future__ import annotations

from aiogram import Router

from handlers.common.threads import build_offer_router


def build_router() -> Router:
    return build_offer_router()
