"""Alerts and their settings: the buttons an alert carries, /settings, /broadcast.

- :func:`alert_rows` — the buttons of an alert the delivery worker sends (an absence: the
  family's three answers; news: "acknowledged"), by the name of its kind;
- :func:`reason_saved_screen` — the absence alert with the family's answer under it;
- :func:`settings_screen` — what a person's alerts bring, when, and (bound in more than one
  messenger) where;
- the broadcast: :func:`broadcast_targets_screen` (school news or a class),
  :func:`broadcast_write_screen`, :func:`broadcast_date_screen` ("Дата события?", typed or
  [Без даты], read by :func:`parse_event_at`), :func:`broadcast_preview_screen` (the text as
  recipients will see it, with its date, split to fit, with send / cancel),
  :func:`broadcast_stats_screen` (delivered, read…).

The actions keep the wire format the buttons had before they moved here (``abs:<id>:<reason>``,
``news:ack:<id>``, ``pref:…``, ``bc:…``): alerts already in chats keep working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Annotated, Any

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id, OneOf, OptId
from screens.common.dates import parse_day
from screens.common.threads import alert_rows as thread_alert_rows
from screens.screen import Button, Row, Screen, rows_of
from services.attendance.alert_kinds import ABSENT, FAMILY_REASONS, AbsencePayload
from services.enums import Messenger, Role
from services.family_messages.alert_kinds import THREAD_MESSAGE
from services.messages.alert_kinds import NEWS_CLASS, NEWS_SCHOOL, NewsPayload, event_line
from services.messages.broadcasts import BroadcastStats
from services.notifications.prefs import CHANNELS, Prefs
from services.richtext import TEXT_LIMIT, split_html

TOGGLES = ("absences", "marks", "homework_tomorrow", "weekly_summary", "news", "reminders")
FAMILY_TOGGLES = ("absences", "marks", "homework_tomorrow", "weekly_summary")
MARK_MODES = ("instant", "hourly", "evening")
DIGEST_HOURS = (17, 18, 19, 20)
QUIET_PRESETS: dict[str, tuple[dt.time, dt.time] | None] = {
    "21-08": (dt.time(21, 0), dt.time(8, 0)),
    "22-07": (dt.time(22, 0), dt.time(7, 0)),
    "20-09": (dt.time(20, 0), dt.time(9, 0)),
    "off": None,
}
FAMILY_ROLES = frozenset({Role.PARENT, Role.TRUSTED, Role.STUDENT})


# --------------------------------------------------------------------------- actions


class AbsenceReasonAction(Action, prefix="abs"):
    """A family's answer to an absence alert: ``abs:<attendance id>:<reason>``."""

    id: Id
    reason: Annotated[str, OneOf(*FAMILY_REASONS)]


class NewsAckAction(Action, prefix="news"):
    """ "Acknowledged" under a class event or school news: ``news:ack:<news id>``."""

    op: Annotated[str, OneOf("ack")] = "ack"
    id: Id


class PrefCb(Action, prefix="pref"):
    field: Annotated[str, OneOf(*TOGGLES, "mode", "digest", "quiet", "channel")]
    value: str


class BroadcastCb(Action, prefix="bc"):
    action: Annotated[str, OneOf("cls", "school", "send", "cancel", "stats", "nodate")]
    id: OptId = 0


# --------------------------------------------------------------------------- alert buttons


def _absence_rows(p: AbsencePayload, t: Translator) -> tuple[Row, ...]:
    if not p.attendance_id:
        return ()
    return (
        tuple(
            Button(
                t(f"notify.absence.button_{r}"), AbsenceReasonAction(id=p.attendance_id, reason=r)
            )
            for r in FAMILY_REASONS
        ),
    )


def _news_rows(p: NewsPayload, t: Translator) -> tuple[Row, ...]:
    if not p.news_id:
        return ()
    return ((Button(t("notify.news.ack"), NewsAckAction(id=p.news_id)),),)


