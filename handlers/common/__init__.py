"""Handlers every user meets: start and sign-in, help, group-chat guard, fallback."""

from __future__ import annotations

from handlers.common import fallback, group, help, start

__all__ = ["fallback", "group", "help", "start"]
