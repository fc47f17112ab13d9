"""Benchmark: the morning peak replayed against a copy of a generated region. Teachers open their
lesson and save attendance with a few absentees in bursts at every bell, parents open /diary
meanwhile, and the absence alerts go out through the delivery worker.

    python -m bench.morning_bench [--template region_30k] [--scale 0.25] [--window 600]
        [--bells 5] [--redis redis://127.0.0.1:6379/11] [--keep]

Setup: ``CREATE DATABASE ... TEMPLATE <template>`` (a region made by ``bench/region.py``; the
copy is migrated to head and dropped at the end unless ``--keep``); the local Bot API server
(``testkit.botapi``) in this process with Telegram's limits **on** (30 sends/s per bot, 1/s per
private chat with a burst of 3; a send over a limit gets 429); the unchanged bot,
``python -m bot run``, in its own process with PostgreSQL, Redis (``--redis``), its delivery
worker (``NOTIFY_WORKER``, the default) and the scheduler off (``NOTIFY_SCHEDULER=false``).
The bot's clock is pinned by ``CLOCK_START`` to the region's day (``--day``, a Monday of the
generated term whose lessons have no attendance yet) at ``--clock`` Moscow time, after the
last bell replayed, and runs on in real time from there.

The issue's morning (2,000 teachers saving attendance within 10 minutes while 20,000 parents
read diaries) is scaled by ``--scale``: ``2000 x scale`` teachers, each a different person
with a lesson of the day, and ``20000 x scale`` parents, in ``--window`` seconds. The window is
cut into ``--bells`` bursts, one per lesson number: a bell's teachers start within the first
half of its burst. A teacher sends /today, opens the lesson, opens attendance, taps 0-3
students (a seeded draw, mean 1.5) and saves, ``--think`` seconds (±50%) between steps, each
step only after the reply to the previous one. A parent sends /diary once, at a uniformly
random moment of the window. Students whose parents read the diary are never marked absent,
so the alert chats receive only alerts.

Measured: reply latency (user action -> the bot's next message or edit in that chat) per step
and overall, p50/p95/max; *dropped* = actions without a reply within ``--timeout``; ERROR lines
in the bot's log; 429s; the bot's RSS (peak); the absence alerts: rows queued, sent, and the
lag from the save (``created_at``) to the send (``sent_at``), both by the bot's clock, minus
the grace (``services.notifications.outbox.ABSENCE_GRACE``, 10 min); the bench waits for the alerts
until ``grace + --alert-slack`` after the last save. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import common
from bench.pg import PG_ADMIN, pg_admin
from bot.i18n import t
from screens.teacher.actions import LessonCb
from services.db import make_engine
from services.notifications.outbox import ABSENCE_GRACE
from services.tools.migrate import upgrade
from testkit.botapi import BotAPIServer, Limits

ROOT = Path(__file__).resolve().parents[1]
MOSCOW = dt.timezone(dt.timedelta(hours=3))
FULL_TEACHERS = 2000
FULL_PARENTS = 20000
ALERT_KINDS = ("attendance.absent", "attendance.late")
INTERNAL_ERROR = t("ru", "error.internal")


@dataclass
class Teacher:
    chat: int
    lesson_id: int
    bell: int
    start: float = 0.0  # seconds into the window


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)  # answered with error.internal
    saves: int = 0
    absent_taps: int = 0
    first_save: float | None = None
    last_save: float | None = None


class Replies:
    """One poller for every chat waiting for the bot: resolves a chat's future as soon as the
    chat has a change after the cursor taken before the user's action (10 ms resolution)."""

    def __init__(self, server: BotAPIServer) -> None:
        self.server = server
        self.waiting: dict[int, tuple[int, asyncio.Future[float]]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def expect(self, chat: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat] = (self.server.changes_cursor(chat), future)
        return future

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            for chat, (cursor, future) in list(self.waiting.items()):
                if future.done():
                    self.waiting.pop(chat, None)
                elif self.server.changes_cursor(chat) > cursor:
                    future.set_result(now)
                    self.waiting.pop(chat, None)
            await asyncio.sleep(0.01)


async def _step(
    server: BotAPIServer,
    replies: Replies,
    stats: Stats,
    kind: str,
    chat: int,
    action: Any,
    timeout: float,  # noqa: ASYNC109
) -> bool:
    """Do ``action`` (a coroutine function) in ``chat`` and wait for the bot's reply."""
    future = replies.expect(chat)
    started = asyncio.get_running_loop().time()
    await action()
    try:
        answered = await asyncio.wait_for(future, timeout)
    except TimeoutError:
        stats.dropped[kind] = stats.dropped.get(kind, 0) + 1
        return False
    stats.latencies.setdefault(kind, []).append(answered - started)
    reply = _latest(server, chat)
    if reply is not None and INTERNAL_ERROR in reply.content:
        stats.failed[kind] = stats.failed.get(kind, 0) + 1
        return False
    return True


def _latest(server: BotAPIServer, chat: int) -> Any:
    messages = server.sent_to(chat, include_deleted=False)
    return messages[-1] if messages else None


def _buttons(message: Any, prefix: str) -> list[str]:
    return [
        b["callback_data"]
        for b in (message.buttons if message is not None else [])
        if str(b.get("callback_data", "")).startswith(prefix)
    ]


async def teacher_flow(
    server: BotAPIServer,
    replies: Replies,
    stats: Stats,
    teacher: Teacher,
    rng: random.Random,
    spared: set[int],
    args: argparse.Namespace,
    t0: float,
) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + teacher.start - loop.time()))
    user = server.user(teacher.chat)
    lid = teacher.lesson_id

    async def think() -> None:
        await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))

    async def press(data: str) -> None:
        await user.press(_latest(server, teacher.chat), data)

    if not await _step(
        server, replies, stats, "/today", teacher.chat, lambda: user.command("/today"), args.timeout
    ):
        return
    await think()
    opened = LessonCb(lesson_id=lid, action="open").pack()
    if opened not in _buttons(_latest(server, teacher.chat), "t_les:"):
        stats.dropped["no lesson button"] = stats.dropped.get("no lesson button", 0) + 1
        return
    if not await _step(
        server, replies, stats, "open lesson", teacher.chat, lambda: press(opened), args.timeout
    ):
        return
    await think()
    att = LessonCb(lesson_id=lid, action="att").pack()
    if not await _step(
        server, replies, stats, "open attendance", teacher.chat, lambda: press(att), args.timeout
    ):
        return
    toggles = [
        d
        for d in _buttons(_latest(server, teacher.chat), f"t_att:{lid}:t:")
        if int(d.split(":")[3]) not in spared
    ]
    absent = rng.sample(toggles, min(len(toggles), rng.randint(0, 3)))
    for data in absent:
        await think()
        if not await _step(
            server,
            replies,
            stats,
            "tap a student",
            teacher.chat,
            lambda data=data: press(data),
            args.timeout,
        ):
            return
        stats.absent_taps += 1
    await think()
    saves = _buttons(_latest(server, teacher.chat), f"t_att:{lid}:save:")
    if not saves:
        stats.dropped["no save button"] = stats.dropped.get("no save button", 0) + 1
        return
    if await _step(
        server,
        replies,
        stats,
        "save attendance",
        teacher.chat,
        lambda: press(saves[0]),
        args.timeout,
    ):
        stats.saves += 1
        now = loop.time() - t0
        stats.first_save = now if stats.first_save is None else stats.first_save
        stats.last_save = now


