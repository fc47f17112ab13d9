"""Attendance taps over a generated region (bench.region): latency and SQL statements per call.

    python -m bench.taps_bench --url postgresql+asyncpg://postgres@127.0.0.1:5432/region_30k \\
        [--rounds 20] [--actors 10] [--today 2026-11-30] [--raw samples.json]
    python -m bench.taps_bench --merge before-1.json before-2.json ...

Samples teachers with a lesson today (grades 2-11, schools spread over the region) and calls,
each in a fresh session as one update would:

* ``lesson_sheet``: services.timetable.lesson_sheet.lesson_sheet (the lesson screen's read model);
* ``open``: the attendance screen (handlers.teacher.attendance.open_attendance);
* ``tap``: one tap on a student in the attendance keyboard (``attendance_action``, action "t"),
  after the screen was opened (the draft is in the FSM data, as in the bot);
* ``save N absent`` (service): services.attendance.roll_call.save_attendance with 0, 3 and all
  students absent;
* ``save tap N absent``: the "save" button (``attendance_action``, action "save"): the checks,
  the save and the lesson card shown after it;
* ``save tap mixed``: the "save" button when the first half of the class was saved absent
  (unmeasured, in the same transaction) and the draft has the second half absent: rows
  upserted and deleted, alerts queued and cancelled — the most a save writes.

A save writes: each such call runs in a transaction that is rolled back afterwards (the
session joins it with ``join_transaction_mode="rollback_only"``, so the use case's commit does
not end it), which leaves the shared region unchanged. Every round runs every (call, lesson)
pair once in a shuffled order. Statements are counted with a ``before_cursor_execute``
listener (bench.screens_bench.Probe). The last line is a JSON summary.

``--raw FILE`` also writes every sample (milliseconds and statements per call); ``--merge``
prints the table of several such files taken together — to compare two versions of the code,
run each from its own checkout alternately, a few rounds at a time, then merge each side's
files.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench import common
from bench.screens_bench import Probe, percentile
from bot.i18n import translator
from handlers.teacher import attendance
from screens.teacher.actions import AttCb, LessonCb
from services.attendance import roll_call
from services.db import make_engine, make_session_factory
from services.enums import AttendanceCode
from services.people.identity import Actor, actor_for_account
from services.timetable import lesson_sheet

DEFAULT_TODAY = dt.date(2026, 11, 30)

Call = Callable[[AsyncSession], Awaitable[Any]]


class FakeQuery:
    """Stands in for the CallbackQuery: the handler's reply is kept, not sent."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def answer(self, text: str, **_: Any) -> None:
        self.shown.append(text)


async def sample_lessons(
    session: AsyncSession, count: int, today: dt.date, seed: int
) -> list[tuple[Actor, int, list[int]]]:
    """(teacher, a lesson of theirs today, the lesson's students) from spread-out schools."""
    picked = await common.spread_schools(session, count)
    rnd = random.Random(seed)
    out = []
    for school_id in picked:
        row = (
            await session.execute(
                text(
                    "SELECT a.id AS account_id, l.id AS lesson_id FROM lessons l "
                    "JOIN accounts a ON a.person_id = l.teacher_id "
                    "JOIN classes c ON c.id = l.class_id AND c.grade > 1 "
                    "WHERE l.school_id = :s AND l.date = :d AND l.subgroup_id IS NULL "
                    "ORDER BY l.id OFFSET :o LIMIT 1"
                ),
                {"s": school_id, "d": today, "o": rnd.randrange(20)},
            )
        ).one()
        students = (
            await session.scalars(
                text(
                    "SELECT e.student_id FROM enrolments e JOIN lessons l "
                    "ON l.class_id = e.class_id WHERE l.id = :l AND e.arrived_on <= l.date "
                    "AND (e.left_on IS NULL OR e.left_on > l.date) ORDER BY e.student_id"
                ),
                {"l": row.lesson_id},
            )
        ).all()
        actor = await actor_for_account(session, row.account_id)
        assert actor is not None
        out.append((actor, row.lesson_id, list(students)))
    return out


