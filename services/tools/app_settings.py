"""The deployment's small facts moved into the kernel (services.app_settings): the accounts read
the demo's secret there. This name stays for the code above services/ that imports it from
here."""

from services.app_settings import (
    BOT_USERNAME,
    DEMO_SECRET,
    PLACEHOLDER_USERNAME,
    BotUsername,
    bot_username,
    get,
    put,
    remember_bot_username,
)

__all__ = [
    "BOT_USERNAME",
    "DEMO_SECRET",
    "PLACEHOLDER_USERNAME",
    "BotUsername",
    "bot_username",
    "get",
    "put",
    "remember_bot_username",
]
