#!/usr/bin/env python3
"""Move services/ into domain packages (issue 12, item 1; the map: docs/architecture-moves.md).

Run from the root of a clean checkout:  python scripts/move_domains.py [--dry-run]

What it does, in order, on the tree it is run in:
1. ``git mv`` whole modules into their domain package (MOVES), creating the packages;
2. splits the audience modules (SPLITS) by top-level name with ``ast``: each function, class or
   constant (its decorators and the comment lines right above it included) goes to the module
   the map names; a private helper that is not named follows the pieces that use it (all of
   them in one module), else it stays in the split's default module. Every new module gets the
   split module's imports (unused ones are removed by ruff) and imports for the names it uses
   from its siblings. No re-export shims are left;
3. rewrites every import of the moved names in the whole tree (``from services.x import a``,
   ``from services import x`` with ``x.a`` attribute uses, function-local imports included),
   then dotted names and paths in strings, comments, docs and shell scripts;
4. runs ``ruff check --fix --select F401,I`` and ``ruff format`` on the touched files and
   imports every module of services/ and notifications/ once to prove there is no cycle.

It matches by names, so it works on a tree that changed since it was written: a name the map
mentions that is missing fails the run before anything is changed; a new public name in a
split module goes to that split's default module and is printed. It refuses to run twice.
"""

from __future__ import annotations

import argparse
import ast
import io
import itertools
import json
import re
import subprocess
import sys
import textwrap
import time
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------- the map

PACKAGES: dict[str, str] = {
    "services.school": "School and calendar: school time, working days, periods, the school "
    "year's life cycle, the office's pickers and the audit trail.",
    "services.people": "People, accounts and access: who acts (identity, context), the access "
    "policy, credentials, rosters, families, class teachers, enrolment.",
    "services.timetable": "Timetable and lessons: dated lessons, the diary, timetables, the "
    "lesson sheet, lesson edits and unlocks, substitutions, control works, journal checks.",
    "services.attendance": "Attendance: the roll call, absence reasons, advance absence notices "
    "and the attendance views.",
    "services.marks": "Marks: marking a lesson, quick marks, period (final) marks, mark read "
    "models, the class journal grid and charts.",
    "services.homework": "Homework and topics: setting them on a lesson and the family's "
    "homework page.",
    "services.messages": "Notices and messages: the school's broadcasts (news) and their receipts.",
    "services.notifications": "Notifications, write side: the transactional outbox, the "
    "settings of a person's alerts, reachability, dead letters. Delivery lives in the top-level "
    "notifications package, which imports this one and never the other way round.",
    "services.tools": "Tools beside the journal: the demo school, backups, migrations, "
    "deployment settings.",
}

# Whole modules: old dotted name -> new dotted name (the basename never changes).
MOVES: dict[str, str] = {
    "services.accounts": "services.people.accounts",
    "services.identity": "services.people.identity",
    "services.context": "services.people.context",
    "services.policy": "services.people.policy",
    "services.throttle": "services.people.throttle",
    "services.calendar": "services.school.calendar",
    "services.lessons": "services.timetable.lessons",
    "services.notices": "services.attendance.notices",
    "services.final_marks": "services.marks.final_marks",
    "services.quickmarks": "services.marks.quickmarks",
    "services.charts": "services.marks.charts",
    "services.demo": "services.tools.demo",
    "services.backup": "services.tools.backup",
    "services.migrate": "services.tools.migrate",
    "services.app_settings": "services.tools.app_settings",
    "notifications.outbox": "services.notifications.outbox",
}

