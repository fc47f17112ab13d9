"""The one-message marks parser (pure)."""

from __future__ import annotations

import pytest

from services.enums import AttendanceCode, WorkKind
from services.marks.quickmarks import (
    Problem,
    Student,
    check_limits,
    distance,
    dump,
    load,
    match_name,
    parse,
    resolve,
)

ROSTER = [
    Student(1, "Иванов", "Пётр"),
    Student(2, "Петрова", "Анна"),
    Student(3, "Сидоров", "Олег"),
    Student(4, "Иванова", "Нина"),
    Student(5, "Смирнова", "Ева"),
    Student(6, "Фёдоров", "Глеб"),
    Student(7, "Кузнецова", "Мария"),
    Student(8, "Кузнецова", "Дарья"),
]


def marks_of(text: str, default: WorkKind = WorkKind.ANSWER) -> list[tuple[int, int, WorkKind]]:
    return parse(text, ROSTER, default).marks()


def test_the_issue_example() -> None:
    p = parse("Иванов 5, Петрова 4 кр, Сидоров н", ROSTER)
    assert p.marks() == [(1, 5, WorkKind.ANSWER), (2, 4, WorkKind.CONTROL)]
    assert p.absences() == {3: AttendanceCode.ABSENT}
    assert p.problems == []


def test_default_kind_is_the_lessons() -> None:
    assert marks_of("Иванов 5", WorkKind.TEST) == [(1, 5, WorkKind.TEST)]


def test_kind_for_all_at_the_start() -> None:
    p = parse("кр: Иванов 5, Петрова 4 дз, Сидоров 3", ROSTER)
    assert p.marks() == [
        (1, 5, WorkKind.CONTROL),
        (2, 4, WorkKind.HOMEWORK),
        (3, 3, WorkKind.CONTROL),
    ]
    assert p.default_kind == WorkKind.CONTROL


def test_kind_header_per_line() -> None:
    p = parse("кр: Иванов 5\nдз: Петрова 4\nСидоров 3", ROSTER)
    assert p.marks() == [
        (1, 5, WorkKind.CONTROL),
        (2, 4, WorkKind.HOMEWORK),
        (3, 3, WorkKind.HOMEWORK),
    ]


def test_kind_glued_to_the_mark_and_several_marks() -> None:
    assert marks_of("Петрова 4 5дз") == [(2, 4, WorkKind.ANSWER), (2, 5, WorkKind.HOMEWORK)]
    assert marks_of("Петрова 5кр 4") == [(2, 5, WorkKind.CONTROL), (2, 4, WorkKind.ANSWER)]
    assert marks_of("Петрова кр 5") == [(2, 5, WorkKind.CONTROL)]


def test_separators_semicolons_and_new_lines() -> None:
    p = parse("Иванов 5; Петрова 4\nСидоров 3,,  ,", ROSTER)
    assert [m[0] for m in p.marks()] == [1, 2, 3]
    assert p.problems == []


def test_exact_surname_wins_over_a_longer_one() -> None:
    assert marks_of("Иванов 5") == [(1, 5, WorkKind.ANSWER)]
    assert marks_of("иванова 5") == [(4, 5, WorkKind.ANSWER)]


def test_prefix_match() -> None:
    assert marks_of("Пет 4, сид 3, Смир 5") == [
        (2, 4, WorkKind.ANSWER),
        (3, 3, WorkKind.ANSWER),
        (5, 5, WorkKind.ANSWER),
    ]


def test_yo_is_e() -> None:
    assert marks_of("Федоров 5") == [(6, 5, WorkKind.ANSWER)]
    assert marks_of("фёд 4") == [(6, 4, WorkKind.ANSWER)]


def test_ambiguous_prefix_asks() -> None:
    p = parse("Ив 3", ROSTER)
    (item,) = p.items
    assert item.problem == Problem.AMBIGUOUS
    assert set(item.candidates) == {1, 4}
    assert p.marks() == []
    resolved = resolve(p, 0, 4)
    assert resolved.marks() == [(4, 3, WorkKind.ANSWER)]
    with pytest.raises(ValueError):
        resolve(p, 0, 2)


def test_same_surname_needs_an_initial() -> None:
    p = parse("Кузнецова 5", ROSTER)
    assert p.items[0].problem == Problem.AMBIGUOUS
    assert marks_of("Кузнецова Д 5, Кузнецова М. 4") == [
        (8, 5, WorkKind.ANSWER),
        (7, 4, WorkKind.ANSWER),
    ]