async def parent_flow(
    server: BotAPIServer,
    replies: Replies,
    stats: Stats,
    chat: int,
    start: float,
    args: argparse.Namespace,
    t0: float,
) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, t0 + start - loop.time()))
    user = server.user(chat)
    await _step(
        server, replies, stats, "/diary", chat, lambda: user.command("/diary"), args.timeout
    )


async def choose_actors(
    url: str, args: argparse.Namespace, rng: random.Random
) -> tuple[list[Teacher], list[int], set[int], list[int]]:
    """Teachers with a lesson at bells 1..--bells of the day (each teacher once, the same
    number per bell), diary readers, the students of the readers (never marked absent), and
    the parents' chats of the lessons' classes (where alerts may go)."""
    n_teachers = round(FULL_TEACHERS * args.scale)
    n_parents = round(FULL_PARENTS * args.scale)
    async with common.connection(url) as conn:
        rows = (
            await conn.execute(
                text(
                    """SELECT l.id, l.lesson_number, b.chat_id::bigint
                    FROM lessons l
                    JOIN accounts a ON a.person_id = l.teacher_id
                    JOIN messenger_bindings b ON b.account_id = a.id AND b.is_reachable
                    WHERE l.date = :day AND l.lesson_number <= :bells
                        AND NOT l.is_cancelled AND l.attendance_taken_at IS NULL"""
                ),
                {"day": args.day, "bells": args.bells},
            )
        ).all()
        parents = (
            await conn.execute(
                text(
                    """SELECT b.chat_id::bigint, b.active_student_id
                    FROM messenger_bindings b
                    WHERE b.active_role = 'parent' AND b.is_reachable
                    ORDER BY b.id"""
                )
            )
        ).all()
    by_bell: dict[int, list[tuple[int, int]]] = {}
    for lesson_id, number, chat in rows:
        by_bell.setdefault(number, []).append((lesson_id, chat))
    per_bell = -(-n_teachers // args.bells)
    used: set[int] = set()
    teachers: list[Teacher] = []
    for bell in range(1, args.bells + 1):
        candidates = sorted(by_bell.get(bell, []))
        rng.shuffle(candidates)
        taken = 0
        for lesson_id, chat in candidates:
            if taken == per_bell or len(teachers) == n_teachers:
                break
            if chat in used:
                continue
            used.add(chat)
            teachers.append(Teacher(chat, lesson_id, bell))
            taken += 1
    if len(teachers) < n_teachers:
        raise SystemExit(
            f"the region has {len(teachers)} teachers with a lesson at bells 1-{args.bells} on "
            f"{args.day}, {n_teachers} needed: a bigger template or a smaller --scale"
        )
    if len(parents) < n_parents:
        raise SystemExit(f"the region has {len(parents)} parents, {n_parents} needed")
    readers = rng.sample(list(parents), n_parents)
    burst = args.window / args.bells
    for teacher in teachers:
        teacher.start = (teacher.bell - 1) * burst + rng.uniform(0, burst / 2)
    async with common.connection(url) as conn:
        families = (
            await conn.scalars(
                text(
                    """SELECT DISTINCT b.chat_id::bigint FROM lessons l
                    JOIN enrolments e ON e.class_id = l.class_id
                    JOIN guardianships g ON g.student_id = e.student_id
                    JOIN accounts a ON a.person_id = g.guardian_id
                    JOIN messenger_bindings b ON b.account_id = a.id
                    WHERE l.id = ANY(:ids)"""
                ),
                {"ids": [t.lesson_id for t in teachers]},
            )
        ).all()
    return (
        teachers,
        [chat for chat, _ in readers],
        {sid for _, sid in readers if sid},
        list(families),
    )


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": common.ms(common.percentile(values, 0.5)),
        "p95_ms": common.ms(common.percentile(values, 0.95)),
        "max_ms": common.ms(max(values, default=None)),
    }


