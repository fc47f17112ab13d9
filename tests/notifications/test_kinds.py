"""The registry of notification kinds: every kind a use case or a job writes is registered, rows
written before the kinds became objects still read, and a row of an unknown kind or with a
payload its kind cannot read becomes a dead letter with a reason instead of stopping the worker."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import render
from notifications.registry import KINDS, UnknownKind, kind_of
from notifications.worker import Worker, dead_letters
from screens.common.alerts import ALERT_BUTTONS, AbsenceReasonAction, NewsAckAction
from services.enums import OutboxStatus
from services.notifications import outbox
from services.notifications.kinds import FANOUT
from testkit.botapi import BotAPIServer
from tests.factories import NOW

from .conftest import World, rows

ROOT = Path(__file__).resolve().parents[2]

# The kinds of docs/notifications.md: rows of these names may wait in a running deployment.
DOCUMENTED = {
    "attendance.absent",
    "attendance.late",
    "attendance.family_reason",
    "attendance.withdrawn",
    "homework.changed",
    "lesson.cancelled",
    "lesson.cancelled_teacher",
    "mark.new",
    "mark.changed",
    "mark.deleted",
    "notice.created",
    "notice.cancelled",
    "final_mark.set",
    "year_mark.set",
    "reminder.period_marks",
    "reminder.control_results",
    "news.class",
    "news.school",
    "homework.tomorrow",
    "summary.weekly",
    "reminder.fill",
    "report.unfilled",
    "report.activity",
    "substitution.family",
    "substitution.teacher",
    "lesson.distance",
    "year.closed",
    "warning.early",
    "thread.message",
    "thread.state",
    "event.reminder",
}


# --------------------------------------------------------------------------- who writes what


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _written(tree: ast.Module) -> list[tuple[ast.expr, ast.FunctionDef | None]]:
    """The kind of every outbox row the module writes: ``enqueue(kind=…)`` and the ``"kind"``
    of a row dict (one with a ``"dedup_key"``), each with its enclosing function."""
    found: list[tuple[ast.expr, ast.FunctionDef | None]] = []

    def visit(node: ast.AST, func: ast.FunctionDef | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            func = node  # type: ignore[assignment]
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if str(name).startswith("enqueue"):
                found.extend((k.value, func) for k in node.keywords if k.arg == "kind")
        if isinstance(node, ast.Dict):
            keys = {
                k.value: v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
            }
            if "kind" in keys and "dedup_key" in keys:
                found.append((keys["kind"], func))
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, None)
    return found


def _params(func: ast.FunctionDef | None) -> list[str]:
    if func is None:
        return []
    return [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]


def _kinds_of(
    expr: ast.expr, func: ast.FunctionDef | None, tree: ast.Module, module: Any
) -> set[str] | None:
    """The kind strings ``expr`` can be; None for a kind passed through from the caller."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        body = _kinds_of(expr.body, func, tree, module)
        orelse = _kinds_of(expr.orelse, func, tree, module)
        assert body is not None and orelse is not None
        return body | orelse
    if isinstance(expr, ast.Subscript) or (isinstance(expr, ast.Name) and expr.id in _params(func)):
        return None  # a row handed in (outbox.enqueue_many, outbox.enqueue itself)
    if isinstance(expr, ast.JoinedStr):
        return _expand(expr, func, tree)
    if isinstance(expr, ast.Name) and func is not None:
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
            ):
                return _kinds_of(node.value, func, tree, module)
    value = eval(compile(ast.Expression(expr), "<kind>", "eval"), vars(module))
    assert isinstance(value, str), ast.unparse(expr)
    return {value}


def _calls(tree: ast.Module) -> list[tuple[ast.Call, ast.FunctionDef | None]]:
    """Every call of the module with its enclosing function."""
    found: list[tuple[ast.Call, ast.FunctionDef | None]] = []

    def visit(node: ast.AST, func: ast.FunctionDef | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            func = node  # type: ignore[assignment]
        if isinstance(node, ast.Call):
            found.append((node, func))
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, None)
    return found