def test_initial_h_is_not_absent_when_a_mark_follows() -> None:
    p = parse("Иванова Н 5, Иванова н", ROSTER)
    assert p.marks() == [(4, 5, WorkKind.ANSWER)]
    assert p.absences() == {4: AttendanceCode.ABSENT}


def test_late() -> None:
    assert parse("Сидоров оп", ROSTER).absences() == {3: AttendanceCode.LATE}


def test_typo_forgiven_and_flagged() -> None:
    p = parse("Сидрров 3, Смирнва 5, Петорва 4", ROSTER)
    assert p.marks() == [
        (3, 3, WorkKind.ANSWER),
        (5, 5, WorkKind.ANSWER),
        (2, 4, WorkKind.ANSWER),
    ]
    assert all(i.typo for i in p.items)


def test_short_tokens_get_no_typo_tolerance() -> None:
    p = parse("Ывн 5", ROSTER)
    assert p.items[0].problem == Problem.UNKNOWN


def test_unknown_name() -> None:
    p = parse("Кузьмин 5, Иванов 4", ROSTER)
    assert p.items[0].problem == Problem.UNKNOWN
    assert p.marks() == [(1, 4, WorkKind.ANSWER)]


def test_problems() -> None:
    p = parse("Сидоров хорошо, Петрова, 5 4, Иванов 7", ROSTER)
    assert [i.problem for i in p.items] == [
        Problem.BAD_TOKEN,
        Problem.NO_MARK,
        Problem.NO_NAME,
        Problem.BAD_TOKEN,
    ]
    assert p.items[0].bad_token == "хорошо"
    assert p.items[3].bad_token == "7"
    assert p.marks() == [] and p.absences() == {}


def test_glued_unknown_kind_is_a_problem() -> None:
    assert parse("Иванов 5хз", ROSTER).items[0].problem == Problem.BAD_TOKEN


def test_empty_text() -> None:
    p = parse("  \n , ", ROSTER)
    assert p.items == ()


def test_distance() -> None:
    assert distance("иванов", "иванов") == 0
    assert distance("ивнаов", "иванов") == 1  # transposition
    assert distance("иванв", "иванов") == 1
    assert distance("а", "иванов") == 3  # capped


def test_match_name_direct() -> None:
    assert match_name(ROSTER, "") == ((), False)
    assert match_name(ROSTER, "Смирнова", "Е") == ((5,), False)
    assert match_name(ROSTER, "Смирнова", "Ж") == ((), False)


def test_dump_and_load_round_trip() -> None:
    p = parse("кр: Иванов 5, Ив 3, Сидоров н, Кузьмин 2, Смирнва 4", ROSTER)
    assert load(dump(p)) == p


def test_limits() -> None:
    text = ", ".join("Иванов 5" for _ in range(200))
    assert len(parse(text, ROSTER).items) == 80


def test_check_limits_caps_per_student_and_flags_absent_students() -> None:
    parsed = parse("Иванов 5 4, Иванов 3, Петрова 5, Сидоров 4 н, Смирнова 5, Фёдоров 4 оп", ROSTER)
    codes = {5: AttendanceCode.ILL, 6: AttendanceCode.ABSENT}
    checked = check_limits(parsed, existing={2: 2}, codes=codes, limit=2)
    by_raw = {i.raw: i for i in checked.items}
    assert by_raw["Иванов 5 4"].ok and not by_raw["Иванов 5 4"].for_absent
    assert by_raw["Иванов 3"].problem == Problem.TOO_MANY  # a third mark in the lesson
    assert by_raw["Петрова 5"].problem == Problem.TOO_MANY  # two were there already
    assert by_raw["Сидоров 4 н"].for_absent  # absent in this very message
    assert by_raw["Смирнова 5"].for_absent  # ill in the saved attendance
    assert not by_raw["Фёдоров 4 оп"].for_absent  # late now: present
    assert [i.raw for i in checked.for_absent] == ["Сидоров 4 н", "Смирнова 5"]
    assert (3, 4, WorkKind.ANSWER) in checked.marks()
    assert all(sid not in (2,) for sid, _, _ in checked.marks())
    assert load(dump(checked)) == checked
    # Checked again with a higher limit: nothing is left over from the first check.
    again = check_limits(checked, existing={2: 2}, codes=codes, limit=3)
    assert again.problems == [] and len(again.marks()) == len(parsed.marks())
