"""The bot process. aiogram's Telegram types are built when first used (bot/lazy_types.py):
installed here, before anything of the bot imports aiogram."""

from bot import lazy_types as _lazy_types

_lazy_types.install()
