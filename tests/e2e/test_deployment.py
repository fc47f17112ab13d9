"""The processes by role, deployed on one machine as a region runs them: ``migrate`` first (twice
at once: both succeed, one migrates), two ``web`` replicas behind a round-robin balancer
(Telegram's webhook), two ``worker`` processes, a private Redis and one PostgreSQL database
shared by all; and two ``scheduler`` processes, the leader killed.

Checked from the outside, with the local Bot API server's records:

- every update is answered exactly once, none lost, whichever replica gets it; an update
  delivered twice (the server redelivers after a slow answer, to the other replica) is answered
  once; a webhook request without the right secret is refused (401) and logged;
- every alert is delivered exactly once by the two workers together (the server's messages per
  chat against the outbox rows, all ``sent``), and the bot's rate holds across both: no 1-second
  window above Telegram's 30 messages, no 429 beyond the few the pacer may take;
- the ``scheduler`` that leads is SIGKILLed; the other takes over and no job runs twice;
- ``/ready`` of a web replica is 503 while its Redis is down and 200 once it is back.

The figures (updates/s through the balancer, alerts/s, duplicates, lost) are printed (``-s``);
bench/deploy_bench.py runs the same setup at a larger size.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.db import make_engine, make_session_factory
from services.enums import OutboxStatus
from services.models import MessengerBinding, OutboxMessage, SchedulerRun
from services.notifications import outbox
from services.tools.migrate import current_revision, head_revision
from testkit.botapi import BotAPIServer
from tests.conftest import empty_database, pg_create_database, pg_drop_database
from tests.e2e.conftest import BOT_ID, E2E_NOW, TOKEN, PostgresDemo, bot_env, run_cli
from tests.e2e.deployment import (
    SECRET,
    WEBHOOK_PATH,
    Balancer,
    PrivateRedis,
    RoleProcess,
    Signed,
    add_parents,
    free_port,
    post_update,
    send_figures,
    sign_in_demo,
    start_role,
    wait_logged,
    wait_until,
)

pytestmark = pytest.mark.e2e

USERS = 40  # parents and teachers who write to the bot at once
MORE_PARENTS = 160  # beside the demo's signed-in ones: recipients of the alerts
SECOND_TOKEN = "434343:e2e-second-bot-token-abcdefghijklmnopqrs"
SECOND_BOT_ID = 434343
UPDATES_PER_USER = 2  # within Telegram's burst of 3 messages to one chat
WAIT = 90.0  # generous: a loaded machine with three test workers
START_WAIT = 240.0  # a process's start-up (imports, getMe, setWebhook) on an overloaded machine


@pytest.fixture
def deploy_url(demo_postgres: PostgresDemo) -> Iterator[str]:
    """A fresh PostgreSQL database, not migrated: the test runs ``migrate`` itself."""
    url = pg_create_database("schoolbot_deploy")
    try:
        yield url
    finally:
        pg_drop_database(url)


@pytest.fixture
async def engine_of(deploy_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(deploy_url, pool=False)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# For the alerts: Telegram's 30 messages a second per bot with a burst of 8 (the server's
# default burst of 30 would let a process that does not pace send 60 in one second unrefused).
STRICT_BURST = 8


def strict_limits(botapi: BotAPIServer) -> None:
    """As ``POST /_control/limits {"global_burst": 8}``: the buckets start again."""
    botapi.limits.global_per_second = 30
    botapi.limits.global_burst = STRICT_BURST
    botapi.rate_limiter.reset()


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPIServer]:
    async with BotAPIServer() as server:
        yield server


async def migrate_twice(url: str) -> None:
    """``migrate`` twice at once on an empty database: both exit 0, the schema is at head."""
    env = bot_env("http://127.0.0.1:9", url)
    results = await asyncio.gather(run_cli(env, "migrate"), run_cli(env, "migrate"))
    head = head_revision()
    for code, out, err in results:
        assert code == 0, err
        assert out.strip().splitlines()[-1] == head, out


async def load_demo(engine: AsyncEngine, url: str, demo: PostgresDemo) -> None:
    """The demo school's rows (built once per run) into the migrated database."""
    assert await current_revision(engine) == head_revision()
    await empty_database(engine)  # what the migrations seeded: the demo's copy has it too
    await demo.load(url)


@dataclass
class Deployment:
    balancer: Balancer
    webs: list[RoleProcess]
    workers: list[RoleProcess]

    async def stop(self) -> None:
        for process in [*self.webs, *self.workers]:
            await process.stop()
        await self.balancer.stop()


