"""The early warning's rules, as pure functions.

Why: telling parents their child's total absences cuts chronic absence (Rogers & Feller, 2018);
regular texts about missed work, marks and absences cut course failures (Bergman & Chan, 2019);
the regulations ask that corrections and information reach the families.

* **Absences.** The share of the study period's lessons so far (the student's lessons, not
  cancelled, from the period's start, or their arrival in the class, to today) that the
  student missed, for any reason; those without a valid reason (code «Н») are counted apart.
  The family and the class teacher are told once when it reaches each of the school's two
  steps (5 % and 10 % by default).
* **Marks.** The projected period mark: the weighted average of the period's marks so far,
  rounded by the school's thresholds, as a suggested period mark is
  (:func:`services.marks.mark_reads.suggest_mark`), and only with at least the school's
  minimum number of marks for a period mark. Told when it falls to «2» or lower, or a whole
  mark below the projection last told of (which rises while the projection rises), once per
  mark and period.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol


class Thresholds(Protocol):
    threshold_3: int
    threshold_4: int
    threshold_5: int


# The projected mark at or below which a subject is "at risk" on its own.
FAILING = 2


def absence_percent(absent: int, lessons: int) -> Decimal:
    """The share of lessons missed, in per cent, to one decimal (0 without lessons)."""
    if lessons <= 0:
        return Decimal(0)
    return (Decimal(absent) * 100 / lessons).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def absence_step(absent: int, lessons: int, steps: tuple[int, ...]) -> int:
    """The highest of ``steps`` (per cent) that ``absent`` of ``lessons`` reaches; 0: none."""
    if lessons <= 0 or absent <= 0:
        return 0
    reached = [s for s in steps if absent * 100 >= s * lessons]
    return max(reached, default=0)


def average(weighted_sum: int, weights: int) -> Decimal | None:
    """The weighted average from its sums, to two decimals, half up (as
    :func:`services.marks.mark_reads.weighted_average`)."""
    if not weights:
        return None
    return (Decimal(weighted_sum) / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def projected_mark(
    weighted_sum: int, weights: int, count: int, school: Thresholds, min_marks: int
) -> int | None:
    """The projected period mark, or None with fewer than ``min_marks`` marks."""
    avg = average(weighted_sum, weights)
    if avg is None or count < max(min_marks, 1):
        return None
    hundredths = int(avg * 100)
    if hundredths >= school.threshold_5:
        return 5
    if hundredths >= school.threshold_4:
        return 4
    if hundredths >= school.threshold_3:
        return 3
    return 2


@dataclass(frozen=True)
class MarkDecision:
    warn: bool
    level: int | None  # what to remember (None: nothing)
    before: int | None  # the projection told of before, for the text ("from 4 to 3")


def mark_decision(projected: int | None, last: int | None) -> MarkDecision:
    """Whether a subject's projection is told now, given the level remembered (``last``: the
    projection last told of, raised while it rose; None: never seen)."""
    if projected is None:
        return MarkDecision(False, last, None)
    if last is None:
        return MarkDecision(projected <= FAILING, projected, None)
    if projected <= last - 1:
        return MarkDecision(True, projected, last)
    return MarkDecision(False, max(projected, last), None)


def absence_decision(step: int, last: int | None) -> bool:
    """A step is told once: when it is higher than the one told before."""
    return step > 0 and step > (last or 0)
