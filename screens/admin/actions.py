"""Typed actions of the office screens (/admin, /reports), each under 64 bytes.

Nothing in them is trusted: every id goes back through the services' access policy.
"""

from __future__ import annotations

from typing import Annotated

from screens.actions import Action
from screens.bounds import (
    MAX_ID,
    Id,
    Month,
    OneOf,
    OptDay,
    OptId,
    Page,
    Range,
)


class OfficeCb(Action, prefix="o_menu"):
    """The /admin menu: imp | tpl | find | dead | aus (audit: student) | aul (audit: lesson) |
    sub (substitutions) | unf (unfilled lessons) | chk (journal checks) | set (the school's
    settings) | year (the school year) | cmp (complaints about family messages) | home."""

    action: Annotated[
        str,
        OneOf(
            "imp",
            "tpl",
            "find",
            "dead",
            "aus",
            "aul",
            "sub",
            "unf",
            "chk",
            "cw",
            "set",
            "year",
            "cmp",
            "home",
        ),
    ]


class ReportCb(Action, prefix="o_rep"):
    """/reports: the report (index in REPORTS) and the parameters chosen so far.

    ``cls`` -1 is "the whole school" (movement); 0 is "not chosen yet"."""

    k: Annotated[int, Range(0, 100)]
    cls: Annotated[int, Range(-1, MAX_ID)] = 0
    per: OptId = 0
    mon: Month = 0  # yyyymm
    subj: OptId = 0
    stu: OptId = 0
    fmt: Annotated[str, OneOf("", "pdf", "xlsx")] = ""


class ImportCb(Action, prefix="o_imp"):
    action: Annotated[str, OneOf("kind", "tpl", "apply", "cancel")]
    kind: str = ""


class UserCb(Action, prefix="o_usr"):
    action: Annotated[str, OneOf("card", "issue", "revoke", "block", "unblock", "audit")]
    id: Id


class PickCb(Action, prefix="o_pick"):
    """A class, a day or a lesson picked for a tool: ``tool`` aus | aul | sub | chk."""

    tool: Annotated[str, OneOf("aus", "aul", "sub", "chk")]
    step: Annotated[str, OneOf("cls", "day", "les", "stu", "next")]
    id: OptId = 0
    day: OptDay = 0
    page: Page = 0


class AuditCb(Action, prefix="o_aud"):
    what: Annotated[str, OneOf("stu", "les")]
    id: Id


class SubCb(Action, prefix="o_sub"):
    action: Annotated[str, OneOf("set", "del", "page", "pick")]
    lesson_id: OptId
    teacher_id: OptId = 0
    page: Page = 0


class CheckCb(Action, prefix="o_chk"):
    action: Annotated[str, OneOf("add", "list")]


class ControlCb(Action, prefix="o_cw"):
    """Agree the date of one control work (the office's list of control works)."""

    id: Id


class SettingsCb(Action, prefix="o_set"):
    """The school's settings (the admin's): the minimal personal data mode of alerts on/off."""

    minimal: Annotated[str, OneOf("on", "off")]


class YearCb(Action, prefix="o_year"):
    """The school year (the admin's): ``a`` list | open (choose the calendar) | cal (the dry
    run of opening with calendar ``cal``: q quarters, t trimesters, typed) | close | arch (the
    dry runs) | do_open | do_close | do_arch (confirmed); ``id`` the year closed or archived;
    ``y`` the year the dry run showed (a second press does not open the year after it)."""

    a: Annotated[
        str, OneOf("list", "open", "cal", "close", "arch", "do_open", "do_close", "do_arch")
    ]
    id: OptId = 0
    cal: Annotated[str, OneOf("", "q", "t", "typed")] = ""
    y: Annotated[int, Range(2000, 2199, zero=True)] = 0  # do_open: the first year opened