class Runner:
    def __init__(self, engine: AsyncEngine, today: dt.date) -> None:
        self.engine = engine
        self.factory = make_session_factory(engine)
        self.now = dt.datetime.combine(today, dt.time(10, 0), ZoneInfo("Europe/Moscow"))
        self.storage = MemoryStorage()
        self.t = translator("ru")

    def state(self, actor: Actor) -> FSMContext:
        key = StorageKey(bot_id=1, chat_id=actor.account_id, user_id=actor.account_id)
        return FSMContext(self.storage, key)

    def clock(self) -> dt.datetime:
        return self.now

    async def rolled_back(self, fn: Call, before: Call | None = None) -> float:
        """``fn`` in a transaction that is rolled back, whatever the use case commits;
        ``before``: unmeasured, in the same transaction first, in a session of its own.
        Returns the milliseconds ``fn`` took (with its session's end)."""
        async with self.engine.connect() as conn:
            await conn.begin()

            def joined() -> AsyncSession:
                return AsyncSession(
                    bind=conn,
                    join_transaction_mode="rollback_only",
                    expire_on_commit=False,
                    autoflush=False,
                )

            try:
                if before is not None:
                    async with joined() as prepared:
                        await before(prepared)
                started = time.perf_counter()
                session = joined()
                try:
                    await fn(session)
                finally:
                    await session.close()
                return (time.perf_counter() - started) * 1000
            finally:
                await conn.rollback()

    async def fresh(self, fn: Call) -> None:
        async with self.factory() as session:
            await fn(session)

    async def open(self, actor: Actor, lesson_id: int, session: AsyncSession) -> None:
        await attendance.open_attendance(
            FakeQuery(),  # type: ignore[arg-type]
            LessonCb(lesson_id=lesson_id, action="att"),
            session,
            actor,
            self.t,
            self.state(actor),
            clock=self.clock,
        )

    async def press(self, actor: Actor, data: AttCb, session: AsyncSession) -> None:
        await attendance.attendance_action(
            FakeQuery(),  # type: ignore[arg-type]
            data,
            session,
            actor,
            self.t,
            self.state(actor),
            CallbackAnswer(answered=False),
            clock=self.clock,
        )

    async def draft(self, actor: Actor, lesson_id: int, absent: list[int]) -> None:
        """Open the screen (a fresh draft), then put ``absent`` into the draft as Н."""
        await self.fresh(lambda s: self.open(actor, lesson_id, s))
        await attendance._store(
            self.state(actor), lesson_id, {sid: AttendanceCode.ABSENT for sid in absent}
        )


Setup = Callable[[], Awaitable[Any]]
Measured = tuple[str, Setup, Call, Call | None]


def calls(runner: Runner, lessons: list[tuple[Actor, int, list[int]]]) -> list[Measured]:
    """(name, unmeasured setup, measured call in its session, unmeasured step before it in
    the same transaction)."""
    out: list[Measured] = []

    async def nothing() -> None:
        return None

    for actor, lid, students in lessons:

        def sheet(s: AsyncSession, a: Actor = actor, lid: int = lid) -> Awaitable[Any]:
            return lesson_sheet.lesson_sheet(s, a, lid, now=runner.now)

        def opener(s: AsyncSession, a: Actor = actor, lid: int = lid) -> Awaitable[Any]:
            return runner.open(a, lid, s)

        def setup_open(a: Actor = actor, lid: int = lid) -> Awaitable[Any]:
            return runner.draft(a, lid, [])

        def tap(
            s: AsyncSession, a: Actor = actor, lid: int = lid, sid: int = students[0]
        ) -> Awaitable[Any]:
            return runner.press(a, AttCb(lesson_id=lid, action="t", student_id=sid), s)

        out.append(("lesson_sheet", nothing, sheet, None))
        out.append(("open", nothing, opener, None))
        out.append(("tap", setup_open, tap, None))
        for label, absent in (("0", []), ("3", students[:3]), ("all", students)):

            def save(
                s: AsyncSession, a: Actor = actor, lid: int = lid, absent: list[int] = absent
            ) -> Awaitable[Any]:
                codes = {sid: AttendanceCode.ABSENT for sid in absent}
                return roll_call.save_attendance(s, a, lid, codes, now=runner.now)

            def setup_save(
                a: Actor = actor, lid: int = lid, absent: list[int] = absent
            ) -> Awaitable[Any]:
                return runner.draft(a, lid, absent)

            def save_tap(s: AsyncSession, a: Actor = actor, lid: int = lid) -> Awaitable[Any]:
                return runner.press(a, AttCb(lesson_id=lid, action="save"), s)

            out.append((f"save {label} absent", nothing, save, None))
            out.append((f"save tap {label} absent", setup_save, save_tap, None))
        half = len(students) // 2

        def first_half(
            s: AsyncSession, a: Actor = actor, lid: int = lid, absent: list[int] = students[:half]
        ) -> Awaitable[Any]:
            codes = {sid: AttendanceCode.ABSENT for sid in absent}
            earlier = runner.now - dt.timedelta(minutes=5)  # the lesson's row changes again
            return roll_call.save_attendance(s, a, lid, codes, now=earlier)

        def setup_mixed(
            a: Actor = actor, lid: int = lid, absent: list[int] = students[half:]
        ) -> Awaitable[Any]:
            return runner.draft(a, lid, absent)

        def save_mixed(s: AsyncSession, a: Actor = actor, lid: int = lid) -> Awaitable[Any]:
            return runner.press(a, AttCb(lesson_id=lid, action="save"), s)

        out.append(("save tap mixed", setup_mixed, save_mixed, first_half))
    return out


