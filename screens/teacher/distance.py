"""A distance lesson from the lesson card (seed 000 §3.2): its teacher or the deputy marks it
held at a distance, or back in class."""

from __future__ import annotations

from i18n import Translator
from screens.actions import Action
from screens.bounds import Flag, Id
from screens.screen import Button
from services.timetable.lesson_sheet import LessonSheet


class DistanceCb(Action, prefix="t_dist"):
    """Mark the lesson held at a distance (``on`` 1) or in class (0)."""

    lesson_id: Id
    on: Flag


def distance_button(t: Translator, sheet: LessonSheet) -> Button | None:
    """The card's toggle: for the lesson's teacher and the deputy or admin, on a lesson that
    is not cancelled and still open (today's, or one ahead: marked in advance); None for anyone
    else and for a lesson past its edit window."""
    if sheet.cancelled or not (sheet.can_edit or sheet.can_unlock):
        return None
    lock = sheet.records_lock
    if lock is not None and lock.code != "journal.lesson_in_future":
        return None
    if sheet.distance:
        return Button(t("distance.button_off"), DistanceCb(lesson_id=sheet.lesson_id, on=0))
    return Button(t("distance.button_on"), DistanceCb(lesson_id=sheet.lesson_id, on=1))


def distance_note(t: Translator, distance: bool) -> str:
    return t("distance.saved_on" if distance else "distance.saved_off")