# The kinds whose alerts carry buttons (each of them is sent alone: ``Kind.alone``).
ALERT_BUTTONS: Mapping[str, Callable[[Any, Translator], tuple[Row, ...]]] = {
    ABSENT.name: _absence_rows,
    NEWS_CLASS.name: _news_rows,
    NEWS_SCHOOL.name: _news_rows,
    THREAD_MESSAGE.name: thread_alert_rows,
}


def alert_rows(kind: str, payload: Any, t: Translator) -> tuple[Row, ...]:
    """The buttons of an alert of ``kind`` (its payload read by the kind's model)."""
    rows = ALERT_BUTTONS.get(kind)
    return rows(payload, t) if rows is not None else ()


def reason_saved_screen(t: Translator, alert_html: str, reason: str) -> Screen:
    """The absence alert as it was, the family's answer under it, no buttons left."""
    return Screen((alert_html + "\n\n" + t(f"alerts.reason_{reason}"),))


# --------------------------------------------------------------------------- /settings


def settings_screen(
    t: Translator, prefs: Prefs, roles: Iterable[Role], messengers: Collection[Messenger] = ()
) -> Screen:
    """A line and a button per setting the person has (families: what about the children and
    when marks come; staff: reminders), the quiet hours; last, for a person bound in more than
    one messenger (``messengers``), where the alerts go."""
    roles = frozenset(roles)
    family = bool(roles & FAMILY_ROLES)
    staff = bool(roles - FAMILY_ROLES)
    lines = [t("alerts.settings_title")]
    buttons: list[Button] = []
    shown = [
        f for f in TOGGLES if (f != "reminders" or staff) and (f not in FAMILY_TOGGLES or family)
    ]
    for field in shown:
        on = bool(getattr(prefs, field))
        label = f"{'✅' if on else '▫️'} {t(f'alerts.pref_{field}')}"
        lines.append(label)
        buttons.append(Button(label, PrefCb(field=field, value="0" if on else "1")))
    if family:
        lines.append(t("alerts.marks_mode", mode=t(f"alerts.mode_{prefs.marks_mode}")))
        for mode in MARK_MODES:
            mark = "● " if prefs.marks_mode == mode else ""
            buttons.append(
                Button(mark + t(f"alerts.mode_{mode}"), PrefCb(field="mode", value=mode))
            )
        lines.append(t("alerts.digest_time", time=f"{prefs.digest_time:%H:%M}"))
        for hour in DIGEST_HOURS:
            mark = "● " if prefs.digest_time == dt.time(hour, 0) else ""
            buttons.append(
                Button(f"{mark}🕕 {hour:02d}:00", PrefCb(field="digest", value=str(hour)))
            )
    if prefs.quiet_from is not None and prefs.quiet_to is not None:
        quiet = f"{prefs.quiet_from:%H:%M}–{prefs.quiet_to:%H:%M}"
    else:
        quiet = t("alerts.quiet_off")
    lines.append(t("alerts.quiet", hours=quiet))
    for key, value in QUIET_PRESETS.items():
        label = f"{value[0]:%H}–{value[1]:%H}" if value else t("alerts.quiet_off")
        buttons.append(Button("🌙 " + label, PrefCb(field="quiet", value=key)))
    sizes = [*([1] * len(shown)), *([3, len(DIGEST_HOURS)] if family else []), 4]
    if len(set(messengers)) > 1:
        lines.append(t("alerts.channel", channel=t(f"alerts.channel_{prefs.channel}")))
        for channel in CHANNELS:
            mark = "● " if prefs.channel == channel else ""
            label = mark + t(f"alerts.channel_{channel}")
            buttons.append(Button(label, PrefCb(field="channel", value=channel)))
        sizes += [2, 2]
    return Screen(("\n".join(lines),), rows_of(buttons, sizes[0], *sizes[1:]))


# --------------------------------------------------------------------------- /broadcast