async def deploy(
    url: str,
    botapi: BotAPIServer,
    redis: PrivateRedis,
    logs: Path,
    *,
    webs: int = 2,
    workers: int = 2,
) -> Deployment:
    """``web`` replicas behind the balancer and ``worker`` processes; returns once every web
    has subscribed the webhook and every worker delivers."""
    ports = [free_port() for _ in range(webs)]
    balancer = Balancer([f"http://127.0.0.1:{port}" for port in ports])
    await balancer.start()
    assert botapi.base_url is not None
    common = bot_env(
        botapi.base_url,
        url,
        REDIS_URL=redis.url,
        BOT_TOKENS=SECOND_TOKEN,
        TELEGRAM_WEBHOOK_URL=balancer.url + WEBHOOK_PATH,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_PATH=WEBHOOK_PATH,
        TELEGRAM_WEBHOOK_HOST="127.0.0.1",
        REDIS_RETRY_SECONDS="1",
        REDIS_SOCKET_TIMEOUT="1",
    )
    started: list[RoleProcess] = []
    try:
        for index, port in enumerate(ports, 1):
            health = free_port()
            env = {**common, "TELEGRAM_WEBHOOK_PORT": str(port), "HEALTH_PORT": str(health)}
            started.append(
                await start_role("web", env, logs, f"web-{index}", port=port, health_port=health)
            )
        for index in range(1, workers + 1):
            health = free_port()
            env = {**common, "HEALTH_PORT": str(health)}
            started.append(
                await start_role("worker", env, logs, f"worker-{index}", health_port=health)
            )
        deployment = Deployment(
            balancer,
            [p for p in started if p.role == "web"],
            [p for p in started if p.role == "worker"],
        )
        await asyncio.gather(
            *(wait_logged(p, "Telegram webhook set", START_WAIT) for p in deployment.webs),
            *(wait_logged(p, "process started", START_WAIT) for p in deployment.workers),
        )
    except BaseException:
        for process in started:
            await process.stop()
        await balancer.stop()
        raise
    return deployment


def reply_counts(botapi: BotAPIServer, chats: list[int], since: dict[int, int]) -> dict[int, int]:
    """New bot messages per chat since the counts in ``since``."""
    return {chat: len(botapi.sent_to(chat)) - since.get(chat, 0) for chat in chats}


async def settle(botapi: BotAPIServer, balancer: Balancer) -> None:
    """Until the server has no update left to deliver and the replicas answered everything."""

    def idle() -> bool:
        return not botapi.pending_updates()

    await wait_until(idle, "the webhook queue to drain", WAIT)
    # A reply of a duplicate handling would come within the handling's own time: give the
    # processes a moment and count again (the counts below must stay exact).
    seen = [-1]

    async def quiet() -> bool:
        count = len(balancer.forwarded)
        if count == seen[0]:
            return True
        seen[0] = count
        await asyncio.sleep(1.0)
        return False

    await wait_until(quiet, "the balancer to go quiet", WAIT)


async def updates_answered_once(
    botapi: BotAPIServer, deployment: Deployment, chats: list[int], *, wait_s: float = WAIT
) -> dict[str, float]:
    """Each user of ``chats`` sends /help UPDATES_PER_USER times at once: each answered once."""
    before = {chat: len(botapi.sent_to(chat)) for chat in chats}
    users = [botapi.user(chat, first_name="Тест") for chat in chats]
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(UPDATES_PER_USER):
        for user in users:
            await user.command("/help")
    total = len(users) * UPDATES_PER_USER

    def all_answered() -> bool:
        return all(n >= UPDATES_PER_USER for n in reply_counts(botapi, chats, before).values())

    try:
        await wait_until(all_answered, "every update's answer", wait_s)
    except AssertionError:
        counts = reply_counts(botapi, chats, before)
        missing = {c: n for c, n in counts.items() if n < UPDATES_PER_USER}
        raise AssertionError(f"updates not answered: {missing}") from None
    elapsed = loop.time() - started
    await settle(botapi, deployment.balancer)
    counts = reply_counts(botapi, chats, before)
    duplicates = sum(max(0, n - UPDATES_PER_USER) for n in counts.values())
    lost = sum(max(0, UPDATES_PER_USER - n) for n in counts.values())
    assert duplicates == 0 and lost == 0, counts
    # Both replicas took a share (round robin), and each update went through once.
    shares = deployment.balancer.by_backend()
    assert len(shares) == len(deployment.webs), shares
    assert all(n == 1 for n in deployment.balancer.deliveries().values())
    return {
        "updates": total,
        "updates_per_s": total / elapsed,
        "duplicates": duplicates,
        "lost": lost,
    }


