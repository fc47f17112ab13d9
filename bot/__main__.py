"""Command line: ``python -m bot [run|web|worker|scheduler|migrate|demo|create-admin|...]``
(``run`` by default).

``run`` serves Telegram (BOT_TOKEN), MAX (MAX_BOT_TOKEN) or both, and delivers alerts and runs
the schedules beside; a deployment runs the roles apart (docs/deploy.md): ``web`` (updates
only), ``worker`` (alerts only), ``scheduler``, and ``migrate`` as an explicit step — no other
command changes a PostgreSQL schema (they refuse to start while it is behind). The invite
links printed by ``demo``, ``invite`` and ``create-admin`` are Telegram's, with MAX's beside
them when MAX is configured.

Command output goes to stdout, logs to stderr. A missing or malformed setting prints one line
naming it and exits with 2, without a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import locale
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.i18n import normalize_lang, t
from bot.logging import setup_logging

if TYPE_CHECKING:
    from bot.config import Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="School journal and diary bot."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "run",
        help="run the bot (Telegram and/or MAX: long polling, or MAX's webhook); the default",
    )
    sub.add_parser(
        "web",
        help="receive updates only (webhooks or long polling): the front end, any number of "
        "replicas behind a balancer with webhooks",
    )
    sub.add_parser("worker", help="deliver alerts only (the outbox): any number of replicas")
    sub.add_parser(
        "migrate",
        help="upgrade the database to the newest revision (on PostgreSQL under an advisory "
        "lock: the only command that changes its schema)",
    )
    sub.add_parser(
        "scheduler",
        help="run the scheduled jobs in a process of their own (the bot: NOTIFY_SCHEDULER=false)",
    )
    demo = sub.add_parser("demo", help="fill a demo school and print its users")
    demo.add_argument("--json", action="store_true", help="print the users as JSON only")
    invite = sub.add_parser("invite", help="issue (or revoke) a person's one-time sign-in")
    who = invite.add_mutually_exclusive_group(required=True)
    who.add_argument("--login", help="the person's login")
    who.add_argument("--external-id", help="the person's id in the school's register")
    invite.add_argument("--school", default=None, help="school code (with --external-id)")
    invite.add_argument("--revoke", action="store_true", help="revoke instead of issuing")
    from bot.cli_admin import add_commands

    add_commands(sub)
    admin = sub.add_parser("create-admin", help="create a school administrator")
    admin.add_argument("--last-name", required=True)
    admin.add_argument("--first-name", required=True)
    admin.add_argument("--login", default=None)
    admin.add_argument("--school", default=None, help="school code (needed if there are several)")
    return parser


def _cli_lang() -> str:
    """Operators' language for CLI messages from LC_ALL / LC_MESSAGES / LANG; Russian else."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return normalize_lang(os.environ[name])
    return normalize_lang(locale.getlocale()[0])


def _invite(value: str, bot_username: str) -> str:
    if value.startswith(("http://", "https://", "tg://")):
        return value
    from services.people.accounts import invite_link

    return invite_link(bot_username, value)


async def _max_links(settings: Settings, session_factory: Any) -> tuple[Any, str | None]:
    """MAX invite links (bot/invites.py) and a warning when its username is a placeholder."""
    from bot.invites import max_links

    links = await max_links(settings, session_factory)
    warning = None
    if links.is_placeholder:
        warning = t(_cli_lang(), "demo.max_placeholder", name=links.name)
    return links, warning


async def _link_username(settings: Settings, session_factory: Any) -> tuple[str, str | None]:
    """The username for invite links, and a warning when it is only the placeholder.

    BOT_USERNAME when set; else the username the running bot stored after getMe; else the
    placeholder, which does not reach the real bot: the caller prints the warning."""
    from services.tools import app_settings

    configured = settings.bot_username if "bot_username" in settings.model_fields_set else None
    async with session_factory() as session:
        found = await app_settings.bot_username(session, configured)
    warning = t(_cli_lang(), "demo.placeholder", name=found.name) if found.is_placeholder else None
    return found.name, warning


async def school_username(
    session_factory: Any, username: str, **school: Any
) -> tuple[str, str | None]:
    """The username for a school's invite links (its own bot's, bot/invites.py), and a note."""
    from bot.invites import school_username as found

    return await found(session_factory, username, **school)


def format_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def cmd_migrate(settings: Settings) -> int:
    from services.db import make_engine
    from services.tools.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        revision = await current_revision(engine)
    finally:
        await engine.dispose()
    print(revision)
    return EXIT_OK


