"""/link: binding one's own account in another messenger the bot runs in (MAX beside
Telegram): a one-time link per other messenger, as a button and as text."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Translator
from screens.screen import Button, Screen
from services.richtext import escape


def link_screen(t: Translator, links: Sequence[tuple[str, str]], minutes: int) -> Screen:
    """``links``: (messenger, one-time link) for each messenger other than this chat's."""
    if not links:
        return Screen((t("link.none"),))
    names = ", ".join(t("messenger.name_" + m) for m, _ in links)
    lines = "".join(f"\n{t('messenger.name_' + m)}: {escape(url)}" for m, url in links)
    text = t("link.issued", messengers=names, minutes=minutes, links=lines)
    rows = tuple(
        (Button(t("link.open", messenger=t("messenger.name_" + m)), url=url),) for m, url in links
    )
    return Screen((text,), rows)