# Split modules: old dotted name -> {target module: [names]}; "default" takes the rest.
SPLITS: dict[str, dict[str, list[str] | str]] = {
    # services.people would be both the old module and the new package: renamed.
    "services.people": {
        "default": "services.people.roster",
        "keep": [
            "PersonRow",
            "classes_of_class_teacher",
            "class_students",
            "student_family",
            "search",
        ],
    },
    "services.family": {
        "default": "services.people.family",
        "keep": [
            "Sections",
            "school_of",
            "today_for",
            "family_student",
            "FamilyRead",
            "family_read",
            "sections_for",
            "acts_as_family",
        ],
        "services.school.school_days": [
            "next_school_day",
            "previous_school_day",
            "week_of",
            "school_calendar",
            "next_school_day_for",
            "year_periods",
            "current_period",
        ],
        "services.timetable.diary": ["DiaryPage", "diary_page"],
        "services.homework.assignments": [
            "HomeworkItem",
            "HomeworkPage",
            "homework_page",
        ],
        "services.marks.mark_reads": [
            "Advice",
            "FinalMarkView",
            "SubjectReport",
            "MarksPage",
            "fives_needed",
            "marks_page",
        ],
        "services.attendance.attendance_views": [
            "AttendanceEntry",
            "AttendancePage",
            "attendance_page",
        ],
        "services.timetable.timetable_reads": [
            "Slot",
            "TimetableDay",
            "TimetablePage",
            "family_timetable",
            "staff_timetable",
            "timetable_classes",
            "class_timetable_page",
        ],
    },
    "services.class_views": {
        "default": "services.people.class_teacher",
        "keep": [
            "ClassRef",
            "ensure_can_oversee_class",
            "class_sort_key",
            "overseen_classes",
            "TeacherRef",
            "find_teachers",
        ],
        "services.attendance.attendance_views": [
            "FAMILY_REASON_CODES",
            "MAX_WEEK_DAYS",
            "AbsenceLesson",
            "StudentDay",
            "absence_days",
        ],
        "services.marks.class_journal": [
            "JournalColumn",
            "JournalRow",
            "JournalGrid",
            "CODE_LETTERS",
            "SubjectRef",
            "ensure_can_read_class_journal",
            "class_subjects",
            "class_journal",
        ],
    },
    "services.admin_tools": {
        "default": "services.school.office_reads",
        "keep": [
            "ensure_admin",
            "ensure_office",
            "today_of",
            "Choice",
            "office_classes",
            "class_students",
        ],
        "services.people.user_cards": ["UserCard", "user_card"],
        "services.school.audit_trail": [
            "AUDIT_LIMIT",
            "AuditRow",
            "student_audit",
            "LessonTitle",
            "lesson_title",
            "lesson_audit",
        ],
        "services.notifications.dead_letters": [
            "DEAD_LIMIT",
            "DeadLetter",
            "dead_letters",
        ],
        "services.timetable.substitutions": [
            "TEACHING_ROLES",
            "LessonRow",
            "class_lessons_on",
            "substitute_candidates",
        ],
        "services.timetable.journal_control": [
            "CHECKS_LIMIT",
            "CheckRow",
            "recent_journal_checks",
        ],
        "services.reports.report_choices": [
            "report_classes",
            "report_periods",
            "report_months",
            "report_subjects",
        ],
    },
    "services.school_admin": {
        "default": "services.people.office_actor",
        "keep": [
            "SystemActor",
            "find_school",
            "cli_actor",
            "record",
            "account_id_of",
            "ensure_admin",
            "has_role",
        ],
        "services.school.school_year": [
            "current_year",
            "PeriodSpec",
            "HolidaySpec",
            "standard_quarters",
            "standard_holidays",
            "YearOpened",
            "open_year",
            "close_year",
            "archive_year",
            "is_archived_on",
        ],
        "services.people.enrolment": [
            "enrol_student",
            "withdraw_student",
            "transfer_student",
        ],
        "services.timetable.substitutions": ["set_substitution", "remove_substitution"],
        "services.timetable.control_works": [
            "DEFAULT_MAX_CONTROL_WORKS_PER_DAY",
            "ControlWorkResult",
            "control_works_on",
            "schedule_control_work",
            "agree_control_work",
            "schedule_control_work_at_lesson",
            "ControlWorkRow",
            "upcoming_control_works",
        ],
        "services.timetable.journal_control": [
            "add_journal_check",
            "journal_checks_for",
            "resolve_journal_check",
            "UnfilledLesson",
            "TeacherUnfilled",
            "unfilled_lessons",
        ],
    },
    "services.journal": {
        "default": "services.timetable.lesson_edits",
        "keep": [
            "LessonContext",
            "enrolled_on",
            "enrolled_query",
            "lesson_students",
            "LockFacts",
            "lock_fact_columns",
            "lock_facts",
            "ensure_unlocked",
            "unlock_lesson",
        ],
        "services.attendance.roll_call": [
            "AttendanceSaved",
            "save_attendance",
            "_apply_attendance",
            "Change",
        ],
        "services.attendance.absence_reasons": ["set_absence_reasons"],
        "services.marks.marking": [
            "MAX_COMMENT",
            "put_mark",
            "change_mark",
            "delete_mark",
            "_new_mark",
            "_check_new_marks",
            "_mark_alerts",
            "_check_value",
            "_check_weight",
            "_student_name",
            "_no_marks_in_first_grade",
        ],
        "services.timetable.lesson_record": ["LessonRecorded", "record_lesson"],
        "services.homework.topics": ["MAX_TOPIC", "set_topic"],
        "services.homework.assignments": ["MAX_HOMEWORK", "FileRef", "set_homework"],
    },
    "services.diary": {
        "default": "services.timetable.diary",
        "keep": ["MarkView", "HomeworkView", "LessonView", "DiaryDay", "student_diary"],
        "services.marks.mark_reads": [
            "SubjectMarks",
            "weighted_average",
            "suggest_mark",
            "marks_by_subject",
            "period_marks_by_subject",
            "SuggestedMark",
            "suggest_period_marks",
            "class_suggestions",
        ],
        "services.timetable.teacher_day": ["TeacherLesson", "teacher_lessons"],
        "services.timetable.timetable_reads": ["TimetableSlot", "class_timetable"],
        "services.timetable.lesson_sheet": [
            "SheetMark",
            "SheetStudent",
            "LessonLock",
            "LessonSheet",
            "lesson_sheet",
            "UNLOCK_ROLES",
            "head_homework",
            "homework_of",
            "sheet_of",
        ],
        "services.homework.topics": ["TopicChoice", "topic_suggestions"],
    },
    "services.notify": {
        "default": "services.notifications.prefs",
        "keep": ["Prefs", "get_prefs", "update_prefs", "set_reachable"],
        "services.attendance.absence_reasons": [
            "FAMILY_REASONS",
            "FamilyReasonSaved",
            "record_family_reason",
        ],
        "services.messages.broadcasts": [
            "MAX_NEWS_TEXT",
            "MAX_NEWS_CAPTION",
            "MAX_NEWS_TITLE",
            "ATTACHMENT_KINDS",
            "BroadcastAttachment",
            "broadcast_recipients",
            "broadcast_body",
            "create_broadcast",
            "BroadcastStats",
            "broadcast_stats",
            "acknowledge_news",
        ],
    },
}

