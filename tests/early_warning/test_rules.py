"""The early warning's rules as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from services.early_warning import rules


@dataclass
class Thresholds:
    threshold_3: int = 250
    threshold_4: int = 350
    threshold_5: int = 450


@pytest.mark.parametrize(
    ("absent", "lessons", "step"),
    [
        (0, 40, 0),
        (1, 40, 0),  # 2.5 %
        (2, 40, 5),  # exactly 5 %
        (3, 40, 5),
        (4, 40, 10),  # exactly 10 %
        (9, 40, 10),
        (1, 0, 0),  # no lessons yet
    ],
)
def test_absence_step(absent: int, lessons: int, step: int) -> None:
    assert rules.absence_step(absent, lessons, (5, 10)) == step


def test_absence_percent_to_one_decimal() -> None:
    assert rules.absence_percent(3, 40) == Decimal("7.5")
    assert rules.absence_percent(1, 3) == Decimal("33.3")
    assert rules.absence_percent(5, 0) == Decimal(0)


def test_a_step_is_told_once() -> None:
    assert rules.absence_decision(5, None)
    assert not rules.absence_decision(5, 5)
    assert rules.absence_decision(10, 5)
    assert not rules.absence_decision(5, 10)  # fewer absences later: nothing
    assert not rules.absence_decision(0, None)


def test_projected_mark_by_the_schools_thresholds() -> None:
    school = Thresholds()
    # 2, 2, 3 with weight 1: 2.33 → «2»
    assert rules.projected_mark(7, 3, 3, school, 3) == 2
    # 2.5 exactly → «3» (the threshold is reached)
    assert rules.projected_mark(10, 4, 4, school, 3) == 3
    # a control work of weight 2: (5·2 + 3 + 4) / 4 = 4.25 → «4»
    assert rules.projected_mark(17, 4, 3, school, 3) == 4
    # too few marks: no projection
    assert rules.projected_mark(4, 2, 2, school, 3) is None
    # another school's thresholds
    assert rules.projected_mark(10, 4, 4, Thresholds(threshold_3=260), 3) == 2


@pytest.mark.parametrize(
    ("projected", "last", "warn", "level", "before"),
    [
        (None, None, False, None, None),  # nothing to project yet
        (None, 4, False, 4, None),
        (4, None, False, 4, None),  # first seen: remembered, not told
        (2, None, True, 2, None),  # first seen at «2»: told
        (3, 4, True, 3, 4),  # a whole mark down: told
        (2, 4, True, 2, 4),
        (4, 4, False, 4, None),
        (5, 4, False, 5, None),  # rose: the level rises with it
        (2, 2, False, 2, None),  # told already
    ],
)
def test_mark_decision(
    projected: int | None, last: int | None, warn: bool, level: int | None, before: int | None
) -> None:
    decision = rules.mark_decision(projected, last)
    assert (decision.warn, decision.level, decision.before) == (warn, level, before)
