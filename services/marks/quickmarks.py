"""The one-message marks parser: a whole lesson typed at once (pure: no database, no I/O).

    Иванов 5, Петрова 4 кр, Сидоров н
    кр: Иванов 5, Петрова 4, Смирнова Е 3 дз

Syntax (docs/quick-marks.md):

- items are separated by commas, semicolons or new lines;
- an item is a surname (or its beginning), optionally a first-name initial, then one or more
  marks 1-5, each optionally followed by a kind of work (``5 кр`` or ``5кр``); ``н`` marks the
  student absent, ``оп`` late;
- ``кр:`` (any kind followed by a colon) at the start of the text or of a line sets the kind of
  work for every mark after it that has none of its own; without it the lesson's default is used.

Surnames are matched case-insensitively, ``ё`` as ``е``: an exact surname first, then a unique
beginning, then a surname with one typo (two for long names). Several candidates make the item
ambiguous: the front end asks which student was meant (:func:`resolve`). Nothing is saved here:
the result is a preview that the teacher confirms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from services.enums import AttendanceCode, WorkKind

MAX_TEXT = 4000
MAX_ITEMS = 80

KIND_WORDS: dict[str, WorkKind] = {
    **dict.fromkeys(("отв", "ответ", "уо", "устно", "answer", "oral"), WorkKind.ANSWER),
    **dict.fromkeys(("ур", "урок", "рнп", "раб", "работа", "cw", "classwork"), WorkKind.CLASSWORK),
    **dict.fromkeys(("дз", "дом", "домашняя", "hw", "homework"), WorkKind.HOMEWORK),
    **dict.fromkeys(("ср", "сам", "тест", "test", "quiz"), WorkKind.TEST),
    **dict.fromkeys(("кр", "контр", "контрольная", "control", "exam"), WorkKind.CONTROL),
    **dict.fromkeys(("лр", "пр", "лаб", "практ", "lab"), WorkKind.LAB),
    **dict.fromkeys(("соч", "сочинение", "изл", "изложение", "essay"), WorkKind.ESSAY),
    **dict.fromkeys(("дикт", "диктант", "dict", "dictation"), WorkKind.DICTATION),
    **dict.fromkeys(("проект", "project"), WorkKind.PROJECT),
}
# The abbreviation shown for each kind (the first Russian word above).
KIND_SHORT: dict[WorkKind, str] = {
    WorkKind.ANSWER: "отв",
    WorkKind.CLASSWORK: "ур",
    WorkKind.HOMEWORK: "дз",
    WorkKind.TEST: "ср",
    WorkKind.CONTROL: "кр",
    WorkKind.LAB: "лр",
    WorkKind.ESSAY: "соч",
    WorkKind.DICTATION: "дикт",
    WorkKind.PROJECT: "проект",
}
ABSENCE_WORDS: dict[str, AttendanceCode] = {
    **dict.fromkeys(("н", "нб", "отс", "abs", "n"), AttendanceCode.ABSENT),
    **dict.fromkeys(("оп", "опоздал", "опоздала", "late"), AttendanceCode.LATE),
}

# Attendance codes of a student who was not in the lesson (late is present).
NOT_PRESENT = frozenset({AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED})

_SPLIT_ITEMS = re.compile(r"[,;\n]+")
_MARK = re.compile(r"^([1-5])([^\d\s].*)?$")
_INITIAL = re.compile(r"^[^\W\d_]\.?$")
_INITIAL_DOT = re.compile(r"^[^\W\d_]{1,3}\.$")
_KIND_HEADER = re.compile(r"^\s*([^\W\d_]+)\s*:\s*")


class Problem(StrEnum):
    UNKNOWN = "unknown"  # no student matches the name
    AMBIGUOUS = "ambiguous"  # several students match; ask which
    NO_MARK = "no_mark"  # a name without a mark or "н"
    BAD_TOKEN = "bad_token"  # something that is neither a mark, a kind nor "н"
    NO_NAME = "no_name"  # marks without a name
    TOO_MANY = "too_many"  # more marks for the student than the school allows in one lesson


@dataclass(frozen=True)
class Student:
    id: int
    last_name: str
    first_name: str


@dataclass(frozen=True)
class QuickMark:
    value: int
    work_kind: WorkKind


@dataclass(frozen=True)
class QuickItem:
    raw: str
    name: str
    student_id: int | None = None
    candidates: tuple[int, ...] = ()
    marks: tuple[QuickMark, ...] = ()
    absence: AttendanceCode | None = None
    problem: Problem | None = None
    bad_token: str | None = None
    typo: bool = False  # matched despite a typo: the preview says so
    for_absent: bool = False  # marks for a student marked absent: saved only if confirmed

    @property
    def ok(self) -> bool:
        return self.problem is None and self.student_id is not None


@dataclass(frozen=True)
class QuickParse:
    items: tuple[QuickItem, ...]
    default_kind: WorkKind

    @property
    def ok_items(self) -> list[QuickItem]:
        return [i for i in self.items if i.ok]

    @property
    def problems(self) -> list[QuickItem]:
        return [i for i in self.items if not i.ok]

    @property
    def ambiguous(self) -> list[tuple[int, QuickItem]]:
        return [(n, i) for n, i in enumerate(self.items) if i.problem == Problem.AMBIGUOUS]

    def marks(self) -> list[tuple[int, int, WorkKind]]:
        """``(student_id, value, work_kind)`` of every recognised mark, in the typed order."""
        return [
            (i.student_id, m.value, m.work_kind)
            for i in self.ok_items
            if i.student_id is not None
            for m in i.marks
        ]

    @property
    def for_absent(self) -> list[QuickItem]:
        """Items with marks for students marked absent in the lesson (or in this message)."""
        return [i for i in self.ok_items if i.for_absent and i.marks]

    def absences(self) -> dict[int, AttendanceCode]:
        return {
            i.student_id: i.absence
            for i in self.ok_items
            if i.student_id is not None and i.absence is not None
        }


def normalize(word: str) -> str:
    return word.strip().lower().replace("ё", "е").strip(".")


def distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[len(b)], limit)


def _typo_budget(token: str) -> int:
    if len(token) < 4:
        return 0
    return 1 if len(token) <= 6 else 2


def match_name(
    roster: Sequence[Student], surname: str, initial: str | None = None
) -> tuple[tuple[int, ...], bool]:
    """Ids of the students the typed name may mean, and whether a typo was forgiven."""
    token = normalize(surname)
    if not token:
        return (), False
    init = normalize(initial) if initial else None

    def by_initial(cands: Iterable[Student]) -> list[Student]:
        found = list(cands)
        if init:
            found = [s for s in found if normalize(s.first_name).startswith(init)]
        return found

    exact = by_initial(s for s in roster if normalize(s.last_name) == token)
    if exact:
        return tuple(s.id for s in exact), False
    prefix = by_initial(s for s in roster if normalize(s.last_name).startswith(token))
    if prefix:
        return tuple(s.id for s in prefix), False
    budget = _typo_budget(token)
    if not budget:
        return (), False
    scored: list[tuple[int, Student]] = []
    for s in by_initial(roster):
        last = normalize(s.last_name)
        d = min(distance(token, last), distance(token, last[: len(token)]))
        if d <= budget:
            scored.append((d, s))
    if not scored:
        return (), False
    best = min(d for d, _ in scored)
    return tuple(s.id for d, s in scored if d == best), True


def _kind(word: str) -> WorkKind | None:
    return KIND_WORDS.get(normalize(word))


def _parse_item(raw: str, roster: Sequence[Student], default_kind: WorkKind) -> QuickItem | None:
    tokens = raw.split()
    if not tokens:
        return None
    name = tokens[0]
    rest = tokens[1:]
    if _MARK.match(name) or normalize(name) in ABSENCE_WORDS:
        return QuickItem(raw=raw.strip(), name="", problem=Problem.NO_NAME)
    initial: str | None = None
    # "Иванова Н 5": a short word before more tokens is an initial, not "н" (absent).
    if (
        len(rest) >= 2
        and _INITIAL.match(rest[0])
        and _kind(rest[0]) is None
        and not _MARK.match(rest[0])
    ) or (rest and _INITIAL_DOT.match(rest[0]) and _kind(rest[0]) is None):
        initial, rest = rest[0], rest[1:]

    values: list[tuple[int, WorkKind | None]] = []
    pending_kind: WorkKind | None = None
    absence: AttendanceCode | None = None
    bad: str | None = None
    for token in rest:
        word = normalize(token)
        m = _MARK.match(token)
        if m:
            kind = pending_kind
            pending_kind = None
            if m.group(2):
                kind = _kind(m.group(2))
                if kind is None:
                    bad = bad or token
                    continue
            values.append((int(m.group(1)), kind))
        elif word in ABSENCE_WORDS:
            absence = ABSENCE_WORDS[word]
        elif _kind(token) is not None:
            kind = _kind(token)
            if values and values[-1][1] is None:
                values[-1] = (values[-1][0], kind)
            else:
                pending_kind = kind
        else:
            bad = bad or token
    marks = tuple(QuickMark(v, k or default_kind) for v, k in values)
    candidates, typo = match_name(roster, name, initial)
    shown = f"{name} {initial}" if initial else name
    item = QuickItem(raw=raw.strip(), name=shown, marks=marks, absence=absence, typo=typo)
    if bad is not None:
        return replace(item, problem=Problem.BAD_TOKEN, bad_token=bad)
    if not marks and absence is None:
        return replace(item, problem=Problem.NO_MARK)
    if not candidates:
        return replace(item, problem=Problem.UNKNOWN)
    if len(candidates) > 1:
        return replace(item, problem=Problem.AMBIGUOUS, candidates=candidates)
    return replace(item, student_id=candidates[0])


def parse(
    text: str, roster: Sequence[Student], default_kind: WorkKind = WorkKind.ANSWER
) -> QuickParse:
    """Parse a typed lesson against the lesson's roster."""
    text = text[:MAX_TEXT]
    items: list[QuickItem] = []
    kind = default_kind
    first_kind: WorkKind | None = None
    for line in text.splitlines():
        header = _KIND_HEADER.match(line)
        if header and _kind(header.group(1)) is not None:
            kind = _kind(header.group(1)) or kind
            first_kind = first_kind or kind
            line = line[header.end() :]
        for raw in _SPLIT_ITEMS.split(line):
            item = _parse_item(raw, roster, kind)
            if item is not None:
                items.append(item)
            if len(items) >= MAX_ITEMS:
                break
    return QuickParse(items=tuple(items), default_kind=first_kind or default_kind)