# Duplicates dropped in favour of an equal definition elsewhere: (module, name) -> module whose
# definition of the same name is kept. The bodies must be equal (docstrings aside).
SAME_AS: dict[tuple[str, str], str] = {
    ("services.class_views", "week_of"): "services.family",
}

# The docstring of each new module made by a split.
TARGET_DOCS: dict[str, str] = {
    "services.people.roster": "Finding people to issue credentials to: a class teacher's class "
    "roster with families, the office's search.",
    "services.people.family": "Who a family member is acting for: the family's children, "
    "their school and the sections a trusted person may see.",
    "services.people.class_teacher": "A class teacher's classes and students, and finding "
    "teachers.",
    "services.people.user_cards": "The office's card of one user: roles, accounts, bindings.",
    "services.people.office_actor": "The office's actor and guards: the command line's actor, "
    "the admin check, the audit record of office use cases.",
    "services.people.enrolment": "Student movement: enrolment, withdrawal and transfer.",
    "services.school.school_days": "School days for a screen: the next and previous school "
    "day, weeks, the year's periods and the current one.",
    "services.school.school_year": "The school year's life cycle: open, close, archive.",
    "services.school.office_reads": "The office's pickers (classes, students) and its guards.",
    "services.school.audit_trail": "The audit trail as the office reads it: a student's and a "
    "lesson's history.",
    "services.timetable.diary": "A student's diary: the lessons of a day or a week with marks, "
    "homework and attendance, and the family's diary page.",
    "services.timetable.timetable_reads": "Timetables: a class's, a family's and a teacher's.",
    "services.timetable.teacher_day": "A teacher's lessons of a day.",
    "services.timetable.lesson_sheet": "The lesson sheet: one lesson with its students, "
    "attendance, marks, topic and homework, as the teacher edits it.",
    "services.timetable.lesson_edits": "The shell of every lesson edit: the lesson's context, "
    "its lock and unlock, the students on it, text rules.",
    "services.timetable.lesson_record": "Recording a whole lesson at once: attendance and marks "
    "in one transaction.",
    "services.timetable.substitutions": "Substitutions: a class's lessons of a day, candidates, "
    "setting and removing a substitute.",
    "services.timetable.control_works": "Control works: scheduling, the office's agreement, the "
    "limit per day.",
    "services.timetable.journal_control": "The deputy's control of the journal: checks and "
    "unfilled lessons.",
    "services.attendance.roll_call": "The roll call: saving attendance and the absence alerts it "
    "queues.",
    "services.attendance.absence_reasons": "Reasons of absences: from the class teacher and from "
    "the family's answer to an alert.",
    "services.attendance.attendance_views": "Attendance read models: the class teacher's absence "
    "days and the family's attendance page.",
    "services.marks.marking": "Marking a lesson: put, change and delete a mark, and the mark "
    "alerts.",
    "services.marks.mark_reads": "Marks read models: marks by subject, suggested period marks, "
    "the family's marks page.",
    "services.marks.class_journal": "The class journal grid: a subject's lessons by students.",
    "services.homework.topics": "A lesson's topic: setting it and suggestions from the plan.",
    "services.homework.assignments": "Homework: setting it on a lesson and the family's "
    "homework page.",
    "services.messages.broadcasts": "Broadcasts (news): recipients, creation, statistics, "
    "acknowledgement.",
    "services.notifications.prefs": "A person's alert settings and reachability (blocked, "
    "unblocked).",
    "services.notifications.dead_letters": "Alerts that could not be delivered, for the admin.",
    "services.reports.report_choices": "The choices offered before a report: classes, periods, "
    "months, subjects.",
}