async def redelivered_once(botapi: BotAPIServer, deployment: Deployment, chat: int) -> None:
    """The server gives up waiting for a slow answer and delivers the update again (to the other
    replica, round robin): answered once, the second delivery taken as done."""
    before = len(botapi.sent_to(chat))
    failures = botapi.stats.webhook_failures
    botapi.webhook_timeout = 1.0
    botapi.faults.inject(method="sendMessage", chat_id=chat, kind="slow", delay=3.0, times=1)
    try:
        sent = await botapi.user(chat).command("/help")
        update_ids = [f.update_id for f in deployment.balancer.forwarded if f.update_id is not None]
        await wait_until(
            lambda: len(botapi.sent_to(chat)) > before, "the slow update's answer", WAIT
        )
        await settle(botapi, deployment.balancer)
    finally:
        botapi.webhook_timeout = 10.0
    assert sent["text"] == "/help"
    assert botapi.stats.webhook_failures > failures  # the server did time out and retry
    new = [f for f in deployment.balancer.forwarded[len(update_ids) :] if f.update_id]
    redelivered = [uid for uid, n in deployment.balancer.deliveries().items() if n > 1]
    assert redelivered, new
    assert {f.backend for f in new if f.update_id in redelivered} == {
        f"http://127.0.0.1:{w.port}" for w in deployment.webs
    }
    assert len(botapi.sent_to(chat)) - before == 1
    taken = [w for w in deployment.webs if w.messages("already taken")]
    assert taken, "no replica logged the second delivery as already taken"


