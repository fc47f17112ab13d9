"""School office commands of ``python -m bot``: import, report, backup, restore, year,
templates, retention, outbox-retention, school-bot.

``add_commands(subparsers)`` adds them to the main parser; each sets ``admin_handler``, a
function ``(args, settings) -> exit code`` that runs the command (it calls ``asyncio.run``
itself, so call it outside an event loop). Commands act as the CLI actor: the admin of the
chosen school (``--school CODE``, needed when the database holds several), audited with
source "cli".
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

EXIT_OK = 0
EXIT_FAILED = 1


class HasDatabaseUrl(Protocol):
    @property
    def database_url(self) -> str: ...


Handler = Callable[[argparse.Namespace, HasDatabaseUrl], int]


def _lang(args: argparse.Namespace) -> str:
    if getattr(args, "lang", None):
        return "en" if str(args.lang).lower().startswith("en") else "ru"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "ru"
    return "ru"


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date: {value} (expected YYYY-MM-DD)")


def _error(err: Exception) -> int:
    from services.errors import DomainError

    if isinstance(err, DomainError):
        params = ", ".join(f"{k}={v}" for k, v in err.params.items())
        print(f"error: {err.code}" + (f" ({params})" if params else ""), file=sys.stderr)
    else:
        print(f"error: {err}", file=sys.stderr)
    return EXIT_FAILED


def _with_session(
    settings: HasDatabaseUrl, school: str | None, work: Callable[[Any, Any], Awaitable[int]]
) -> int:
    """Run ``work(session, actor)`` with the CLI actor of the school; domain errors → exit 1."""
    from services.db import make_engine, make_session_factory
    from services.errors import DomainError
    from services.people.office_actor import cli_actor

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            async with make_session_factory(engine)() as session:
                actor = await cli_actor(session, school)
                return await work(session, actor)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as err:
        return _error(err)


# --------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.imports import import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} not found", file=sys.stderr)
        return EXIT_FAILED
    data = path.read_bytes()
    lang = _lang(args)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and (done == total or done % 100 == 0):
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr)

    async def work(session: Any, actor: Any) -> int:
        result = await import_file(
            session, actor, args.kind, path.name, data, progress=progress, dry_run=args.dry_run
        )
        if result.errors:
            for line in result.error_lines(lang):
                print(line, file=sys.stderr)
            print(result.summary(lang), file=sys.stderr)
            return EXIT_FAILED
        print(result.summary(lang))
        for line in result.warning_lines(lang):
            print(f"warning: {line}")
        return EXIT_OK

    return _with_session(settings, args.school, work)


# --------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.reports import build_report

    params: dict[str, Any] = {"lang": _lang(args)}
    for name in ("class", "period", "month", "subject", "subgroup", "student", "date", "year"):
        value = getattr(args, name.replace("class", "class_"), None)
        if value is not None:
            params[name] = value
    if args.date_from:
        params["date_from"] = args.date_from
    if args.date_to:
        params["date_to"] = args.date_to
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "pdf")

    async def work(session: Any, actor: Any) -> int:
        report = await build_report(session, actor, args.kind, params, fmt)
        out = Path(args.out) if args.out else Path(report.filename)
        if out.is_dir():
            out = out / report.filename
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(report.data)
        print(out)
        return EXIT_OK

    return _with_session(settings, args.school, work)


# --------------------------------------------------------------------------- backup, restore


def cmd_backup(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.tools.backup import BackupError, scheduled_backup

    try:
        run = scheduled_backup(
            settings.database_url,
            Path(args.dir),
            mirrors=[Path(m) for m in args.mirror or []],
            keep_daily=args.keep_daily,
            keep_weekly=args.keep_weekly,
        )
    except BackupError as err:
        return _error(err)
    print(run.path)
    for copy in run.copies:
        print(copy)
    if run.removed:
        print(f"rotated out: {len(run.removed)}", file=sys.stderr)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.tools.backup import BackupError, restore

    if not args.yes:
        print(
            "restore replaces the whole database with the backup; stop the bot and add --yes",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        restore(settings.database_url, Path(args.file))
    except BackupError as err:
        return _error(err)
    print(f"restored {args.file}")
    return EXIT_OK


# --------------------------------------------------------------------------- year


def _ids(session: Any, school_id: int, external_ids: str | None) -> Awaitable[list[int]]:
    from sqlalchemy import select

    from services.models import Person

    wanted = [x.strip() for x in (external_ids or "").split(",") if x.strip()]

    async def fetch() -> list[int]:
        if not wanted:
            return []
        rows = await session.execute(
            select(Person.external_id, Person.id).where(
                Person.school_id == school_id, Person.external_id.in_(wanted)
            )
        )
        found = {e: i for e, i in rows}
        missing = [w for w in wanted if w not in found]
        if missing:
            from services.errors import NotFound

            raise NotFound("admin.student_not_found", ids=",".join(missing))
        return [found[w] for w in wanted]

    return fetch()


def _calendar(value: str | None, first_year: int) -> tuple[Any, Any]:
    """``--calendar``: quarters (the default), trimesters, or a file of the periods and
    holidays, one a line: "name; start; end" (services.school.school_year.parse_calendar)."""
    from services.enums import PeriodKind
    from services.school import school_year

    if value in (None, "quarters"):
        return school_year.default_calendar(PeriodKind.QUARTER, first_year), None
    if value == "trimesters":
        return school_year.default_calendar(PeriodKind.TRIMESTER, first_year), None
    path = Path(str(value))
    if not path.is_file():
        raise SystemExit(f"error: {path} not found")
    return school_year.parse_calendar(path.read_text(encoding="utf-8-sig"))


def _print_plan(plan: Any) -> None:
    print(
        f"dry run: {plan.action} {plan.year} ({plan.starts_on} - {plan.ends_on}); nothing changed"
    )
    if plan.action == "open":
        if plan.from_year:
            print(
                f"from {plan.from_year}: promoted {plan.promoted}, repeating {plan.repeating}, "
                f"graduated {plan.graduated}, left {plan.left}"
            )
        print(f"classes {', '.join(plan.classes) or '-'}")
        for p in plan.periods:
            print(f"period\t{p.name}\t{p.starts_on}\t{p.ends_on}")
        for h in plan.holidays:
            print(f"holiday\t{h.name}\t{h.starts_on}\t{h.ends_on}")
        for warning in plan.warnings:
            print(warning, file=sys.stderr)
    else:
        print(f"classes {len(plan.classes)}, students {plan.students}")
        if plan.action == "close":
            print(f"periods to close {plan.periods_to_close}")


def cmd_year(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from i18n import translate
    from services.errors import DomainError
    from services.models import utcnow
    from services.school import school_year

    now = utcnow()  # the process's clock (CLOCK_START pins it)
    dry = bool(getattr(args, "dry_run", False))

    async def act(session: Any, actor: Any) -> int:
        if args.year_action == "open":
            periods, holidays = _calendar(args.calendar, args.starts.year)
            kwargs: dict[str, Any] = {
                "name": args.name,
                "starts_on": args.starts,
                "ends_on": args.ends,
                "periods": periods,
                "holidays": holidays,
                "promote_from": args.promote_from,
                "leaving": await _ids(session, actor.school_id, args.leaving),
                "repeating": await _ids(session, actor.school_id, args.repeating),
                "now": now,
            }
            if dry:
                _print_plan(await school_year.plan_open_year(session, actor, **kwargs))
                return EXIT_OK
            opened = await school_year.open_year(session, actor, **kwargs)
            print(
                f"{opened.year.name}: classes {', '.join(sorted(opened.classes)) or '-'}; "
                f"promoted {opened.promoted}, repeating {opened.repeating}, "
                f"graduated {opened.graduated}, left {opened.left}"
            )
            for warning in opened.warnings:
                print(warning, file=sys.stderr)
        elif args.year_action == "close":
            if dry:
                _print_plan(await school_year.plan_close_year(session, actor, args.name, now=now))
                return EXIT_OK
            year = await school_year.close_year(session, actor, args.name, now=now)
            print(f"{year.name}: closed")
        else:
            if dry:
                _print_plan(await school_year.plan_archive_year(session, actor, args.name, now=now))
                return EXIT_OK
            year = await school_year.archive_year(session, actor, args.name, now=now)
            print(f"{year.name}: archived")
        return EXIT_OK

    async def work(session: Any, actor: Any) -> int:
        try:
            return await act(session, actor)
        except DomainError as err:
            # The refusal in words (a running year: from which day it may be closed), and its code.
            text = translate(_lang(args), err.code, **err.params)
            print(f"error: {err.code}" + (f": {text}" if text else ""), file=sys.stderr)
            return EXIT_FAILED

    return _with_session(settings, args.school, work)


# --------------------------------------------------------------------------- templates, retention


def cmd_templates(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.imports import write_templates

    for path in write_templates(Path(args.out), xlsx=not args.csv_only):
        print(path)
    return EXIT_OK


def cmd_lessons(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    """Dated lessons from the timetable for a range (the scheduler keeps two weeks ahead)."""
    from services.models import School
    from services.timetable.lessons import generate_lessons

    async def work(session: Any, actor: Any) -> int:
        school = await session.get(School, actor.school_id)
        result = await generate_lessons(
            session, school, _date(args.date_from), _date(args.date_to), actor=actor
        )
        print(f"lessons created: {result.created} (working days: {result.days})")
        return EXIT_OK

    return _with_session(settings, args.school, work)


def cmd_retention(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    from services.tools.backup import purge_expired

    async def work(session: Any, actor: Any) -> int:
        items = await purge_expired(session, actor, dry_run=not args.purge)
        for item in items:
            print(
                f"{item.year}\t{item.action}\tlessons={item.lessons}\tfinal_marks={item.final_marks}"
            )
        if not items:
            print("nothing past retention")
        elif not args.purge:
            print("dry run: add --purge to delete", file=sys.stderr)
        return EXIT_OK

    return _with_session(settings, args.school, work)


def cmd_outbox_retention(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    """Delivered, failed and cancelled alerts past retention (notifications/retention.py):
    listed per school, deleted in batches with --purge. The scheduler runs it daily."""
    from sqlalchemy import select

    from notifications.retention import DEFAULT_BATCH, purge_delivered
    from services.db import make_engine, make_session_factory
    from services.models import School, utcnow

    days = args.margin_days
    if days is None:
        days = int(getattr(settings, "outbox_retention_margin_days", 92))

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            factory = make_session_factory(engine)
            school_ids = None
            if args.school:
                async with factory() as session:
                    found = await session.scalar(
                        select(School.id).where(School.code == args.school)
                    )
                if found is None:
                    print(f"error: no school {args.school}", file=sys.stderr)
                    return EXIT_FAILED
                school_ids = [found]
            done = await purge_delivered(
                factory,
                utcnow(),
                margin=dt.timedelta(days=days),
                batch=args.batch or DEFAULT_BATCH,
                school_ids=school_ids,
                dry_run=not args.purge,
                source="cli",
            )
        finally:
            await engine.dispose()
        for r in done:
            print(f"{r.school_code}\t{r.year}\tbefore={r.before.isoformat()}\trows={r.rows}")
        if not done:
            print("nothing past retention")
        elif not args.purge:
            print("dry run: add --purge to delete", file=sys.stderr)
        return EXIT_OK

    return asyncio.run(run())


# --------------------------------------------------------------------------- parser


# --------------------------------------------------------------------------- school-bot


def default_bot_id(settings: Any) -> str | None:
    """The id of the deployment's default Telegram bot (BOT_TOKEN's, before its colon)."""
    tokens = getattr(settings, "telegram_tokens", None)
    found = tokens() if callable(tokens) else []
    return str(found[0]).split(":", 1)[0] if found else None


def cmd_school_bot(args: argparse.Namespace, settings: HasDatabaseUrl) -> int:
    """Bind a school to one of the deployment's Telegram bots (``--telegram @name|ID``) or to
    the default bot (``--default``): its people sign in through that bot only and their alerts
    go through it (services/people/bots.py). Audited with source "cli"."""
    from bot.i18n import t
    from services.db import make_engine, make_session_factory
    from services.enums import Messenger
    from services.errors import DomainError
    from services.people import bots

    lang = _lang(args)
    messenger = Messenger.TELEGRAM
    default_id = default_bot_id(settings)

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            async with make_session_factory(engine)() as session:
                bot_id = None
                if not args.default:
                    bot_id, _name = await bots.resolve_bot(session, messenger, args.telegram)
                change = await bots.set_school_bot(
                    session, args.school, messenger, bot_id, default_id=default_id
                )
        finally:
            await engine.dispose()
        name = f"@{change.username}" if change.username else (change.after or "")
        if change.after is None:
            print(
                t(
                    lang,
                    "cli.school_bot_default",
                    school=args.school,
                    messenger="Telegram",
                    bot=f" ({name})" if name else "",
                )
            )
        else:
            print(t(lang, "cli.school_bot_set", school=args.school, messenger="Telegram", bot=name))
            if change.username is None:
                print(t(lang, "cli.school_bot_unnamed"), file=sys.stderr)
        if change.elsewhere:
            print(t(lang, "cli.school_bot_elsewhere", count=change.elsewhere), file=sys.stderr)
        return EXIT_OK

    try:
        return asyncio.run(run())
    except DomainError as err:
        print(t(lang, err.code, **err.params), file=sys.stderr)
        return EXIT_FAILED


def add_commands(subparsers: Any) -> None:
    """Add the school office's commands to ``python -m bot``'s subparsers."""
    from services.imports import KINDS
    from services.reports import REPORTS

    def school(p: argparse.ArgumentParser) -> None:
        p.add_argument("--school", default=None, help="school code (needed if there are several)")

    p = subparsers.add_parser("import", help="import a register file (CSV or XLSX)")
    p.add_argument("kind", choices=sorted(KINDS))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--lang", choices=["ru", "en"], default=None)
    school(p)
    p.set_defaults(admin_handler=cmd_import)

    p = subparsers.add_parser("report", help="build a report as PDF or XLSX")
    p.add_argument("kind", choices=sorted(REPORTS))
    p.add_argument("--class", dest="class_", metavar="CLASS", help="class name, e.g. 7А")
    p.add_argument("--period", type=int, help="study period number")
    p.add_argument("--month", help="YYYY-MM")
    p.add_argument("--subject")
    p.add_argument("--subgroup")
    p.add_argument("--student", help="student's external id")
    p.add_argument("--date", help="a day (family_weekly: any day of the week)")
    p.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
    p.add_argument("--year", help="school year name, e.g. 2026/2027")
    p.add_argument("--format", choices=["pdf", "xlsx"], default=None)
    p.add_argument("--out", help="file or directory (default: the report's name here)")
    p.add_argument("--lang", choices=["ru", "en"], default=None)
    school(p)
    p.set_defaults(admin_handler=cmd_report)

    p = subparsers.add_parser("lessons", help="create dated lessons from the timetable")
    p.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
    school(p)
    p.set_defaults(admin_handler=cmd_lessons)

    p = subparsers.add_parser("backup", help="back the database up (and rotate old backups)")
    p.add_argument("--dir", default="backups")
    p.add_argument("--mirror", action="append", help="also copy to this directory (repeatable)")
    p.add_argument("--keep-daily", type=int, default=7)
    p.add_argument("--keep-weekly", type=int, default=5)
    p.set_defaults(admin_handler=cmd_backup)

    p = subparsers.add_parser("restore", help="replace the database with a backup")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="yes, replace the whole database")
    p.set_defaults(admin_handler=cmd_restore)

    def year_options(c: argparse.ArgumentParser) -> None:
        c.add_argument(
            "--dry-run", action="store_true", help="show what would happen; change nothing"
        )
        c.add_argument("--lang", help="the language of the messages (ru, en)")
        school(c)

    p = subparsers.add_parser("year", help="open, close or archive a school year")
    actions = p.add_subparsers(dest="year_action", required=True, metavar="ACTION")
    o = actions.add_parser("open", help="open a year (quarters and holidays by default)")
    o.add_argument("--name", required=True, help="e.g. 2027/2028")
    o.add_argument("--starts", type=_date, required=True)
    o.add_argument("--ends", type=_date, required=True)
    o.add_argument("--from", dest="promote_from", help="promote the classes of this year")
    o.add_argument("--leaving", help="external ids of students who leave (comma separated)")
    o.add_argument("--repeating", help="external ids of students who repeat the grade")
    o.add_argument(
        "--calendar",
        help="quarters (default), trimesters, or a file of periods and holidays "
        '(one a line: "name; dd.mm.yyyy; dd.mm.yyyy")',
    )
    year_options(o)
    for name in ("close", "archive"):
        c = actions.add_parser(
            name, help=f"{name} a year (refused while it runs: from the day after its end)"
        )
        c.add_argument("--name", required=True)
        year_options(c)
    p.set_defaults(admin_handler=cmd_year)

    p = subparsers.add_parser(
        "school-bot", help="bind a school to one of the deployment's Telegram bots"
    )
    p.add_argument("--school", required=True, help="school code")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--telegram", metavar="@USERNAME|ID", help="the school's Telegram bot")
    which.add_argument("--default", action="store_true", help="the default bot (BOT_TOKEN)")
    p.add_argument("--lang", choices=["ru", "en"], default=None)
    p.set_defaults(admin_handler=cmd_school_bot)

    p = subparsers.add_parser("templates", help="write the import templates (CSV and XLSX)")
    p.add_argument("--out", default="templates")
    p.add_argument("--csv-only", action="store_true")
    p.set_defaults(admin_handler=cmd_templates)

    p = subparsers.add_parser("retention", help="list (or --purge) data past retention")
    p.add_argument("--purge", action="store_true")
    school(p)
    p.set_defaults(admin_handler=cmd_retention)

    p = subparsers.add_parser(
        "outbox-retention", help="list (or --purge) delivered alerts past retention"
    )
    p.add_argument("--purge", action="store_true")
    p.add_argument(
        "--margin-days",
        type=int,
        default=None,
        help="days kept after the school year's end (default: OUTBOX_RETENTION_MARGIN_DAYS)",
    )
    p.add_argument("--batch", type=int, default=None, help="rows per statement (5000)")
    school(p)
    p.set_defaults(admin_handler=cmd_outbox_retention)
