"""Typed actions of the class teacher's screens (each under 64 bytes); never trusted."""

from __future__ import annotations

from typing import Annotated

from screens.actions import Action
from screens.bounds import Day, Id, OneOf, OptDay, OptId, Page
from services.enums import AttendanceCode


class AbsCb(Action, prefix="c_abs"):
    class_id: Id
    day: Day


class ReasonCb(Action, prefix="c_rs"):
    action: Annotated[str, OneOf("week", "set", "fam")]
    class_id: Id
    day: OptDay = 0  # week: its Monday
    student_id: OptId = 0
    code: Annotated[str, OneOf("", *AttendanceCode)] = ""


class JournalCb(Action, prefix="c_jr"):
    action: Annotated[str, OneOf("cls", "subj", "show")]
    class_id: OptId = 0
    subject_id: OptId = 0
    period_id: OptId = 0
    page: Page = 0


class GroupCb(Action, prefix="c_sg"):
    """Subgroups of a class: ``cls`` the class's groups, ``grp`` one group's list, ``tap`` a
    student in it (joins, leaves or moves here from today)."""

    action: Annotated[str, OneOf("cls", "grp", "tap")]
    class_id: Id
    group_id: OptId = 0
    student_id: OptId = 0


class RiskCb(Action, prefix="c_risk"):
    """The class's students at risk (the early warning), for a class picked."""

    class_id: Id