async def wrong_secret_refused(botapi: BotAPIServer, deployment: Deployment, chat: int) -> None:
    before = len(botapi.sent_to(chat))
    url = f"{deployment.balancer.url}{WEBHOOK_PATH}/{BOT_ID}"
    forged = {
        "update_id": 9_000_001,
        "message": {
            "message_id": 9_000_001,
            "date": int(E2E_NOW.timestamp()),
            "chat": {"id": chat, "type": "private", "first_name": "X"},
            "from": {"id": chat, "is_bot": False, "first_name": "X"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    assert await post_update(url, forged, "not-the-secret") == 401
    assert await post_update(url, {**forged, "update_id": 9_000_002}, None) == 401
    refused = [r for w in deployment.webs for r in w.messages("wrong or missing secret")]
    assert len(refused) == 2, refused
    assert {bool(r.get("secret_given")) for r in refused} == {True, False}
    assert all(SECRET not in w.log() for w in deployment.webs)
    await asyncio.sleep(0.5)
    assert len(botapi.sent_to(chat)) == before


def bot_sent(botapi: BotAPIServer, token: str, chat: int) -> int:
    """Messages of the bot of ``token`` in ``chat``."""
    found = botapi.bot_state(token).chats.get(chat)
    return len(found.bot_messages) if found is not None else 0


def other(token: str) -> str:
    return SECOND_TOKEN if token == TOKEN else TOKEN


async def through_two_bots(
    botapi: BotAPIServer, factory: async_sessionmaker[AsyncSession], signed: Signed
) -> dict[int, str]:
    """Every other parent signed in through the second bot (BOT_TOKENS): chat -> its bot's
    token. Each chat is open to both bots (the user pressed Start in both)."""
    tokens: dict[int, str] = {}
    second: list[str] = []
    for index, parent in enumerate(signed.parents):
        chat = signed.chats[parent]
        botapi.user(chat).open_chat()
        tokens[chat] = SECOND_TOKEN if index % 2 else TOKEN
        if index % 2:
            second.append(str(chat))
    async with factory() as session:
        await session.execute(
            update(MessengerBinding)
            .where(MessengerBinding.chat_id.in_(second))
            .values(bot_id=str(SECOND_BOT_ID))
        )
        await session.commit()
    return tokens


async def alerts_once(
    botapi: BotAPIServer,
    factory: async_sessionmaker[AsyncSession],
    signed: Signed,
    tokens: dict[int, str],
    *,
    wait_s: float = WAIT,
) -> dict[str, float]:
    """One mark alert per parent, all due now: delivered exactly once each by the workers
    together, through the parent's bot, each bot within Telegram's rate."""
    chats = [signed.chats[p] for p in signed.parents]
    strict_limits(botapi)
    before = {chat: bot_sent(botapi, tokens[chat], chat) for chat in chats}
    others = {chat: bot_sent(botapi, other(tokens[chat]), chat) for chat in chats}
    mark = len(botapi.requests)
    rows = [
        {
            "school_id": signed.school_id,
            "recipient_person_id": parent,
            "kind": "mark.new",
            "dedup_key": f"deploy:{parent}",
            "payload": {
                "student_id": signed.children[parent],
                "subject": "Математика",
                "value": 5,
                "work_kind": "test",
                "date": E2E_NOW.date().isoformat(),
                "lesson_number": 2,
            },
            "not_before": E2E_NOW - dt.timedelta(minutes=5),
        }
        for parent in signed.parents
    ]
    loop = asyncio.get_running_loop()
    async with factory() as session:
        await outbox.enqueue_many(session, rows)
        await session.commit()
    started = loop.time()

    async def delivered() -> bool:
        async with factory() as session:
            left = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.dedup_key.like("deploy:%"),
                    OutboxMessage.status != OutboxStatus.SENT,
                )
            )
        return left == 0

    await wait_until(delivered, "every alert sent", wait_s + len(rows) / 10, every=0.25)
    elapsed = loop.time() - started
    await asyncio.sleep(1.0)  # a duplicate send would land now
    counts = {chat: bot_sent(botapi, tokens[chat], chat) - before[chat] for chat in chats}
    duplicates = sum(max(0, n - 1) for n in counts.values())
    lost = sum(max(0, 1 - n) for n in counts.values())
    assert duplicates == 0 and lost == 0, {c: n for c, n in counts.items() if n != 1}
    # Nothing went through the other bot.
    assert {chat: bot_sent(botapi, other(tokens[chat]), chat) for chat in chats} == others
    figures: dict[str, float] = {
        "alerts": len(rows),
        "alerts_per_s": len(rows) / elapsed,
        "alert_duplicates": duplicates,
        "alert_lost": lost,
    }
    for name, bot_id in (("bot1", BOT_ID), ("bot2", SECOND_BOT_ID)):
        sends = send_figures(botapi.requests, bot_id, since=mark)
        token = TOKEN if name == "bot1" else SECOND_TOKEN
        expected = sum(1 for chat in chats if tokens[chat] == token)
        assert sends.sent == expected, (name, sends)
        # Telegram's limit, 30 a second per bot, held by the server with a small burst
        # (strict_limits): the workers pace each bot together at 25 (burst 5) through Redis, so the
        # server refuses next to nothing; their average stays under 30 a second.
        # (A few 429s: the server shares the test's event loop, and a stall of it lets paced
        # sends arrive bunched; workers pacing apart would send ~50 a second: a third refused.)
        assert sends.rejected_429 <= 3 + sends.sent // 20, (name, sends)
        assert sends.rate <= 30, (name, sends)
        figures[f"{name}_alerts_per_s"] = sends.rate
        figures[f"{name}_max_in_1s"] = sends.max_per_second
        figures[f"{name}_429"] = sends.rejected_429
    return figures


async def ready_status(port: int) -> int | None:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client,
            client.get(f"http://127.0.0.1:{port}/ready") as resp,
        ):
            return resp.status
    except aiohttp.ClientError:
        return None


async def ready_follows_redis(deployment: Deployment, redis: PrivateRedis) -> None:
    web = deployment.webs[0]
    assert web.health_port is not None
    port = web.health_port
    await wait_until(lambda: ready_status(port), f"{web.name} to serve /ready on HEALTH_PORT", 30)
    assert await ready_status(port) == 200
    for process in [*deployment.webs, *deployment.workers]:
        process.errors_expected = True  # Redis goes away under them on purpose
    await redis.stop()

    async def unready() -> bool:
        return await ready_status(port) == 503

    await wait_until(unready, "/ready to turn 503 without Redis", WAIT, every=0.25)
    await redis.start()

    async def ready() -> bool:
        return await ready_status(port) == 200

    await wait_until(ready, "/ready to turn 200 with Redis back", WAIT, every=0.25)


def print_figures(title: str, figures: dict[str, float]) -> None:
    shown = ", ".join(
        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
    )
    print(f"\n[{title}] {shown}")


