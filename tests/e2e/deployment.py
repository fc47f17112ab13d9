"""A deployment by roles on one machine, for tests/e2e/test_deployment.py and
bench/deploy_bench.py: a private redis-server (stopped and started by the test without
disturbing the machine's shared Redis), a round-robin HTTP balancer in front of the ``web``
replicas (what a reverse proxy is in production), the role processes (``python -m bot web``,
``worker``, ``scheduler``, ``migrate``) with their JSON logs, and the figures read back from the
local Bot API server's records."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import socket
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.enums import GuardianKind, Messenger, Role
from services.models import Account, Guardianship, MessengerBinding, Person, RoleGrant
from tests.e2e.conftest import BotProcess, _bots, python_m_bot
from tests.factories import messenger_binding

SECRET = "deploy-test-secret_0123456789"
WEBHOOK_PATH = "/tg"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until(
    check: Callable[[], Any],
    what: str,
    timeout: float = 60.0,  # noqa: ASYNC109
    every: float = 0.1,
) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy; its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(every)


# --- a private Redis ------------------------------------------------------------------------


class PrivateRedis:
    """``redis-server`` on a port of its own, no persistence; ``stop`` and ``start`` again keep
    the port (the processes' REDIS_URL stays valid)."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = await asyncio.create_subprocess_exec(
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            stdin=asyncio.subprocess.DEVNULL,
        )
        await wait_until(self.ping, f"redis-server on port {self.port}", timeout=20)

    async def ping(self) -> bool:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        try:
            writer.write(b"PING\r\n")
            await writer.drain()
            return (await asyncio.wait_for(reader.readline(), 2.0)).startswith(b"+PONG")
        except (OSError, TimeoutError):
            return False
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self.proc = None


# --- the balancer ---------------------------------------------------------------------------


@dataclass
class Forwarded:
    """One request the balancer passed on: to which replica, and its answer."""

    path: str
    update_id: int | None
    backend: str
    status: int


