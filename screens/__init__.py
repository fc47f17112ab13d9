"""Screens: what the bot shows, written once for every messenger.

- :mod:`screens.screen` — a :class:`~screens.screen.Screen` (messages in a small markup subset,
  rows of buttons, replace or send anew);
- :mod:`screens.actions` — typed :class:`~screens.actions.Action` values that buttons carry,
  packed to fit Telegram's 64 bytes and checked when they come back;
- :mod:`screens.bounds` — the bounds of what a button or a typed argument may carry.

Screens are plain functions from a read model (services) to a Screen; they import no messenger
library. Each messenger's adapter (handlers/ for Telegram) renders them.
"""