def _param_values(tree: ast.Module, func: ast.FunctionDef, param: str) -> set[str]:
    """The constants the module's calls pass as ``param`` of ``func``, followed through the
    callers that pass on a parameter of their own."""
    position = _params(func).index(param)
    out: set[str] = set()
    for call, caller in _calls(tree):
        if getattr(call.func, "id", None) != func.name:
            continue
        keywords = {k.arg: k.value for k in call.keywords}
        arg = call.args[position] if position < len(call.args) else keywords[param]
        if isinstance(arg, ast.Name) and caller is not None and arg.id in _params(caller):
            out |= _param_values(tree, caller, arg.id)
        else:
            assert isinstance(arg, ast.Constant), ast.unparse(call)
            out.add(str(arg.value))
    assert out, f"no call of {func.name} found"
    return out


def _expand(expr: ast.JoinedStr, func: ast.FunctionDef | None, tree: ast.Module) -> set[str]:
    """``f"mark.{event}"`` with ``event`` a parameter: the constants the module's calls pass."""
    [hole] = [v for v in expr.values if isinstance(v, ast.FormattedValue)]
    assert isinstance(hole.value, ast.Name) and func is not None, ast.unparse(expr)
    return {
        "".join(value if v is hole else str(getattr(v, "value", "")) for v in expr.values)
        for value in _param_values(tree, func, hole.value.id)
    }


def written_kinds() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted(
        [*ROOT.joinpath("services").rglob("*.py"), *ROOT.joinpath("notifications").rglob("*.py")]
    ):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _written(tree)
        if not found:
            continue
        module = importlib.import_module(_module_name(path))
        for expr, func in found:
            kinds = _kinds_of(expr, func, tree, module)
            for kind in kinds or ():
                out.setdefault(kind, set()).add(path.relative_to(ROOT).as_posix())
    return out


def test_every_kind_written_by_services_and_jobs_is_registered() -> None:
    written = written_kinds()
    unknown = {k: sorted(v) for k, v in written.items() if k not in KINDS and k != FANOUT}
    assert unknown == {}
    # and every registered kind is written somewhere (the documented ones, no stray one)
    assert set(KINDS) == set(written) - {FANOUT} == DOCUMENTED
    assert "services/marks/marking.py" in written["mark.changed"]
    assert "notifications/jobs.py" in written[FANOUT]


def test_the_scan_sees_each_way_a_kind_is_written() -> None:
    tree = ast.parse(
        "def put(s, event):\n"
        "    enqueue(s, kind=f'mark.{event}', dedup_key='k')\n"
        "def audited(s, what):\n"
        "    put(s, what)\n"
        "def caller(s):\n"
        "    put(s, 'new')\n"
        "    audited(s, what='gone')\n"
        "    row = {'kind': 'a' if s else 'b', 'dedup_key': 'k'}\n"
        "    kind = 'c'\n"
        "    enqueue(s, kind=kind)\n"
    )
    found = [_kinds_of(e, f, tree, object()) for e, f in _written(tree)]
    assert found == [{"mark.new", "mark.gone"}, {"a", "b"}, {"c"}]


# --------------------------------------------------------------------------- the registry


def test_kinds_with_buttons_are_sent_alone() -> None:
    assert {name for name, kind in KINDS.items() if kind.alone} == set(ALERT_BUTTONS)