class Balancer:
    """Round robin over the ``web`` replicas, as a reverse proxy forwards Telegram's webhook
    requests: the path, the body and the secret header as they came."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self.forwarded: list[Forwarded] = []
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int | None = None) -> str:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("POST", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        self.port = port or free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self.url

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        backend = self.backends[self._next % len(self.backends)]
        self._next += 1
        update_id: int | None = None
        with contextlib.suppress(ValueError, AttributeError):
            update_id = json.loads(body).get("update_id")
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "transfer-encoding", "connection")
        }
        headers["X-Forwarded-For"] = request.remote or ""
        try:
            async with self._client.post(
                backend + request.path_qs, data=body, headers=headers
            ) as resp:
                payload = await resp.read()
                status = resp.status
                content_type = resp.content_type
        except aiohttp.ClientError:
            status, payload, content_type = 502, b'{"ok": false}', "application/json"
        self.forwarded.append(Forwarded(request.path, update_id, backend, status))
        return web.Response(status=status, body=payload, content_type=content_type)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    def deliveries(self) -> Counter[int]:
        """How many times each update id came through."""
        return Counter(f.update_id for f in self.forwarded if f.update_id is not None)

    def by_backend(self) -> Counter[str]:
        return Counter(f.backend for f in self.forwarded)


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST one update to a webhook URL as Telegram does (the secret header when given)."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as client,
        client.post(url, json=update, headers=headers) as resp,
    ):
        return resp.status


# --- the role processes ---------------------------------------------------------------------


@dataclass
class RoleProcess(BotProcess):
    """``python -m bot <role>``: its process and its JSON log (stdout and stderr)."""

    role: str = "run"
    name: str = ""
    port: int | None = None  # the web replica's webhook port
    health_port: int | None = None

    def records(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    found.append(record)
        return found

    def messages(self, contains: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if contains in str(r.get("msg", ""))]

    async def kill(self) -> int:
        """SIGKILL: no clean-up of any kind (a crashed machine)."""
        return await self.stop(signal.SIGKILL, wait_s=10)


def _open_log(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")


async def start_role(
    role: str,
    env: dict[str, str],
    logs: Path,
    name: str,
    *,
    port: int | None = None,
    health_port: int | None = None,
) -> RoleProcess:
    """Start ``python -m bot <role>`` with ``env``, its output in ``logs/<name>.log``; it is
    checked for error lines when the test ends (tests/e2e/conftest.py)."""
    log_path = logs / f"{name}.log"
    with _open_log(log_path) as log_file:
        proc = await python_m_bot(role, env=env, log=log_file)
    process = RoleProcess(
        proc, log_path, env, role=role, name=name, port=port, health_port=health_port
    )
    _bots.append(process)
    return process


async def wait_logged(process: RoleProcess, contains: str, timeout: float = 90.0) -> None:  # noqa: ASYNC109
    """Until the process has logged a message containing ``contains`` (fails at once if it
    exited)."""

    def check() -> bool:
        if process.proc.returncode is not None:
            raise AssertionError(
                f"{process.name} exited with {process.proc.returncode}:\n{process.log()[-4000:]}"
            )
        return bool(process.messages(contains))

    try:
        await wait_until(check, f"{process.name} to log {contains!r}", timeout=timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{process.log()[-4000:]}") from None


# --- the people -----------------------------------------------------------------------------


@dataclass
class Signed:
    """Demo people signed in to Telegram: chat id by person, and who is a parent."""

    chats: dict[int, int] = field(default_factory=dict)  # person id -> chat id
    parents: list[int] = field(default_factory=list)  # person ids
    teachers: list[int] = field(default_factory=list)
    school_id: int = 0
    children: dict[int, int] = field(default_factory=dict)  # parent person id -> a child


async def sign_in_demo(
    factory: async_sessionmaker[AsyncSession], first_chat: int = 500_000, limit: int | None = None
) -> Signed:
    """Bind every parent and teacher of the demo school to a private Telegram chat of its own
    (chat id = user id, from ``first_chat``), as a sign-in records it: faster than an invite per
    person, and the same rows."""
    signed = Signed()
    async with factory() as session:
        rows = (
            await session.execute(
                select(Person.id, Person.school_id, Account.id, RoleGrant.role)
                .join(Account, Account.person_id == Person.id)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(RoleGrant.role.in_([Role.PARENT, Role.TEACHER]))
                .order_by(Person.id)
            )
        ).all()
        bound = set(await session.scalars(select(MessengerBinding.account_id)))
        children = dict(
            (
                await session.execute(
                    select(Guardianship.guardian_id, Guardianship.student_id).order_by(
                        Guardianship.id
                    )
                )
            ).all()
        )
        seen: set[int] = set()
        chat = first_chat
        for person_id, school_id, account_id, role in rows:
            if person_id in seen or account_id in bound:
                continue
            if role == Role.PARENT and person_id not in children:
                continue
            if limit is not None and len(seen) >= limit:
                break
            seen.add(person_id)
            session.add(messenger_binding(school_id, account_id, chat, Messenger.TELEGRAM))
            signed.chats[person_id] = chat
            signed.school_id = school_id
            if role == Role.PARENT:
                signed.parents.append(person_id)
                signed.children[person_id] = children[person_id]
            else:
                signed.teachers.append(person_id)
            chat += 1
        await session.commit()
    return signed


async def add_parents(
    factory: async_sessionmaker[AsyncSession], signed: Signed, count: int, first_chat: int
) -> None:
    """``count`` more parents of the school's students (one child each, round robin), each with
    an account and a Telegram chat of its own (from ``first_chat``): a region's number of
    recipients in the demo school. Added to ``signed``."""
    async with factory() as session:
        students = list(
            await session.scalars(
                select(RoleGrant.person_id)
                .where(RoleGrant.school_id == signed.school_id, RoleGrant.role == Role.STUDENT)
                .order_by(RoleGrant.person_id)
            )
        )
        assert students, "the school has no students"
        for start in range(0, count, 1000):
            size = min(1000, count - start)
            people = list(
                await session.scalars(
                    insert(Person).returning(Person.id),
                    [
                        {
                            "school_id": signed.school_id,
                            "last_name": "Родитель",
                            "first_name": f"N{start + i}",
                        }
                        for i in range(size)
                    ],
                )
            )
            await session.execute(
                insert(RoleGrant),
                [
                    {"school_id": signed.school_id, "person_id": p, "role": Role.PARENT}
                    for p in people
                ],
            )
            accounts = list(
                await session.scalars(
                    insert(Account).returning(Account.id),
                    [
                        {
                            "school_id": signed.school_id,
                            "person_id": p,
                            "login": f"deploy-parent-{first_chat + start + i}",
                        }
                        for i, p in enumerate(people)
                    ],
                )
            )
            await session.execute(
                insert(Guardianship),
                [
                    {
                        "school_id": signed.school_id,
                        "guardian_id": p,
                        "student_id": students[(start + i) % len(students)],
                        "kind": GuardianKind.PARENT,
                    }
                    for i, p in enumerate(people)
                ],
            )
            chats = [first_chat + start + i for i in range(size)]
            session.add_all(
                messenger_binding(signed.school_id, a, c, Messenger.TELEGRAM)
                for a, c in zip(accounts, chats, strict=True)
            )
            for i, p in enumerate(people):
                signed.chats[p] = chats[i]
                signed.parents.append(p)
                signed.children[p] = students[(start + i) % len(students)]
        await session.commit()


# --- figures --------------------------------------------------------------------------------


def max_per_window(times: Iterable[float], window: float = 1.0) -> int:
    """The most events in any ``window``-second interval (a sliding window)."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class SendFigures:
    """The Bot API server's view of one bot's sends over a stretch of its request log."""

    sent: int
    rejected_429: int
    max_per_second: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else float(self.sent)


def send_figures(
    requests: Sequence[Any], bot_id: int, since: int = 0, method: str = "sendmessage"
) -> SendFigures:
    """Sends of ``bot_id`` from ``requests[since:]`` (testkit RequestRecords)."""
    mine = [
        r
        for r in requests[since:]
        if r.bot_id == bot_id and r.method.lower() == method and r.status in (200, 429)
    ]
    # When each request reached the server (it records them as answered).
    ok = [r.time - r.duration for r in mine if r.status == 200]
    limited = sum(1 for r in mine if r.status == 429)
    seconds = (max(ok) - min(ok)) if len(ok) > 1 else 0.0
    return SendFigures(len(ok), limited, max_per_window(ok), seconds)