def broadcast_targets_screen(
    t: Translator, school: bool, classes: Iterable[tuple[int, str]]
) -> Screen:
    """Whom to write to: the whole school (leadership, admins) and the classes one leads."""
    buttons = [Button(t("alerts.broadcast_school"), BroadcastCb(action="school"))] if school else []
    buttons += [Button(name, BroadcastCb(action="cls", id=cid)) for cid, name in classes]
    return Screen((t("alerts.broadcast_pick"),), rows_of(buttons, 1, 4), replace=False)


def broadcast_write_screen(t: Translator) -> Screen:
    return Screen((t("alerts.broadcast_write"),))


def parse_event_at(text: str, today: dt.date) -> dt.datetime | dt.date | None:
    """ "25.12 18:00" → the school-local time; "25.12" (any form of :func:`parse_day`) → the
    day, an all-day event; None when it is neither. The year is the nearest one to ``today``."""
    parts = text.split()
    if not parts or len(parts) > 2:
        return None
    day = parse_day(parts[0], today)
    if day is None:
        return None
    if len(parts) == 1:
        return day
    hours, sep, minutes = parts[1].replace(".", ":").partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)))


def event_at_label(lang: str, event_at: dt.datetime | dt.date) -> str:
    """ "📅 25 декабря, 18:00", or "📅 25 декабря" for a whole day: as the alert shows it."""
    if not isinstance(event_at, dt.datetime):
        event_at = dt.datetime.combine(event_at, dt.time(0))
    return event_line(lang, event_at)


def broadcast_date_screen(t: Translator, error: str | None = None) -> Screen:
    """ "Дата события?": typed ("25.12 18:00", "25.12" for a whole day) or [Без даты]; after
    input that is no date (``error``: its text), the question again under it."""
    text = t("events.ask") if error is None else error + "\n\n" + t("events.ask")
    return Screen(
        (text,), ((Button(t("events.no_date"), BroadcastCb(action="nodate")),),), replace=False
    )


def broadcast_preview_screen(
    t: Translator, text: str, with_file: bool, when: str | None = None
) -> Screen:
    """The broadcast as recipients will see it (``text``: the checked HTML subset; ``when``: its
    event's date line, see :func:`event_at_label`), in as many messages as it needs, with
    send / cancel under the last."""
    preview = t("alerts.broadcast_preview", text=text)
    preview += "\n" + (t("events.preview_when", when=when) if when else t("events.preview_no_date"))
    if with_file:
        preview += "\n" + t("alerts.broadcast_with_file")
    buttons = [
        Button(t("alerts.broadcast_send"), BroadcastCb(action="send")),
        Button(t("alerts.broadcast_cancel"), BroadcastCb(action="cancel")),
    ]
    return Screen(tuple(split_html(preview, TEXT_LIMIT)), (tuple(buttons),), replace=False)


def broadcast_cancelled_screen(t: Translator) -> Screen:
    return Screen((t("login.cancelled"),))


def broadcast_stats_text(t: Translator, stats: BroadcastStats) -> str:
    """The state first: still going out, or finished (delivered N of M), then the counts."""
    header = t(
        "alerts.broadcast_queued" if stats.pending else "alerts.broadcast_done",
        delivered=stats.delivered,
        recipients=stats.recipients,
    )
    return (
        header
        + "\n"
        + t(
            "alerts.broadcast_stats",
            recipients=stats.recipients,
            delivered=stats.delivered,
            read=stats.read,
            failed=stats.failed,
            pending=stats.pending,
            not_connected=stats.not_connected,
        )
    )


def broadcast_stats_screen(t: Translator, stats: BroadcastStats) -> Screen:
    """The counts of a sent broadcast, with a button to count again."""
    refresh = Button(t("alerts.broadcast_refresh"), BroadcastCb(action="stats", id=stats.news_id))
    return Screen((broadcast_stats_text(t, stats),), ((refresh,),))