def test_rows_queued_before_the_upgrade_still_read() -> None:
    """Payloads exactly as the use cases and jobs wrote them (plus what the worker adds)."""
    lesson = {
        "lesson_id": 3,
        "date": "2026-11-18",
        "lesson_number": 2,
        "subject": "М",
        "class": "7А",
    }
    payloads: dict[str, dict[str, Any]] = {
        "attendance.absent": {**lesson, "student_id": 5, "code": "absent"},
        "attendance.late": {**lesson, "student_id": 5, "code": "late"},
        "attendance.withdrawn": {**lesson, "student_id": 5, "was": "absent"},
        "homework.changed": {
            "student_id": 5,
            "lesson_id": 3,
            "date": "2026-11-19",
            "subject": "Математика",
            "text": "№ 5",
            "added": False,
        },
        "lesson.cancelled": {
            "student_id": 5,
            "lesson_id": 7,
            "date": "2026-11-19",
            "number": 2,
            "subject": "Математика",
            "reinstated": False,
        },
        "lesson.cancelled_teacher": {
            "lesson_id": 7,
            "date": "2026-11-19",
            "number": 2,
            "subject": "Математика",
            "class_name": "7А",
            "reason": "экскурсия",
            "reinstated": False,
        },
        "attendance.family_reason": {
            **lesson,
            "attendance_id": 1,
            "student_id": 5,
            "guardian_id": 6,
            "reason": "ill",
        },
        "mark.new": {**lesson, "student_id": 5, "mark_id": 9, "value": 5, "work_kind": "classwork"},
        "mark.changed": {
            **lesson,
            "student_id": 5,
            "mark_id": 9,
            "value": 4,
            "work_kind": "test",
            "before": 5,
            "reason": "r",
        },
        "mark.deleted": {
            **lesson,
            "student_id": 5,
            "mark_id": 9,
            "value": 4,
            "work_kind": "test",
            "reason": "r",
        },
        "notice.created": {
            "notice_id": 1,
            "student_id": 5,
            "student": "И П",
            "class_id": 2,
            "class_name": "7А",
            "date_from": "2026-11-19",
            "date_to": "2026-11-19",
            "code": "excused",
            "reason": "врач",
            "by": "Е",
        },
        "notice.cancelled": {
            "notice_id": 1,
            "student_id": 5,
            "student": "И П",
            "class_name": "7А",
            "date_from": "2026-11-19",
            "date_to": "2026-11-20",
            "by": "Е",
        },
        "final_mark.set": {
            "student_id": 5,
            "subject": "М",
            "class": "7А",
            "period_id": 1,
            "period": "I",
            "value": 5,
            "special": None,
            "before": {"value": 4},
        },
        "year_mark.set": {
            "student_id": 5,
            "subject": "М",
            "class": "7А",
            "mark_kind": "exam",
            "year": "2026/2027",
            "value": 5,
            "special": None,
            "before": None,
        },
        "reminder.period_marks": {
            "period": "2 четверть",
            "ends_on": "2026-12-27",
            "items": [{"class_name": "7А", "subject": "М", "missing": 3}],
        },
        "reminder.control_results": {
            "works": [{"class_name": "7А", "subject": "М", "date": "2026-11-18", "title": None}]
        },
        "news.class": {"news_id": 1},
        "news.school": {"news_id": 1},
        "thread.message": {
            "thread_id": 1,
            "message_id": 2,
            "author": "Иванова Елена",
            "author_role": "parent",
            "child": "Иванов Пётр",
            "class_name": "7А",
            "text": "Добрый день",
            "attachment_kind": "photo",
            "attachment_ref": "AgAC",
            "attachment_name": None,
            "attachment_messenger": "telegram",
        },
        "thread.state": {"thread_id": 1, "teacher": "Учителев Иван", "child": "П", "closed": True},
        "homework.tomorrow": {
            "date": "2026-11-19",
            "children": [{"student": "П", "items": [{"subject": "М", "text": "№ 5"}]}],
        },
        "summary.weekly": {
            "date_from": "2026-11-16",
            "date_to": "2026-11-22",
            "children": [
                {
                    "student": "П",
                    "subjects": [{"subject": "М", "marks": [5, 4]}],
                    "absent": 1,
                    "late": 0,
                }
            ],
        },
        "reminder.fill": {
            "date": "2026-11-18",
            "deadline": "20:00",
            "lessons": [
                {
                    "lesson_id": 1,
                    "lesson_number": 1,
                    "class": "7А",
                    "subject": "М",
                    "missing": ["topic"],
                }
            ],
        },
        "report.unfilled": {
            "date": "2026-11-18",
            "deadline": "20:00",
            "lessons": [
                {
                    "lesson_id": 1,
                    "teacher": "Т",
                    "lesson_number": 1,
                    "class": "7А",
                    "subject": "М",
                    "missing": ["topic"],
                }
            ],
        },
        "report.activity": {
            "month": "10.2026",
            "accounts": 3,
            "bound": 2,
            "active": 1,
            "by_role": {"parent": {"accounts": 1, "bound": 1, "active": 1}},
            "marks": 1,
            "attendance": 1,
            "topics": 1,
            "sent": 1,
            "dead": 0,
        },
        "substitution.family": {
            "student_id": 5,
            "student": "Аня Иванова",
            "lesson_id": 7,
            "date": "2026-11-20",
            "number": 2,
            "subject": "Математика",
            "teacher": "Петров П.",
        },
        "substitution.teacher": {
            "lesson_id": 7,
            "date": "2026-11-20",
            "number": 2,
            "subject": "Математика",
            "class_name": "7А",
            "teacher": "Иванова И.",
        },
        "year.closed": {"year_id": 3, "year": "2026/2027"},
        "warning.early": {
            "audience": "family",
            "children": [
                {
                    "student_id": 5,
                    "student": "Аня Иванова",
                    "student_first": "Аня",
                    "class_name": "7А",
                    "period": "2 четверть",
                    "teacher": "Мария Классная",
                    "absence": {
                        "step": 5,
                        "absent": 2,
                        "lessons": 23,
                        "unexcused": 1,
                        "percent": "8.7",
                    },
                    "subjects": [{"subject": "Математика", "mark": 2, "before": None}],
                }
            ],
        },
        "lesson.distance": {
            "student_id": 5,
            "lesson_id": 7,
            "date": "2026-11-20",
            "number": 2,
            "subject": "Математика",
            "distance": True,
        },
        "event.reminder": {
            "news_id": 4,
            "date": "2026-11-20",
            "time": "18:00",
            "title": "Родительское собрание",
            "class": "7А",
        },
    }
    assert set(payloads) == set(KINDS)
    for name, payload in payloads.items():
        kind = kind_of(name)
        typed = kind.read(payload)
        assert typed.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload, name
        assert render.text_of(render.render(name, payload, "ru")), name