WRITES = ("save",)


def table(
    times: dict[str, list[float]], stmts: dict[str, list[int]], names: list[str]
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    print(f"{'call':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL':>8} {'calls':>6}")
    for name in names:
        v = times[name]
        lo, hi = min(stmts[name]), max(stmts[name])
        rows[name] = r = {
            "p50_ms": round(statistics.median(v), 1),
            "p95_ms": round(percentile(v, 0.95), 1),
            "max_ms": round(max(v), 1),
            "statements": str(lo) if lo == hi else f"{lo}-{hi}",
            "calls": len(v),
        }
        print(
            f"{name:24} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} "
            f"{r['statements']:>8} {r['calls']:6}"
        )
    return rows


def write_raw(path: str, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data))


def merge(paths: list[str]) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    stmts: dict[str, list[int]] = defaultdict(list)
    names: list[str] = []
    for path in paths:
        raw = json.loads(Path(path).read_text())
        for name, samples in raw["samples"].items():
            if name not in names:
                names.append(name)
            times[name] += [ms for ms, _ in samples]
            stmts[name] += [n for _, n in samples]
    print(json.dumps({"merged": paths, "calls": table(times, stmts, names)}, ensure_ascii=False))


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url")
    parser.add_argument("--raw", help="write every sample to this JSON file")
    parser.add_argument("--merge", nargs="+", help="print the table of these --raw files")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--actors", type=int, default=10, help="lessons (teachers)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    if args.merge:
        merge(args.merge)
        return
    if not args.url:
        parser.error("--url is required")

    engine = make_engine(args.url)
    probe = Probe()
    event.listen(engine.sync_engine, "before_cursor_execute", probe.before)
    runner = Runner(engine, args.today)
    try:
        async with runner.factory() as session:
            students = await session.scalar(
                text("SELECT count(*) FROM role_grants WHERE role = 'student'")
            )
            lessons = await sample_lessons(session, args.actors, args.today, args.seed)
        todo = calls(runner, lessons)

        async def measured(name: str, fn: Call, before: Call | None) -> tuple[float, int]:
            if name.startswith(WRITES):
                counted: list[int] = []

                async def counting(s: AsyncSession) -> None:
                    counted.append(probe.statements)
                    await fn(s)
                    counted.append(probe.statements)

                took = await runner.rolled_back(counting, before)
                return took, counted[1] - counted[0]
            count = probe.statements
            started = time.perf_counter()
            await runner.fresh(fn)
            return (time.perf_counter() - started) * 1000, probe.statements - count

        for name, setup, fn, before in todo:  # warm-up, not measured
            await setup()
            await measured(name, fn, before)
        times: dict[str, list[float]] = defaultdict(list)
        stmts: dict[str, list[int]] = defaultdict(list)
        rnd = random.Random(args.seed)
        for _ in range(args.rounds):
            order = todo[:]
            rnd.shuffle(order)
            for name, setup, fn, before in order:
                await setup()
                took, count = await measured(name, fn, before)
                times[name].append(took)
                stmts[name].append(count)
        names = list(dict.fromkeys(n for n, _, _, _ in todo))
        rows = table(times, stmts, names)
        if args.raw:
            samples = {n: list(zip(times[n], stmts[n], strict=True)) for n in names}
            write_raw(args.raw, {"students": students, "samples": samples})
        sizes = sorted(len(s) for _, _, s in lessons)
        summary = {
            "students": students,
            "today": str(args.today),
            "class_sizes": [sizes[0], sizes[-1]] if sizes else [],
            "calls": rows,
        }
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