def resolve(parsed: QuickParse, index: int, student_id: int) -> QuickParse:
    """The teacher picked ``student_id`` for the ambiguous item ``index``."""
    item = parsed.items[index]
    if item.problem != Problem.AMBIGUOUS or student_id not in item.candidates:
        raise ValueError("not a candidate of an ambiguous item")
    items = list(parsed.items)
    items[index] = replace(item, student_id=student_id, candidates=(), problem=None)
    return replace(parsed, items=tuple(items))


def check_limits(
    parsed: QuickParse,
    *,
    existing: Mapping[int, int],
    codes: Mapping[int, AttendanceCode | None],
    limit: int,
) -> QuickParse:
    """The lesson's limits applied to a parse (again after each :func:`resolve`).

    ``existing``: marks each student already has in the lesson; ``codes``: their saved
    attendance. An item that would take a student over ``limit`` marks in the lesson becomes
    a problem (:attr:`Problem.TOO_MANY`, skipped); marks for a student absent in the lesson
    (saved, or "н" in this very message) are flagged ``for_absent``, to be confirmed.
    """
    merged = dict(codes)
    merged.update(parsed.absences())
    absent = {sid for sid, code in merged.items() if code in NOT_PRESENT}
    counts: Counter[int] = Counter({sid: n for sid, n in existing.items()})
    items = []
    for item in parsed.items:
        if item.problem == Problem.TOO_MANY:
            item = replace(item, problem=None)
        item = replace(item, for_absent=False)
        sid = item.student_id
        if item.ok and sid is not None and item.marks:
            if counts[sid] + len(item.marks) > limit:
                item = replace(item, problem=Problem.TOO_MANY)
            else:
                counts[sid] += len(item.marks)
                item = replace(item, for_absent=sid in absent)
        items.append(item)
    return replace(parsed, items=tuple(items))