# Exact text fix-ups in moved modules that locate files relative to themselves.
FIXUPS: dict[str, list[tuple[str, str]]] = {
    "services.tools.migrate": [
        ("Path(__file__).resolve().parent.parent", "Path(__file__).resolve().parents[2]")
    ],
}

# Folders never rewritten, and this script and its map (they name the old modules on purpose).
SKIP_PARTS = {".venv", "node_modules", ".git", "data", "build", ".mypy_cache", ".ruff_cache"}
SELF = {"scripts/move_domains.py", "docs/architecture-moves.md"}


class MoveError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"move_domains: {message}")


def docstring(text: str) -> str:
    lines = textwrap.wrap('"""' + text, 97)
    if len(lines[-1]) + 3 <= 100:
        return "\n".join(lines) + '"""'
    return "\n".join([*lines, '"""'])


def mod_path(root: Path, dotted: str) -> Path:
    return root / (dotted.replace(".", "/") + ".py")


def module_of(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


# --------------------------------------------------------------------------- splitting


@dataclass
class Piece:
    source: str
    name: str
    start: int  # 0-based first line (decorators, attached comments)
    end: int  # 0-based line after the last
    uses: set[str]
    node: ast.stmt | None = None


@dataclass
class Split:
    source: str
    text: str
    imports: list[str] = field(default_factory=list)
    pieces: dict[str, Piece] = field(default_factory=dict)
    # names the module imported (re-exported by accident): name -> origin module
    imported: dict[str, str] = field(default_factory=dict)


def top_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def used_names(node: ast.AST) -> set[str]:
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
    return out


def read_split(root: Path, source: str) -> Split:
    path = mod_path(root, source)
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    split = Split(source, text)
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring: each new module gets its own
        seg = "".join(lines[node.lineno - 1 : node.end_lineno])
        if isinstance(node, ast.Import | ast.ImportFrom):
            split.imports.append(seg.rstrip("\n"))
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    split.imported[a.asname or a.name] = node.module
            continue
        names = top_names(node)
        if len(names) != 1:
            raise MoveError(
                f"{source}:{node.lineno}: a top-level statement the script cannot place"
            )
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        name = names[0]
        if name in split.pieces:
            raise MoveError(f"{source}: {name} is defined twice")
        split.pieces[name] = Piece(
            source, name, start, node.end_lineno or node.lineno, set(), node=node
        )
    tops = set(split.pieces)
    for p in split.pieces.values():
        assert p.node is not None
        p.uses = (used_names(p.node) & tops) - {p.name}
    return split


def strip_doc(node: ast.AST) -> str:
    node = ast.parse(ast.unparse(node)).body[0]
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        node.body = body[1:]  # type: ignore[attr-defined]
    return ast.dump(node)


def place(splits: dict[str, Split], log: list[str]) -> dict[str, dict[str, str]]:
    """name -> target module, per split source."""
    placement: dict[str, dict[str, str]] = {}
    for source, spec in SPLITS.items():
        split = splits[source]
        default = spec["default"]
        assert isinstance(default, str)
        where: dict[str, str] = {}
        for target, names in spec.items():
            if target in ("default", "keep"):
                continue
            for name in names:
                if name not in split.pieces:
                    raise MoveError(f"{source}.{name} is in the map but not in the module")
                if name in where:
                    raise MoveError(f"{source}.{name} is mapped twice")
                where[name] = target
        for name in spec.get("keep", []):
            if name not in split.pieces:
                raise MoveError(f"{source}.{name} is in the map but not in the module")
            if name in where:
                raise MoveError(f"{source}.{name} is mapped twice")
            where[name] = default
        # private helpers and constants follow the pieces that use them
        changed = True
        while changed:
            changed = False
            for name in sorted(split.pieces):
                if name in where or not (name.startswith("_") or name.isupper()):
                    continue
                users = [p for p in split.pieces.values() if name in p.uses]
                if users and all(u.name in where for u in users):
                    targets = {where[u.name] for u in users}
                    where[name] = targets.pop() if len(targets) == 1 else default
                    changed = True
        for name in sorted(split.pieces):
            if name not in where:
                where[name] = default
                if not (name.startswith("_") or name.isupper()) and (source, name) not in SAME_AS:
                    log.append(f"note: {source}.{name} is not in the map: -> {default}")
        placement[source] = where
    for (source, name), keeper in SAME_AS.items():
        if name not in splits[source].pieces or name not in splits[keeper].pieces:
            raise MoveError(f"SAME_AS: {source}.{name} or {keeper}.{name} is missing")
        a, b = splits[source].pieces[name].node, splits[keeper].pieces[name].node
        assert a is not None and b is not None
        if strip_doc(a) != strip_doc(b):
            raise MoveError(f"{source}.{name} differs from {keeper}.{name}: cannot drop it")
        placement[source][name] = placement[keeper][name]
    return placement


def assemble(splits: dict[str, Split], placement: dict[str, dict[str, str]]) -> dict[str, str]:
    """The text of every new module."""
    bodies: dict[str, list[str]] = defaultdict(list)
    imports: dict[str, list[str]] = defaultdict(list)
    siblings: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    defined: dict[str, dict[str, str]] = defaultdict(dict)
    carried: dict[str, set[str]] = defaultdict(set)
    for source in SPLITS:
        split = splits[source]
        lines = split.text.splitlines(keepends=True)
        where = placement[source]
        dropped = {n for (s, n) in SAME_AS if s == source}
        for name, piece in sorted(split.pieces.items(), key=lambda kv: kv[1].start):
            target = where[name]
            if name in dropped:
                continue
            if name in defined[target]:
                raise MoveError(
                    f"{target} would define {name} twice ({defined[target][name]}, {source})"
                )
            defined[target][name] = source
            if source not in carried[target]:
                carried[target].add(source)
                imports[target].extend(split.imports)
            bodies[target].append("".join(lines[piece.start : piece.end]).rstrip("\n"))
            for used in piece.uses:
                if where[used] != target:
                    siblings[target][where[used]].add(used)
    out = {}
    for target in sorted(bodies):
        doc = TARGET_DOCS.get(target)
        if doc is None:
            raise MoveError(f"no docstring for {target}")
        head = [docstring(doc), "", "from __future__ import annotations", ""]
        imp = [i for i in imports[target]]
        for module, names in sorted(siblings[target].items()):
            imp.append(f"from {module} import {', '.join(sorted(names))}")
        out[target] = "\n".join(head + imp + ["", ""]) + "\n\n\n".join(bodies[target]) + "\n"
    return out


# --------------------------------------------------------------------------- rewriting


class Rewriter:
    def __init__(self, root: Path, placement: dict[str, dict[str, str]], splits: dict[str, Split]):
        self.root = root
        self.placement = placement
        self.splits = splits
        self.parents: set[str] = {m.rsplit(".", 1)[0] for m in [*MOVES, *SPLITS]}

    def target_of(self, source: str, name: str, where: str) -> tuple[str, str]:
        """(module, name) where ``source.name`` lives now."""
        target = self.placement[source].get(name)
        if target is not None:
            return target, name
        origin = self.splits[source].imported.get(name)
        if origin is not None:  # a name the split module had imported itself
            if origin in MOVES:
                return MOVES[origin], name
            if origin in SPLITS:
                return self.target_of(origin, name, where)
            return origin, name
        raise MoveError(f"{where}: imports {source}.{name}, which does not exist")

    def rewrite_py(self, path: Path, text: str) -> str:
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            print(f"warning: {path}: not parsed ({exc}); text rewriting only")
            return text
        own = module_of(self.root, path)
        raw = text.encode("utf-8")
        starts = [0]
        for line in raw.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))

        def off(line: int, col: int) -> int:
            return starts[line - 1] + col

        edits: list[tuple[int, int, str]] = []
        # split modules imported as modules: alias -> source
        mod_alias: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in MOVES or a.name in SPLITS:
                        raise MoveError(f"{path}:{node.lineno}: `import {a.name}` is not handled")
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in self.parents:
                for a in node.names:
                    if f"{node.module}.{a.name}" in SPLITS:
                        mod_alias[a.asname or a.name] = f"{node.module}.{a.name}"
        taken = self._identifiers(tree, set(mod_alias))
        local_of: dict[str, str] = {}  # new module -> the local name it is imported as
        per_alias: dict[str, set[str]] = defaultdict(set)  # split alias -> new modules

        def local_name(module: str) -> str:
            if module in local_of:
                return local_of[module]
            base = module.rsplit(".", 1)[1]
            if base in taken or base in local_of.values():
                base = module.split(".")[1] + "_" + base
                if base in taken or base in local_of.values():
                    raise MoveError(f"{path}: no free name for {module}")
            local_of[module] = base
            return base

        uses: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                source = mod_alias.get(node.value.id)
                if source is None:
                    continue
                module, name = self.target_of(source, node.attr, f"{path}:{node.lineno}")
                uses.add(id(node.value))
                if module == own:
                    edits.append(
                        (
                            off(node.value.lineno, node.value.col_offset),
                            off(node.end_lineno or 0, node.end_col_offset or 0),
                            name,
                        )
                    )
                    continue
                per_alias[node.value.id].add(module)
                edits.append(
                    (
                        off(node.value.lineno, node.value.col_offset),
                        off(node.value.end_lineno or 0, node.value.end_col_offset or 0),
                        local_name(module),
                    )
                )
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in mod_alias
                and id(node) not in uses
            ):
                raise MoveError(f"{path}:{node.lineno}: {node.id} is used as a module object")
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                continue
            new = self._import_from(path, own, node, per_alias, local_of)
            if new is None:
                continue
            line_start = starts[node.lineno - 1]
            prefix = raw[line_start : off(node.lineno, node.col_offset)].decode()
            if prefix.strip():
                raise MoveError(f"{path}:{node.lineno}: an import that does not start its line")
            end = off(node.end_lineno or 0, node.end_col_offset or 0)
            body = ("\n" + prefix).join(new) if new else "pass"
            edits.append((off(node.lineno, node.col_offset), end, body))
        if not edits:
            return text
        edits.sort()
        for (_, a1, _), (b0, _, _) in itertools.pairwise(edits):
            if b0 < a1:
                raise MoveError(f"{path}: overlapping rewrites at byte {b0}")
        out = raw
        for start, end, new_text in reversed(edits):
            out = out[:start] + new_text.encode("utf-8") + out[end:]
        return out.decode("utf-8")

    def _identifiers(self, tree: ast.AST, skip: set[str]) -> set[str]:
        out: set[str] = set()
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id not in skip:
                out.add(n.id)
            elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.add(n.name)
            elif isinstance(n, ast.arg):
                out.add(n.arg)
            elif isinstance(n, ast.alias):
                name = (n.asname or n.name).split(".")[0]
                if name not in skip:
                    out.add(name)
        return out

    def _import_from(
        self,
        path: Path,
        own: str,
        node: ast.ImportFrom,
        per_alias: dict[str, set[str]],
        local_of: dict[str, str],
    ) -> list[str] | None:
        module = node.module
        assert module is not None
        groups: dict[str, list[str]] = defaultdict(list)
        changed = False
        for a in node.names:
            if a.name == "*":
                if module in MOVES or module in SPLITS:
                    raise MoveError(f"{path}:{node.lineno}: star import of {module}")
                return None
            spelled = a.name if a.asname is None else f"{a.name} as {a.asname}"
            if module in MOVES:
                groups[MOVES[module]].append(spelled)
                changed = True
            elif module in SPLITS:
                target, name = self.target_of(module, a.name, f"{path}:{node.lineno}")
                changed = True
                if target == own:
                    if a.asname not in (None, a.name):
                        raise MoveError(f"{path}:{node.lineno}: self-import under another name")
                    continue
                groups[target].append(name if a.asname is None else f"{name} as {a.asname}")
            elif module in self.parents and f"{module}.{a.name}" in MOVES:
                new = MOVES[f"{module}.{a.name}"]
                parent, base = new.rsplit(".", 1)
                assert base == a.name
                groups[parent].append(spelled)
                changed = True
            elif module in self.parents and f"{module}.{a.name}" in SPLITS:
                changed = True  # replaced by the modules its attributes moved to
            else:
                groups[module].append(spelled)
        if not changed:
            return None
        lines = [f"from {m} import {', '.join(names)}" for m, names in groups.items() if names]
        if module in self.parents:
            wanted: set[str] = set()
            for a in node.names:
                if f"{module}.{a.name}" in SPLITS:
                    wanted |= per_alias.get(a.asname or a.name, set())
            for new_module in sorted(wanted):
                parent, base = new_module.rsplit(".", 1)
                local = local_of[new_module]
                lines.append(
                    f"from {parent} import {base}" + ("" if local == base else f" as {local}")
                )
        return lines