async def _rss(pid: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            status = await asyncio.to_thread(Path(f"/proc/{pid}/status").read_text)
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    peak.append(int(line.split()[1]) // 1024)
        except OSError:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def _alerts(url: str) -> dict[str, Any]:
    async with common.connection(url) as conn:
        rows = (
            await conn.execute(
                text(
                    """SELECT status, count(*) FROM outbox WHERE kind = ANY(:k)
                    GROUP BY status"""
                ),
                {"k": list(ALERT_KINDS)},
            )
        ).all()
        lags = (
            await conn.scalars(
                text(
                    """SELECT extract(epoch FROM sent_at - created_at) FROM outbox
                    WHERE kind = ANY(:k) AND sent_at IS NOT NULL"""
                ),
                {"k": list(ALERT_KINDS)},
            )
        ).all()
        recipients = (
            await conn.scalars(
                text(
                    """SELECT DISTINCT b.chat_id::bigint FROM outbox o
                    JOIN accounts a ON a.person_id = o.recipient_person_id
                    JOIN messenger_bindings b ON b.account_id = a.id
                    WHERE o.kind = ANY(:k)"""
                ),
                {"k": list(ALERT_KINDS)},
            )
        ).all()
    grace = ABSENCE_GRACE.total_seconds()
    after = [float(x) - grace for x in lags]
    return {
        "rows": {str(s): n for s, n in rows},
        "lag_after_grace": _summary(after),
        "recipient_chats": list(recipients),
    }


async def _pending_alerts(url: str) -> int:
    async with common.connection(url, pool=False) as conn:
        return int(
            await conn.scalar(
                text(
                    """SELECT count(*) FROM outbox WHERE kind = ANY(:k)
                    AND status IN ('pending', 'sending')"""
                ),
                {"k": list(ALERT_KINDS)},
            )
            or 0
        )


async def _copy(name: str, template: str, admin: str) -> float:
    started = time.monotonic()
    for attempt in range(30):
        try:
            await pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"', admin)
            return time.monotonic() - started
        except Exception as exc:  # the template is in use by someone's benchmark: retry
            if "being accessed by other users" not in str(exc) or attempt == 29:
                raise
            await asyncio.sleep(10)
    raise AssertionError("unreachable")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    name = f"morning_{uuid.uuid4().hex[:10]}"
    copy_s = await _copy(name, args.template, args.pg)
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    bot_id, token = common.bench_bot()
    workdir = Path(tempfile.mkdtemp(prefix="morning-bench-"))
    log_path = workdir / "bot.log"
    proc: asyncio.subprocess.Process | None = None
    stats = Stats()
    rss: list[int] = []
    try:
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()
        teachers, readers, spared, families = await choose_actors(url, args, rng)
        clock = dt.datetime.combine(args.day, args.clock, MOSCOW)
        async with BotAPIServer(limits=Limits()) as server:
            assert server.base_url is not None
            for teacher in teachers:
                server.user(teacher.chat, first_name="Учитель", language_code="ru")
            for chat in readers:
                server.user(chat, first_name="Родитель", language_code="ru")
            for chat in families:  # they have talked to the bot before: alerts can reach them
                server.user(chat, first_name="Родитель", language_code="ru").open_chat()
            env = common.bot_env(
                BOT_TOKEN=token,
                DATABASE_URL=url,
                REDIS_URL=args.redis,
                TELEGRAM_API_URL=server.base_url,
                CLOCK_START=clock.isoformat(),
            )
            proc = await common.start_bot(args.root, env, log_path)
            stop_rss = asyncio.Event()
            rss_task = asyncio.create_task(_rss(proc.pid, rss, stop_rss))
            await common.wait_polling(server, proc, log_path, 180)
            idle_rss = rss[-1] if rss else None
            replies = Replies(server)
            replies.start()
            loop = asyncio.get_running_loop()
            t0 = loop.time() + 1.0
            tasks = [
                teacher_flow(
                    server, replies, stats, t, random.Random(rng.random()), spared, args, t0
                )
                for t in teachers
            ] + [
                parent_flow(server, replies, stats, chat, rng.uniform(0, args.window), args, t0)
                for chat in readers
            ]
            await asyncio.gather(*tasks)
            replay_s = loop.time() - t0
            # The alerts: due ABSENCE_GRACE after each save; wait until none is pending or
            # grace + slack after the last save.
            deadline = (
                t0 + (stats.last_save or 0) + ABSENCE_GRACE.total_seconds() + args.alert_slack
            )
            pending = await _pending_alerts(url)
            while args.alert_slack >= 0 and pending and loop.time() < deadline:
                await asyncio.sleep(5)
                pending = await _pending_alerts(url)
            await replies.stop()
            await common.stop_bot(proc, 60)
            stop_rss.set()
            await rss_task
            alerts = await _alerts(url)
            chats = alerts.pop("recipient_chats")
            alerts["messages_in_parent_chats"] = sum(len(server.sent_to(c)) for c in chats)
            alerts["pending_at_end"] = pending
            http_429 = server.stats.rate_limited
            per_method = dict(server.stats.per_method)
    finally:
        await common.kill_bot(proc)
        await common.cleanup_redis(args.redis, bot_id)
        if not args.keep:
            await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', args.pg)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if '"level": "ERROR"' in line or " ERROR " in line]
    every = [v for values in stats.latencies.values() for v in values]
    actions = len(every) + sum(stats.dropped.values())
    return {
        "template": args.template,
        "scale": args.scale,
        "teachers": len(teachers),
        "parents": len(readers),
        "window_s": args.window,
        "bells": args.bells,
        "think_s": args.think,
        "clock_start": clock.isoformat(),
        "actions": actions,
        "answered": len(every),
        "dropped": stats.dropped,
        "answered_with_error": stats.failed,
        "actions_per_s": round(actions / args.window, 1),
        "replies": _summary(every),
        "per_step": {k: _summary(v) for k, v in sorted(stats.latencies.items())},
        "saves": stats.saves,
        "absent_taps": stats.absent_taps,
        "replay_s": round(replay_s, 1),
        "alerts": alerts,
        "error_lines": len(errors),
        "first_errors": [_brief(line) for line in errors[:3]],
        "http_429": http_429,
        "bot_requests": per_method,
        "rss_mb": {"idle": idle_rss, "peak": max(rss, default=None)},
        "copy_s": round(copy_s, 1),
        "database": name if args.keep else None,
        "log": str(log_path),
    }


def _brief(line: str) -> str:
    """An ERROR line as logger, message and the exception's last line."""
    try:
        record = json.loads(line)
    except ValueError:
        return line[:300]
    exc = str(record.get("exc") or "").strip().splitlines()
    return f"{record.get('logger')}: {record.get('msg')}: {exc[-1] if exc else ''}"[:300]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", default="region_30k")
    parser.add_argument(
        "--scale", type=float, default=0.25, help="of 2,000 teachers, 20,000 parents"
    )
    parser.add_argument("--window", type=float, default=600.0, help="seconds of the replay")
    parser.add_argument("--bells", type=int, default=5, help="bursts, one per lesson number")
    parser.add_argument(
        "--think", type=float, default=2.0, help="seconds between a teacher's steps"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="a reply later is dropped")
    parser.add_argument(
        "--alert-slack", type=float, default=120.0, help="seconds to wait past grace; -1: none"
    )
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    parser.add_argument(
        "--clock", type=dt.time.fromisoformat, default=dt.time(12, 20), help="Moscow time"
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pg", default=PG_ADMIN)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the bot runs from")
    parser.add_argument("--keep", action="store_true", help="keep the copy of the region")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