# --------------------------------------------------------------------------- state round-trip


def dump(parsed: QuickParse) -> dict[str, object]:
    """A JSON-able form for the FSM storage (Redis)."""
    return {
        "default_kind": parsed.default_kind.value,
        "items": [
            {
                "raw": i.raw,
                "name": i.name,
                "student_id": i.student_id,
                "candidates": list(i.candidates),
                "marks": [[m.value, m.work_kind.value] for m in i.marks],
                "absence": i.absence.value if i.absence else None,
                "problem": i.problem.value if i.problem else None,
                "bad_token": i.bad_token,
                "typo": i.typo,
                "for_absent": i.for_absent,
            }
            for i in parsed.items
        ],
    }


def load(data: dict[str, object]) -> QuickParse:
    raw_items = data.get("items")
    assert isinstance(raw_items, list)
    items = []
    for d in raw_items:
        items.append(
            QuickItem(
                raw=str(d["raw"]),
                name=str(d["name"]),
                student_id=d["student_id"],
                candidates=tuple(d["candidates"]),
                marks=tuple(QuickMark(int(v), WorkKind(k)) for v, k in d["marks"]),
                absence=AttendanceCode(d["absence"]) if d["absence"] else None,
                problem=Problem(d["problem"]) if d["problem"] else None,
                bad_token=d["bad_token"],
                typo=bool(d["typo"]),
                for_absent=bool(d.get("for_absent", False)),
            )
        )
    return QuickParse(items=tuple(items), default_kind=WorkKind(str(data["default_kind"])))
