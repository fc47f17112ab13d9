"""The MAX front end: the journal in MAX (max.ru), from the same core as the Telegram one.

- ``client``: a thin client of the MAX Bot API on aiohttp;
- ``render``: a neutral :class:`screens.screen.Screen` as a MAX message body;
- ``transport``: the alerts' :class:`notifications.transport.Transport` for MAX.

docs/max.md says how MAX differs from Telegram and how the adapter bridges the two.
"""
