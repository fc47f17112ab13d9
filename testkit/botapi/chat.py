"""Interactive console: talk to the bot as a user via the control API.

    python -m testkit.botapi.chat --url http://127.0.0.1:8081 --user 1001

Type text to send it, ``/command args`` for commands, ``!press N`` to press inline
button N, ``!upload PATH [caption]``, ``!block``, ``!unblock``, ``!help``, ``!quit``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import mimetypes
import shlex
import sys
import threading
from pathlib import Path
from typing import Any

import aiohttp

HELP = __doc__ or ""


def _read_file(name: str) -> bytes:
    return Path(name).expanduser().read_bytes()


class Console:
    def __init__(self, url: str, user_id: int, first_name: str, chat_id: int | None) -> None:
        self.url = url.rstrip("/") + "/_control"
        self.user_id = user_id
        self.first_name = first_name
        self.chat_id = chat_id if chat_id is not None else user_id
        self.buttons: dict[int, tuple[int, str]] = {}
        self._next_button = 1
        self.session: aiohttp.ClientSession | None = None

    async def call(self, verb: str, path: str, **kwargs: Any) -> Any:
        assert self.session is not None
        async with self.session.request(verb, self.url + path, **kwargs) as resp:
            data = await resp.json(content_type=None)
        if not data.get("ok"):
            raise RuntimeError(data.get("error") or data)
        return data["result"]

    def render(self, message: dict[str, Any]) -> None:
        flags = []
        if message.get("deleted"):
            flags.append("deleted")
        elif message.get("edits"):
            flags.append("edited")
        head = f"[bot #{message['message_id']}{' ' + ','.join(flags) if flags else ''}]"
        body = message.get("text")
        if body is None:
            body = message.get("caption") or ""
        if message.get("document"):
            body = f"📎 {message['document'].get('file_name')} {body}".rstrip()
        if message.get("photo"):
            body = f"🖼 {body}".rstrip()
        print(f"{head} {body}")
        markup = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            cells = []
            for button in row:
                if "callback_data" in button:
                    n = self._next_button
                    self._next_button += 1
                    self.buttons[n] = (message["message_id"], button["callback_data"])
                    cells.append(f"[{n}: {button['text']}]")
                else:
                    cells.append(f"[{button['text']} → {button.get('url', '…')}]")
            print("    " + " ".join(cells))
        for row in markup.get("keyboard", []):
            labels = [b if isinstance(b, str) else b.get("text", "") for b in row]
            print("    keyboard: " + " | ".join(labels))

    async def poll(self) -> None:
        path = f"/chats/{self.chat_id}/changes"
        cursor = (await self.call("GET", path, params={"cursor": "-1"}))["cursor"]
        while True:
            try:
                result = await self.call(
                    "GET", path, params={"cursor": str(cursor), "timeout": "25"}
                )
            except (aiohttp.ClientError, RuntimeError) as e:
                print(f"! poll failed: {e}")
                await asyncio.sleep(1)
                continue
            cursor = result["cursor"]
            for message in result["messages"]:
                self.render(message)

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        user = f"/users/{self.user_id}"
        chat = {} if self.chat_id == self.user_id else {"chat_id": self.chat_id}
        if line in ("!quit", "!exit"):
            return False
        if line == "!help":
            print(HELP)
        elif line.startswith("!press"):
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) not in self.buttons:
                print(f"! unknown button; known: {sorted(self.buttons)}")
                return True
            message_id, data = self.buttons[int(parts[1])]
            await self.call(
                "POST", f"{user}/press", json={"message_id": message_id, "data": data, **chat}
            )
        elif line.startswith("!upload"):
            parts = shlex.split(line)
            if len(parts) < 2:
                print("! usage: !upload PATH [caption]")
                return True
            path = Path(parts[1])
            content = await asyncio.to_thread(_read_file, parts[1])
            body = {
                "filename": path.name,
                "content_base64": base64.b64encode(content).decode(),
                "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                **chat,
            }
            if len(parts) > 2:
                body["caption"] = " ".join(parts[2:])
            await self.call("POST", f"{user}/upload", json=body)
        elif line in ("!block", "!unblock"):
            await self.call("POST", f"{user}/{line[1:]}")
            print(f"({line[1:]}ed)")
        elif line.startswith("/"):
            command, _, args = line.partition(" ")
            await self.call(
                "POST", f"{user}/command", json={"command": command, "args": args or None, **chat}
            )
        else:
            await self.call(
                "POST", f"{user}/send", json={"text": line, "first_name": self.first_name, **chat}
            )
        return True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def reader() -> None:
            for raw in sys.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, raw)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=reader, daemon=True).start()
        async with aiohttp.ClientSession() as self.session:
            print(f"Chatting as user {self.user_id} in chat {self.chat_id}; !help for help")
            poller = asyncio.create_task(self.poll())
            try:
                while (line := await lines.get()) is not None:
                    try:
                        if not await self.handle(line):
                            break
                    except (aiohttp.ClientError, RuntimeError, OSError) as e:
                        print(f"! {e}")
            finally:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m testkit.botapi.chat",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", default="http://127.0.0.1:8081")
    parser.add_argument("--user", type=int, default=1001)
    parser.add_argument("--name", default="Test")
    parser.add_argument("--chat", type=int, default=None, help="group chat id (default: private)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Console(args.url, args.user, args.name, args.chat).run())


if __name__ == "__main__":
    main()
