"""Benchmark: the bot process beside a bare aiogram echo bot, in one run, through the local Bot
API server: throughput, latency, CPU per update, RSS and start-up.

    python -m bench.bot_bench [--users 200] [--teachers 20] [--rounds 3]
                              [--root DIR ...] [--redis URL | --redis none] [--pg URL]
                              [--profile DIR [--profiler sample|cprofile]]

Setup, per bot checkout (``--root``, repeatable: e.g. the working tree and a ``git archive`` of
an older commit, measured in the same run): a fresh PostgreSQL database with the factory school
(tests/factories.py), ``--users`` signed-in parents of its 7А students (chat id = user id), six
lessons of 7А today (the school's date) and ``--teachers`` signed-in teachers with four lessons
each today; its own local Bot API server (``testkit.botapi``, Telegram's rate limits off); the
unchanged bot, ``python -m bot run``, in its own process with REDIS_URL (database 13, or none)
and NOTIFY_SCHEDULER=false. Beside them, ``bench/echo_bot.py`` (a bare aiogram echo bot, long
polling with aiogram's defaults) on a server of its own in its own process.

A round sends one message from every user at once (parents ``/diary``, teachers ``/today``,
mixed; all queued before the bot's next getUpdates) to one bot and waits for every chat's first
reply; the bots take turns round by round (the order rotates), so a busy machine slows them
alike. Latency = first reply − injection; throughput = answered / (last reply − injection)
over all rounds; CPU ms per update = the process's user+system time over its rounds ÷ updates
(/proc/<pid>/stat). RSS: VmRSS once started and idle (before any update), VmRSS after the last
round and VmHWM (the peak). Start-up = process start → its first getUpdates. Threads = the
process's threads after the last round (aiogram runs a sync filter or handler in a worker
thread). Prints one JSON line; ``ratio_to_echo`` is the bot's throughput ÷ the echo bot's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.common import cleanup_redis, ms, percentile, without_bot_settings
from bench.concurrency_bench import FIRST_CHAT
from bench.pg import PG_ADMIN, pg_admin
from testkit.botapi import BotAPIServer, Limits

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ``--profile DIR``: the bot runs under this wrapper, profiled between SIGUSR1 (sent before
# the first round) and SIGUSR2 (after the last). ``--profiler sample``: SIGPROF every
# millisecond of the process's CPU time (the kernel's tick at most) records the Python stack
# it interrupts; DIR/bot<i>.folded holds one "file:function;file:function;... count" line per
# stack (inclusive shares of CPU time, idle excluded by construction; a greenlet's stack is
# continued by its parent's, so SQLAlchemy's work counts under the statement's caller).
# ``--profiler cprofile``: DIR/bot<i>.prof, timed by the process's CPU time (counts of
# coroutines are inflated: cProfile counts every resumption as a call).
PROFILED_BOT = """
import cProfile, collections, runpy, signal, sys, time
mode, out = sys.argv.pop(1), sys.argv.pop(1)
profile = cProfile.Profile(time.process_time)
stacks = collections.Counter()
def _sample(_signum, frame):
    stack = []
    glet = sys.modules["greenlet"].getcurrent() if "greenlet" in sys.modules else None
    while frame is not None:
        code = frame.f_code
        stack.append(code.co_filename + ":" + code.co_qualname)
        frame = frame.f_back
        if frame is None and glet is not None and glet.parent is not None:
            # SQLAlchemy's asyncio runs a statement in a greenlet: its caller is the parent's.
            glet = glet.parent
            frame = glet.gr_frame
    stacks[";".join(reversed(stack))] += 1
def _start(*_):
    if mode == "cprofile":
        profile.enable()
    else:
        signal.signal(signal.SIGPROF, _sample)
        signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
def _dump(*_):
    if mode == "cprofile":
        profile.disable()
        profile.dump_stats(out + ".prof")
    else:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        with open(out + ".folded", "w") as f:
            for stack, n in stacks.items():
                f.write(stack + " " + str(n) + "\\n")