async def cmd_demo(settings: Settings, *, as_json: bool) -> int:
    from services.db import make_engine, make_session_factory
    from services.errors import DomainError
    from services.tools import demo
    from services.tools.migrate import prepare_schema

    engine = make_engine(settings.database_url)
    try:
        await prepare_schema(engine)
        sessions = make_session_factory(engine)
        username, placeholder = await _link_username(settings, sessions)
        links, max_placeholder = await _max_links(settings, sessions)
        username, school_note = await school_username(
            sessions, username, school_code=demo.DEMO_CODE
        )
        users: list[dict[str, Any]] = await demo.build_demo(sessions, bot_username=username)
    except DomainError as err:
        print(t(_cli_lang(), err.code, **err.params), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await engine.dispose()
    # Loudly, every time: demo credentials are reproducible and for trying the bot only.
    warning = t(_cli_lang(), "demo.warning")
    notes = [warning] + [note for note in (placeholder, max_placeholder, school_note) if note]
    if links.name is not None:
        for user in users:
            user["invite_max"] = links.link(str(user.get("invite", ""))) or ""
    if as_json:
        for note in notes:
            print(note, file=sys.stderr)
        sys.stdout.write(json.dumps(users, ensure_ascii=False) + "\n")
        return EXIT_OK
    rows = [["role", "name", "login", "password", "invite"]]
    if links.name is not None:
        rows[0].append("invite (MAX)")
    rows += [
        [
            str(u.get("role", "")),
            str(u.get("name", "")),
            str(u.get("login", "")),
            str(u.get("password", "")),
            _invite(str(u.get("invite", "")), username),
        ]
        + ([str(u.get("invite_max", ""))] if links.name is not None else [])
        for u in users
    ]
    print("\n\n".join(notes) + "\n")
    print(format_table(rows))
    print("\n" + warning.splitlines()[0])
    return EXIT_OK


async def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from services.db import make_engine, make_session_factory
    from services.errors import DomainError
    from services.people.accounts import create_admin, invite_link
    from services.tools.migrate import prepare_schema

    engine = make_engine(settings.database_url)
    try:
        await prepare_schema(engine)
        sessions = make_session_factory(engine)
        username, placeholder = await _link_username(settings, sessions)
        links, max_placeholder = await _max_links(settings, sessions)
        async with sessions() as session:
            creds = await create_admin(
                session,
                school_code=args.school,
                last_name=args.last_name,
                first_name=args.first_name,
                login=args.login,
            )
        username, school_note = await school_username(sessions, username, school_id=creds.school_id)
    except DomainError as err:
        print(t(_cli_lang(), err.code, **err.params), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await engine.dispose()
    print(f"login:    {creds.login}")
    print(f"password: {creds.password}")
    print(f"invite:   {invite_link(username, creds.invite_token)}")
    _print_max_invite(links, creds.invite_token)
    for note in (placeholder, max_placeholder, school_note):
        if note:
            print(note)
    return EXIT_OK


def _print_max_invite(links: Any, token: str) -> None:
    found = links.link(token)
    if found:
        print(f"MAX:      {found}")


async def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from services.db import make_engine, make_session_factory
    from services.errors import DomainError
    from services.people.accounts import cli_issue, invite_link
    from services.tools.migrate import prepare_schema

    engine = make_engine(settings.database_url)
    try:
        await prepare_schema(engine)
        sessions = make_session_factory(engine)
        username, placeholder = await _link_username(settings, sessions)
        links, max_placeholder = await _max_links(settings, sessions)
        async with sessions() as session:
            creds = await cli_issue(
                session,
                login=args.login,
                external_id=args.external_id,
                school_code=args.school,
                revoke=args.revoke,
                ttl=dt.timedelta(days=settings.credential_ttl_days),
            )
        school_note = None
        if creds is not None:
            username, school_note = await school_username(
                sessions, username, school_id=creds.school_id
            )
    except DomainError as err:
        print(t(_cli_lang(), err.code, **err.params), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await engine.dispose()
    if creds is None:
        print(t(_cli_lang(), "invite.revoked"))
        return EXIT_OK
    print(f"login:    {creds.login}")
    print(f"password: {creds.password}")
    print(f"invite:   {invite_link(username, creds.invite_token)}")
    _print_max_invite(links, creds.invite_token)
    print(f"expires:  {creds.expires_at.isoformat(timespec='minutes')}")
    for note in (placeholder, max_placeholder, school_note):
        if note:
            print(note)
    return EXIT_OK


def schema_behind(exc: Any) -> str:
    """The one line for a PostgreSQL schema that is not at the code's revision."""
    return t(_cli_lang(), "cli.schema_behind", current=exc.current or "-", head=exc.head)


async def cmd_run(settings: Settings, role: str = "run") -> int:
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.app import run_bot
    from maxbot.client import MaxNotSent, MaxOutcomeUnknown, MaxServerError, MaxUnauthorized
    from services.tools.migrate import SchemaNotCurrent

    url = settings.telegram_api_url or "https://api.telegram.org"
    # A signal during start-up cancels it; the cleanup has run by then.
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await run_bot(settings, role)
    except SchemaNotCurrent as exc:
        print(schema_behind(exc), file=sys.stderr)
        return EXIT_FAILED
    except (MaxNotSent, MaxOutcomeUnknown, MaxServerError) as exc:
        # Start-up (GET /me): once running, MAX polling retries by itself.
        reason = f"{exc.code}: {exc.message}" if exc.message else exc.code
        print(
            t(_cli_lang(), "cli.maxapi_unreachable", url=settings.max_api_url, reason=reason[:200]),
            file=sys.stderr,
        )
        return EXIT_FAILED
    except MaxUnauthorized:
        print(t(_cli_lang(), "cli.maxapi_unauthorized", url=settings.max_api_url), file=sys.stderr)
        return EXIT_FAILED
    except TelegramNetworkError as exc:
        # Only start-up can end here (getMe): once polling runs, aiogram retries by itself.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(
            t(_cli_lang(), "cli.botapi_unreachable", url=url, reason=reason[:200]), file=sys.stderr
        )
        return EXIT_FAILED
    except TelegramUnauthorizedError:
        print(t(_cli_lang(), "cli.botapi_unauthorized", url=url), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    previous = signal.getsignal(signal.SIGTERM)
    if command in ("run", "web", "worker"):
        # Until the event loop takes over signals (start-up imports are slow), SIGTERM
        # stops the process the way Ctrl-C does: cleanly, with exit code 0.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _dispatch(command, args)
    except KeyboardInterrupt:
        logging.getLogger("bot").info("stopped", extra={"during": "start-up"})
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dispatch(command: str, args: argparse.Namespace) -> int:
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
        setup_logging(
            settings.log_level,
            settings.log_format,
            secrets=settings.secrets(),
        )
        if settings.clock_start is not None:
            from services.models import start_clock_at

            start_clock_at(settings.clock_start)
            logging.getLogger("bot").warning(
                "the clock is pinned by CLOCK_START (tests and demonstrations only)",
                extra={"clock_start": settings.clock_start.isoformat()},
            )
        if command in ("run", "web", "worker"):
            settings.require_messenger()
            return asyncio.run(cmd_run(settings, command))
        if command == "migrate":
            return asyncio.run(cmd_migrate(settings))
        if command == "scheduler":
            from notifications.scheduler_process import run as run_scheduler
            from services.tools.migrate import SchemaNotCurrent

            try:
                asyncio.run(run_scheduler(settings, on_started=_scheduler_health(settings)))
            except SchemaNotCurrent as exc:
                print(schema_behind(exc), file=sys.stderr)
                return EXIT_FAILED
            return EXIT_OK
        if command in ("demo", "create-admin", "invite"):
            return _schema_checked(command, args, settings)
        admin_handler = getattr(args, "admin_handler", None)
        if admin_handler is not None:
            code: int = admin_handler(args, settings)
            return code
    except ConfigError as exc:
        print(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, file=sys.stderr)
        return EXIT_CONFIG
    raise AssertionError(f"unknown command {command}")  # argparse rejects it first


def _scheduler_health(settings: Settings) -> Any:
    """The scheduler process's /health, /ready (database, Redis) and /metrics on HEALTH_PORT."""

    async def start(**checks: Any) -> Any:
        from bot.health import start_health_server

        return await start_health_server(settings, role="scheduler", **checks)

    return start


def _schema_checked(command: str, args: argparse.Namespace, settings: Settings) -> int:
    from services.tools.migrate import SchemaNotCurrent

    try:
        if command == "demo":
            return asyncio.run(cmd_demo(settings, as_json=args.json))
        if command == "create-admin":
            return asyncio.run(cmd_create_admin(settings, args))
        if command == "invite":
            return asyncio.run(cmd_invite(settings, args))
    except SchemaNotCurrent as exc:
        print(schema_behind(exc), file=sys.stderr)
        return EXIT_FAILED
    raise AssertionError(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main())