def test_an_unknown_kind_and_a_malformed_payload_are_refused() -> None:
    with pytest.raises(UnknownKind):
        kind_of("mark.renamed")
    with pytest.raises(ValidationError):
        kind_of("reminder.fill").read({"lessons": [{"broken": True}]})
    with pytest.raises(ValidationError):
        kind_of("mark.new").read({"value": {"not": "a mark"}})


def test_alert_buttons_keep_their_wire_format() -> None:
    absent = render.render("attendance.absent", {"attendance_id": 12, "code": "absent"}, "ru")
    assert [b.action for b in absent.buttons] == [
        AbsenceReasonAction(id=12, reason=r) for r in ("ill", "excused", "unknown")
    ]
    assert [b.action.pack() for b in absent.buttons if b.action] == [
        "abs:12:ill",
        "abs:12:excused",
        "abs:12:unknown",
    ]
    news = render.render("news.school", {"news_id": 7, "news": {"body": "b"}}, "en")
    assert [b.action for b in news.buttons] == [NewsAckAction(id=7)]
    assert NewsAckAction.unpack("news:ack:7") == NewsAckAction(id=7)
    # without the id the worker looks up, no buttons
    assert render.render("attendance.absent", {"code": "absent"}, "ru").rows == ()


# --------------------------------------------------------------------------- the worker


async def test_unknown_kind_and_malformed_payload_are_dead_letters(
    session: AsyncSession, world: World, worker: Worker, server: BotAPIServer
) -> None:
    """Neither stops the queue: the good alert of the same recipient still goes."""
    w = world.w
    for kind, key, payload in (
        ("mark.renamed", "unknown", {"value": 5}),
        ("mark.new", "malformed", {"student_id": w.students[0].id, "value": {"x": 1}}),
        ("mark.new", "good", {"student_id": w.students[0].id, "subject": "М", "value": 4}),
    ):
        await outbox.enqueue(
            session,
            school_id=w.school.id,
            recipient_person_id=w.parent.id,
            kind=kind,
            dedup_key=key,
            payload=payload,
            urgent=True,
            not_before=NOW,
        )
    await session.commit()
    stats = await worker.run_once()
    assert (stats.dead, stats.sent) == (2, 1)
    [msg] = server.sent_to(world.chats["parent"])
    assert "4" in msg.content
    errors = {r.dedup_key: (r.status, r.last_error or "") for r in await rows(session)}
    assert errors["good"][0] == OutboxStatus.SENT
    assert errors["unknown"] == (OutboxStatus.DEAD, "unknown notification kind 'mark.renamed'")
    status, error = errors["malformed"]
    assert status == OutboxStatus.DEAD
    assert error.startswith("render failed: malformed mark.new payload: value")
    letters = await dead_letters(session, w.school.id)
    assert sorted(d.kind for d in letters) == ["mark.new", "mark.renamed"]