signal.signal(signal.SIGUSR1, _start)
signal.signal(signal.SIGUSR2, _dump)
sys.argv = ["bot", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


async def _seed(
    root: Path, url: str, users: int, teachers: int, env: dict[str, str]
) -> tuple[list[int], list[int]]:
    """``bench/bot_seed.py`` run from ``root``: its migrations, models and factories."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bench" / "bot_seed.py"),
        url,
        str(users),
        str(teachers),
        cwd=root,
        env=dict(env, PYTHONPATH=str(root)),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"seeding from {root} failed")
    chats = json.loads(out.decode().strip().splitlines()[-1])
    return chats["parents"], chats["teachers"]


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (kB) and Threads of a live process."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])
    return out


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


@dataclass
class Target:
    """One bot under measurement: its server, process and figures."""

    label: str
    server: BotAPIServer
    users: list[tuple[int, str]]  # (chat id, command)
    proc: asyncio.subprocess.Process | None = None
    log: Path | None = None
    startup_s: float | None = None
    idle: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    by_command: dict[str, list[float]] = field(default_factory=dict)
    span_s: float = 0.0
    cpu_s: float = 0.0
    updates: int = 0
    unanswered: int = 0
    samples: dict[str, str] = field(default_factory=dict)


async def _spawn(target: Target, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    assert target.log is not None
    started = time.monotonic()
    with target.log.open("wb") as log_file:
        target.proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
        )
    while time.monotonic() - started < 120:
        if any(r.method.lower() == "getupdates" for r in target.server.requests):
            target.startup_s = time.monotonic() - started
            return
        if target.proc.returncode is not None:
            raise RuntimeError(f"{target.label} exited with {target.proc.returncode}: {target.log}")
        await asyncio.sleep(0.02)
    raise RuntimeError(f"{target.label} did not start polling")


async def _round(target: Target, wait_s: float) -> None:
    server, proc = target.server, target.proc
    assert proc is not None
    chats = [c for c, _ in target.users]
    marks = {c: server.changes_cursor(c) for c in chats}
    command = dict(target.users)
    loop = asyncio.get_running_loop()
    cpu0 = _cpu_seconds(proc.pid)
    started = loop.time()
    for chat, text in target.users:
        await server.user(chat).command(text)
    pending = set(chats)
    last = started
    deadline = started + wait_s
    while pending and loop.time() < deadline:
        now = loop.time()
        for chat in list(pending):
            if server.changes_cursor(chat) > marks[chat]:
                latency = now - started
                target.latencies.append(latency)
                target.by_command.setdefault(command[chat], []).append(latency)
                if command[chat] not in target.samples:
                    sent = server.sent_to(chat)
                    target.samples[command[chat]] = sent[-1].content[:80] if sent else ""
                last = now
                pending.discard(chat)
        await asyncio.sleep(0.01)  # a scan of every chat: cheap for the server beside it
    target.cpu_s += _cpu_seconds(proc.pid) - cpu0
    target.span_s += last - started
    target.updates += len(chats)
    target.unanswered += len(pending)


def _figures(target: Target) -> dict[str, Any]:
    assert target.proc is not None and target.log is not None
    after = _proc_status(target.proc.pid)
    answered = len(target.latencies)
    log = target.log.read_text(encoding="utf-8", errors="replace")
    return {
        "updates": target.updates,
        "answered": answered,
        "unanswered": target.unanswered,
        "throughput_per_s": round(answered / target.span_s, 1) if target.span_s else None,
        "p50_ms": ms(percentile(target.latencies, 0.5)),
        "p95_ms": ms(percentile(target.latencies, 0.95)),
        "p95_ms_by_command": {
            k: ms(percentile(v, 0.95)) for k, v in sorted(target.by_command.items())
        },
        "cpu_ms_per_update": round(target.cpu_s * 1000 / target.updates, 2)
        if target.updates
        else None,
        "startup_s": round(target.startup_s, 2) if target.startup_s is not None else None,
        "rss_idle_mb": round(target.idle.get("VmRSS", 0) / 1024, 1),
        "rss_after_mb": round(after["VmRSS"] / 1024, 1),
        "rss_peak_mb": round(after["VmHWM"] / 1024, 1),
        "threads_idle": target.idle.get("Threads"),
        "threads_after": after["Threads"],
        "error_lines": sum(
            1 for line in log.splitlines() if '"level": "ERROR"' in line or " ERROR " in line
        ),
        "samples": target.samples,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    roots: list[Path] = args.root or [ROOT]
    workdir = Path(tempfile.mkdtemp(prefix="bot-bench-"))
    databases: list[str] = []
    targets: list[Target] = []
    servers: list[BotAPIServer] = []
    base_env = without_bot_settings()
    try:
        seeded: list[tuple[Path, str, list[tuple[int, str]]]] = []
        for root in roots:
            name = f"schoolbot_botbench_{uuid.uuid4().hex[:10]}"
            await pg_admin(f'CREATE DATABASE "{name}"', args.pg)
            databases.append(name)
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            parents, teachers = await _seed(root, url, args.users, args.teachers, base_env)
            users = [(c, "/diary") for c in parents]
            # Teachers spread among the parents, as they would be.
            step = max(1, len(users) // max(1, len(teachers)))
            for i, chat in enumerate(teachers):
                users.insert(min(len(users), i * (step + 1)), (chat, "/today"))
            seeded.append((root, url, users))

        echo_server = BotAPIServer(limits=Limits.off())
        await echo_server.start()
        servers.append(echo_server)
        echo = Target("echo", echo_server, seeded[0][2], log=workdir / "echo.log")
        for chat, _ in echo.users:
            echo_server.user(chat)
        echo_env = dict(
            base_env,
            BOT_TOKEN=f"{710_000 + os.getpid() % 1000}:bench-echo-abcdefghijklmnopqrstuvwxyz01",
            TELEGRAM_API_URL=str(echo_server.base_url),
            PYTHONUNBUFFERED="1",
        )
        await _spawn(echo, [sys.executable, "-m", "bench.echo_bot"], ROOT, echo_env)
        targets.append(echo)

        for i, (root, url, users) in enumerate(seeded):
            server = BotAPIServer(limits=Limits.off())
            await server.start()
            servers.append(server)
            for chat, text in users:
                if text == "/diary":
                    server.user(chat, first_name="Анна", last_name=f"Родитель{chat - FIRST_CHAT}")
                else:
                    server.user(chat, first_name="Ия", last_name="Учитель")
            label = "bot" if len(seeded) == 1 else f"bot:{root}"
            target = Target(label, server, users, log=workdir / f"bot{i}.log")
            env = dict(
                base_env,
                BOT_TOKEN=f"{720_000 + i}:bench-bot-token-abcdefghijklmnopqrstuvwxy{i}",
                DATABASE_URL=url,
                TELEGRAM_API_URL=str(server.base_url),
                NOTIFY_SCHEDULER="false",
                LOG_LEVEL="INFO",
                LOG_FORMAT="json",
                PYTHONUNBUFFERED="1",
            )
            if args.redis != "none":
                env["REDIS_URL"] = args.redis
            argv = [sys.executable, "-m", "bot", "run"]
            if args.profile is not None:
                out = str(args.profile / f"bot{i}")
                argv = [sys.executable, "-c", PROFILED_BOT, args.profiler, out, "run"]
            await _spawn(target, argv, root, env)
            targets.append(target)

        await asyncio.sleep(args.settle)
        for target in targets:
            assert target.proc is not None
            target.idle = _proc_status(target.proc.pid)
        profiled = [t for t in targets if t.label != "echo"] if args.profile is not None else []
        for target in profiled:
            assert target.proc is not None
            target.proc.send_signal(signal.SIGUSR1)
        for r in range(args.rounds):
            shift = r % len(targets)
            for target in targets[shift:] + targets[:shift]:
                await _round(target, args.timeout)
                await asyncio.sleep(0.5)
        for target in profiled:
            assert target.proc is not None
            target.proc.send_signal(signal.SIGUSR2)
        figures = {t.label: _figures(t) for t in targets}
    finally:
        for target in targets:
            if target.proc is not None and target.proc.returncode is None:
                target.proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(target.proc.wait(), 30)
                except TimeoutError:
                    target.proc.kill()
                    await target.proc.wait()
        for server in servers:
            await server.stop()
        if args.redis != "none":
            for i in range(len(roots)):
                await cleanup_redis(args.redis, 720_000 + i)
        for name in databases:
            await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', args.pg)
    echo_tp = figures["echo"]["throughput_per_s"]
    for label, fig in figures.items():
        if label != "echo" and echo_tp and fig["throughput_per_s"]:
            fig["ratio_to_echo"] = round(fig["throughput_per_s"] / echo_tp, 3)
    return {
        "users": args.users,
        "teachers": args.teachers,
        "rounds": args.rounds,
        "redis": args.redis != "none",
        "logs": str(workdir),
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200, help="parents sending /diary")
    parser.add_argument("--teachers", type=int, default=20, help="teachers sending /today")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per round")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before idle RSS")
    parser.add_argument("--pg", default=PG_ADMIN)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="or 'none'")
    parser.add_argument(
        "--root",
        type=Path,
        action="append",
        help="a checkout the bot runs from (repeatable); the working tree by default",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="a directory: each bot is profiled during the rounds (botN.folded or botN.prof)",
    )
    parser.add_argument("--profiler", choices=("sample", "cprofile"), default="sample")
    args = parser.parse_args()
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