# --------------------------------------------------------------------------- text references


def text_rules(
    placement: dict[str, dict[str, str]],
) -> list[tuple[re.Pattern[str], object]]:
    rules: list[tuple[re.Pattern[str], object]] = []
    for old in sorted([*MOVES, *SPLITS], key=len, reverse=True):
        old_path = old.replace(".", "/") + ".py"
        if old in MOVES:
            new = MOVES[old]
            rules.append((re.compile(rf"(?<![\w./]){re.escape(old)}(?!\w)"), new))
            rules.append(
                (
                    re.compile(rf"(?<![\w./]){re.escape(old_path)}"),
                    new.replace(".", "/") + ".py",
                )
            )
        else:
            where = placement[old]

            def dotted(m: re.Match[str], where: dict[str, str] = where, old: str = old) -> str:
                name = m.group(1)
                return f"{where[name]}.{name}" if name in where else m.group(0)

            rules.append((re.compile(rf"(?<![\w./]){re.escape(old)}\.(\w+)"), dotted))
            targets = set(where.values())
            if len(targets) == 1:
                (only,) = targets
                rules.append(
                    (
                        re.compile(rf"(?<![\w./]){re.escape(old_path)}"),
                        only.replace(".", "/") + ".py",
                    )
                )

    # `from services import charts` inside strings (subprocess probes)
    def from_parent(m: re.Match[str]) -> str:
        parent, names = m.group(1), [n.strip() for n in m.group(2).split(",")]
        news = {MOVES.get(f"{parent}.{n}", "") for n in names}
        if "" in news or len({n.rsplit(".", 1)[0] for n in news}) != 1:
            return m.group(0)
        return f"from {next(iter(news)).rsplit('.', 1)[0]} import {m.group(2)}"

    rules.append(
        (
            re.compile(r"\bfrom (services|notifications) import (\w+(?:, \w+)*)"),
            from_parent,
        )
    )
    return rules


