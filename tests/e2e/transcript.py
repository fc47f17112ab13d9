"""What a user of the messenger sees, as text: each action of a user and each bot message (its
text and its buttons), in order. Written where a test asks and, for a reader of the release
notes, to the path in the MAX_TRANSCRIPT environment variable."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ANSWER_WAIT, Chat


class Transcript:
    def __init__(self, title: str) -> None:
        self.lines: list[str] = [title, "=" * len(title), ""]

    def note(self, text: str) -> None:
        self.lines += [f"## {text}", ""]

    def action(self, who: str, text: str) -> None:
        self.lines += [f"{who} ▶ {text}", ""]

    def message(self, who: str, message: Any) -> None:
        self.lines.append(f"bot → {who}:")
        self.lines += [f"    {line}" for line in str(message.content).splitlines() or [""]]
        for row in getattr(message, "inline_keyboard", None) or []:
            self.lines.append("    " + "  ".join(f"[{b['text']}]" + _payload(b) for b in row))
        if message.document is not None:
            self.lines.append(f"    📎 {message.document.get('file_name', '')}")
        self.lines.append("")

    def answer(self, who: str, text: str) -> None:
        self.lines += [f"bot → {who} (notification): {text}", ""]

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"

    def write(self, path: Path, env_var: str | None = None) -> list[Path]:
        """Into ``path`` and, when ``env_var`` names one, the path in that variable."""
        written = [path]
        target = os.environ.get(env_var) if env_var else None
        if target:
            written.append(Path(target))
        for out in written:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(self.text(), encoding="utf-8")
        return written


def _payload(button: dict[str, Any]) -> str:
    data = button.get("callback_data") or button.get("payload")
    return f" ({data})" if data else ""


class Recorded:
    """A :class:`Chat` whose actions and awaited bot messages go into a transcript."""

    def __init__(self, chat: Chat, who: str, transcript: Transcript) -> None:
        self.chat = chat
        self.who = who
        self.transcript = transcript
        self.id = chat.id

    async def start(self, token: str | None = None) -> None:
        shown = "Start" if token is None else "Start (deep link, the invite's token)"
        self.transcript.action(self.who, shown)
        await self.chat.start(token)

    async def command(self, name: str, args: str | None = None) -> None:
        self.transcript.action(self.who, f"{name} {args}" if args else name)
        await self.chat.command(name, args)

    async def send(self, text: str) -> None:
        self.transcript.action(self.who, text)
        await self.chat.send(text)

    async def press_label(self, message: Any, contains: str) -> str:
        button = next(b for b in message.buttons if contains in b["text"])
        self.transcript.action(self.who, f"presses [{button['text']}]")
        return await self.chat.press(message, str(button["callback_data"]))

    async def wait(
        self,
        predicate: Callable[[Any], bool] | None = None,
        timeout: float = ANSWER_WAIT,  # noqa: ASYNC109
    ) -> Any:
        message = await self.chat.wait(predicate, timeout)
        self.transcript.message(self.who, message)
        return message
