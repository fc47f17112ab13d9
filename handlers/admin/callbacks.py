"""Typed callback data of the office screens (/admin, /reports), each under 64 bytes.

Nothing in them is trusted: every id goes back through the services' access policy.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class OfficeCb(CallbackData, prefix="o_menu"):
    """The /admin menu: imp | tpl | find | dead | aus (audit: student) | aul (audit: lesson) |
    sub (substitutions) | unf (unfilled lessons) | chk (journal checks) | home."""

    action: str


class ReportCb(CallbackData, prefix="o_rep"):
    """/reports: the report (index in REPORTS) and the parameters chosen so far.

    ``cls`` -1 is "the whole school" (movement); 0 is "not chosen yet"."""

    k: int
    cls: int = 0
    per: int = 0
    mon: int = 0  # yyyymm
    subj: int = 0
    stu: int = 0
    fmt: str = ""


class ImportCb(CallbackData, prefix="o_imp"):
    action: str  # kind | tpl | apply | cancel
    kind: str = ""


class UserCb(CallbackData, prefix="o_usr"):
    action: str  # card | issue | revoke | block | unblock | audit
    id: int


class PickCb(CallbackData, prefix="o_pick"):
    """A class, a day or a lesson picked for a tool: ``tool`` aus | aul | sub | chk."""

    tool: str
    step: str  # cls | day | les | stu
    id: int = 0
    day: int = 0  # yyyymmdd
    page: int = 0


class AuditCb(CallbackData, prefix="o_aud"):
    what: str  # stu | les
    id: int


class SubCb(CallbackData, prefix="o_sub"):
    action: str  # set | del | page
    lesson_id: int
    teacher_id: int = 0
    page: int = 0


class CheckCb(CallbackData, prefix="o_chk"):
    action: str  # add | list