def rewrite_text(text: str, rules: list[tuple[re.Pattern[str], object]]) -> str:
    for pattern, repl in rules:
        text = pattern.sub(repl, text)  # type: ignore[call-overload]
    return text


def wrap_long_lines(root: Path, ruff: str, files: list[str]) -> None:
    """Longer module names can push a docstring or comment line past 100 characters: break
    such lines at a space (never a line of code or of an ordinary string)."""
    done = subprocess.run(
        [ruff, "check", "--select", "E501", "--output-format", "json", "--no-cache", *files],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    by_file: dict[str, set[int]] = defaultdict(set)
    for item in json.loads(done.stdout or "[]"):
        by_file[item["filename"]].add(item["location"]["row"])
    for filename, rows in by_file.items():
        path = Path(filename)
        text = path.read_text(encoding="utf-8")
        prose: set[int] = set()
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                prose.add(tok.start[0])
            elif tok.type == tokenize.STRING and tok.string.lstrip("rbuRBU").startswith(
                ('"""', "'''")
            ):
                prose.update(range(tok.start[0], tok.end[0] + 1))
        lines = text.split("\n")
        for row in sorted(rows, reverse=True):
            line = lines[row - 1]
            if row not in prose:
                print(f"warning: {path.relative_to(root)}:{row}: a long line left as it is")
                continue
            body = line.lstrip()
            indent = line[: len(line) - len(body)]
            lead = indent
            if body.startswith("#"):
                lead = indent + "# "
            elif body.startswith(("* ", "- ")):
                lead = indent + "  "
            cut = line.rfind(" ", len(lead) + 1, 101)
            if cut <= len(indent):
                print(f"warning: {path.relative_to(root)}:{row}: a long line left as it is")
                continue
            rest = line[cut + 1 :]
            after = lines[row] if row < len(lines) else ""
            nxt = after.lstrip()
            same = after[: len(after) - len(nxt)] == lead and row + 1 in prose
            if same and nxt and not nxt.startswith(("* ", "- ", '"""')):
                joined = f"{lead}{rest} {nxt}"
                if len(joined) <= 100:
                    lines[row - 1 : row + 1] = [line[:cut], joined]
                    continue
            lines[row - 1 : row] = [line[:cut], lead + rest]
        path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- driver


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def tree_files(root: Path) -> list[Path]:
    out = git(root, "ls-files", "-co", "--exclude-standard").splitlines()
    return sorted(
        root / f
        for f in out
        if not SKIP_PARTS.intersection(Path(f).parts) and f not in SELF and (root / f).is_file()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--dry-run", action="store_true", help="check the map, change nothing")
    parser.add_argument("--ruff", default=str(Path(sys.executable).parent / "ruff"))
    parser.add_argument(
        "--allow-dirty", action="store_true", help="run although tracked files have changes"
    )
    args = parser.parse_args()
    root: Path = args.root.resolve()
    started = time.monotonic()
    log: list[str] = []

    # 1. check everything before changing anything
    for old, new in MOVES.items():
        if not mod_path(root, old).exists():
            raise MoveError(f"{old} is missing (already moved?)")
        if mod_path(root, new).exists():
            raise MoveError(f"{new} exists already")
    for old in SPLITS:
        if not mod_path(root, old).exists():
            raise MoveError(f"{old} is missing (already moved?)")
    splits = {old: read_split(root, old) for old in SPLITS}
    placement = place(splits, log)
    new_modules = assemble(splits, placement)
    for target in new_modules:
        if mod_path(root, target).exists():
            raise MoveError(f"{target} exists already")
    for line in log:
        print(line)
    if not args.dry_run and not args.allow_dirty:
        dirty = git(root, "status", "--porcelain", "--untracked-files=no").strip()
        if dirty:
            raise MoveError(
                "tracked files have changes (the move stages what it touches):\n" + dirty
            )
    if args.dry_run:
        for source, where in placement.items():
            for name, target in sorted(where.items(), key=lambda kv: (kv[1], kv[0])):
                print(f"{source}.{name} -> {target}")
        return 0

    # 2. packages and whole modules
    touched: set[Path] = set()
    other_files: set[Path] = set()
    for package, doc in PACKAGES.items():
        init = mod_path(root, package).with_suffix("") / "__init__.py"
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text(docstring(doc) + "\n", encoding="utf-8")
            git(root, "add", str(init))
            touched.add(init)
    for old, new in MOVES.items():
        git(root, "mv", str(mod_path(root, old)), str(mod_path(root, new)))
        touched.add(mod_path(root, new))
        print(f"moved {old} -> {new}")
    for module, fixes in FIXUPS.items():
        path = mod_path(root, module)
        text = path.read_text(encoding="utf-8")
        for old_text, new_text in fixes:
            if old_text not in text:
                raise MoveError(f"{module}: fix-up text not found: {old_text}")
            text = text.replace(old_text, new_text)
        path.write_text(text, encoding="utf-8")

    # 3. split modules
    for source in SPLITS:
        git(root, "rm", "-q", str(mod_path(root, source)))
    for target, text in new_modules.items():
        path = mod_path(root, target)
        path.write_text(text, encoding="utf-8")
        git(root, "add", str(path))
        touched.add(path)
    for source, where in placement.items():
        by_target: dict[str, list[str]] = defaultdict(list)
        for name, target in where.items():
            by_target[target].append(name)
        for target, names in sorted(by_target.items()):
            print(f"split {source} -> {target}: {len(names)} names")

    # 4. every import and reference in the tree
    rewriter = Rewriter(root, placement, splits)
    rules = text_rules(placement)
    rewritten = 0
    for path in tree_files(root):
        if path.suffix not in (".py", ".md", ""):  # locale files (.toml) are user text: left
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewriter.rewrite_py(path, text) if path.suffix == ".py" else text
        new = rewrite_text(new, rules)
        if new != text:
            path.write_text(new, encoding="utf-8")
            rewritten += 1
            if path.suffix == ".py":
                touched.add(path)
            else:
                other_files.add(path)
    print(f"rewrote references in {rewritten} files")
    left = []
    for path in tree_files(root):
        if path.suffix in (".py", ".md"):
            text = path.read_text(encoding="utf-8")
            for old in SPLITS:
                if old in PACKAGES:
                    continue  # the old module's name is the new package's
                for found in re.finditer(rf"(?<![\w./]){re.escape(old)}(?![\w.])", text):
                    at = text.count("\n", 0, found.start()) + 1
                    left.append(f"{path.relative_to(root)}:{at}: {old}")
    old_paths = [m.replace(".", "/") + ".py" for m in [*MOVES, *SPLITS]]
    split_paths = [m.replace(".", "/") + ".py" for m in SPLITS]
    for path in tree_files(root):
        if path.suffix in (".toml", ".md", ".py"):
            text = path.read_text(encoding="utf-8")
            for old_path in old_paths if path.suffix == ".toml" else split_paths:
                for found in re.finditer(rf"(?<![\w./]){re.escape(old_path)}", text):
                    at = text.count("\n", 0, found.start()) + 1
                    left.append(f"{path.relative_to(root)}:{at}: {old_path}")
    if left:
        print(f"left as they were ({len(left)}: split modules named as a whole, locale comments):")
        for item in left:
            print(f"  {item}")

    # 5. tidy and prove
    files = sorted(str(p.relative_to(root)) for p in touched if p.exists())
    subprocess.run(
        [args.ruff, "check", "--fix", "--select", "F401,I", "--no-cache", "-q", *files],
        cwd=root,
        check=False,
    )
    subprocess.run([args.ruff, "format", "-q", "--no-cache", *files], cwd=root, check=True)
    wrap_long_lines(root, args.ruff, files)
    tracked = set(git(root, "ls-files", "-c").splitlines())
    files += sorted(str(p.relative_to(root)) for p in other_files)
    untracked = [f for f in files if f not in tracked]
    if untracked:
        print(f"rewrote {len(untracked)} untracked files, not staged: {' '.join(untracked)}")
    git(root, "add", *[f for f in files if f in tracked])
    probe = (
        "import importlib, pkgutil, services, notifications\n"
        "for pkg in (services, notifications):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        print(done.stderr)
        raise MoveError("a module does not import after the move (a cycle?)")
    print(f"formatted {len(files)} files; every module imports; {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
