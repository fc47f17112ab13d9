"""Actions of the family views (short prefixes, int fields: well under 64 bytes).

Dates travel as ordinals (``date.toordinal()``); the student's id travels too, and every
handler re-checks it against the reader's own children before anything is read.
"""

from __future__ import annotations

from typing import Annotated

from screens.actions import Action
from screens.bounds import Id, OneOf, OptOrdinal, Ordinal

# The actions of the screens already neutral are in screens/family: the diary's, the files' and
# the homework's (fd, ff, fh), the timetable's (ft, fy), the marks', chart's and attendance's
# (fm, fc, fa), the choice of a child (fk).


class NoticeDayCb(Action, prefix="nd"):
    s: Id
    a: OptOrdinal = 0  # first day (ordinal); 0: ask for a typed date


class NoticeReasonCb(Action, prefix="nr"):
    s: Id
    a: Ordinal  # first day (ordinal)
    b: Ordinal  # last day (ordinal)
    r: Annotated[str, OneOf("ill", "family", "other")]


class NoticeCancelCb(Action, prefix="nx"):
    s: Id


class NoticeWithdrawCb(Action, prefix="nw"):
    n: Id  # notice id (checked again by the service)