async def test_web_replicas_and_workers(
    deploy_url: str,
    engine_of: AsyncEngine,
    demo_postgres: PostgresDemo,
    redis: PrivateRedis,
    botapi: BotAPIServer,
    tmp_path: Path,
) -> None:
    await migrate_twice(deploy_url)
    await load_demo(engine_of, deploy_url, demo_postgres)
    factory = make_session_factory(engine_of)
    signed = await sign_in_demo(factory, limit=USERS)
    assert signed.parents and signed.teachers
    deployment = await deploy(deploy_url, botapi, redis, tmp_path / "logs")
    try:
        chats = sorted(signed.chats.values())
        figures = await updates_answered_once(botapi, deployment, chats)
        chat = signed.chats[signed.teachers[0]]
        await redelivered_once(botapi, deployment, chat)
        await wrong_secret_refused(botapi, deployment, chat)
        await add_parents(factory, signed, MORE_PARENTS, first_chat=600_000)
        tokens = await through_two_bots(botapi, factory, signed)
        figures |= await alerts_once(botapi, factory, signed, tokens)
        print_figures("processes by role", figures)
        await ready_follows_redis(deployment, redis)
    finally:
        await deployment.stop()
    # The last replica to stop removed the webhook; the first kept it for the other.
    assert botapi.webhook is None
    kept = [w for w in deployment.webs if w.messages("other replicas serve it")]
    assert len(kept) == 1, [w.name for w in deployment.webs]


# --- the scheduler ------------------------------------------------------------------------------


async def job_runs(factory: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str]]:
    async with factory() as session:
        rows = await session.execute(
            select(SchedulerRun.job, SchedulerRun.run_key, SchedulerRun.owner).order_by(
                SchedulerRun.id
            )
        )
        return [(job, key, owner) for job, key, owner in rows.all()]


def ran(process: RoleProcess) -> list[tuple[str, str]]:
    """The job runs a scheduler logged ("job ran": job and run key)."""
    return [(str(r.get("job")), str(r.get("run_key"))) for r in process.messages("job ran")]


async def test_scheduler_leader_killed(
    deploy_url: str,
    engine_of: AsyncEngine,
    demo_postgres: PostgresDemo,
    tmp_path: Path,
) -> None:
    """Two schedulers on the PostgreSQL advisory lock (no REDIS_URL: the Redis lock's 90 s TTL
    would hold the leadership of a dead process that long), ticking every second. The first
    leads at 18:00:05 of a working day (tomorrow's homework is due); the second's clock is an
    hour later (the fill-in reminder is due too). The leader is SIGKILLed: the second takes
    over, runs what is due for it and not what the first ran."""
    await migrate_twice(deploy_url)
    await load_demo(engine_of, deploy_url, demo_postgres)
    factory = make_session_factory(engine_of)
    evening = E2E_NOW.replace(hour=18, minute=0, second=5)
    logs = tmp_path / "logs"

    def env(moment: dt.datetime) -> dict[str, str]:
        return bot_env(
            "http://127.0.0.1:9",
            deploy_url,
            CLOCK_START=moment.isoformat(),
            SCHEDULER_TICK_SECONDS="1",
        )

    first = await start_role("scheduler", env(evening), logs, "scheduler-1")
    second: RoleProcess | None = None
    try:
        await wait_logged(first, "job ran", START_WAIT)
        second = await start_role(
            "scheduler", env(evening + dt.timedelta(hours=1)), logs, "scheduler-2"
        )
        await wait_logged(second, "scheduler started", START_WAIT)
        # The leader is the one that ran the jobs; the other ticks and waits.
        await asyncio.sleep(2.0)
        assert ran(first) and not ran(second)
        first_runs = ran(first)
        killed = await first.kill()
        assert killed < 0  # died by the signal, no clean-up
        loop = asyncio.get_running_loop()
        started = loop.time()
        await wait_logged(second, "job ran", WAIT)
        takeover = loop.time() - started
        await asyncio.sleep(2.0)  # a few more ticks: nothing runs again
    finally:
        if second is not None:
            await second.stop()
        await first.stop()
    runs = await job_runs(factory)
    keys = [(job, key) for job, key, _ in runs]
    logged = ran(first) + ran(second)
    assert sorted(logged) == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert first_runs == ran(first)
    taken_over = ran(second)
    assert "fill_reminder" in {job for job, _ in taken_over}, taken_over
    assert not set(taken_over) & set(first_runs)
    owners = {job: owner for job, _, owner in runs}
    assert owners["fill_reminder"].endswith(f":{second.proc.pid}")
    assert owners["homework_tomorrow"].endswith(f":{first.proc.pid}")
    async with factory() as session:
        keys_queued = list(await session.scalars(select(OutboxMessage.dedup_key)))
    assert len(keys_queued) == len(set(keys_queued))
    print_figures(
        "scheduler failover",
        {"takeover_s": takeover, "runs_leader": len(first_runs), "runs_after": len(taken_over)},
    )
