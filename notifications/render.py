"""Payload → neutral message: HTML text and buttons, in the recipient's language.

Texts come from the one translator (:mod:`i18n`, the ``notifications`` area:
``i18n/locales/<lang>/notifications.ftl``; Russian is the fallback). User text follows the one
rule of :mod:`services.richtext` (docs/user-text.md): every value taken from a payload — names,
subjects, reasons, homework, comments, news titles — is plain text and HTML-escaped exactly
once, here, when it is put into a template, so a user-entered ``<b>`` can neither break the
markup nor inject any. The body of a broadcast is the one exception: it is stored as the
checked HTML subset (the sender's bold, links…) and goes in as it is, checked again, never
escaped a second time.

Every message fits Telegram's limits as Telegram counts them (visible text after parsing, in
UTF-16 code units): merged alerts are split by :func:`chunk_items`, and :func:`fit` shortens
whatever is still too long.

The worker enriches payloads before rendering: ``student`` (a display name) for alerts about a
child, ``attendance_id`` for absence alerts, ``news`` for broadcasts.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import i18n
from notifications.transport import Attachment, Button, OutMessage
from services.richtext import CAPTION_LIMIT, TEXT_LIMIT, clean_html, shorten_html, visible_length
from services.texts import format_date, format_date_range

log = logging.getLogger(__name__)

DEFAULT_LANG = i18n.DEFAULT_LANG
# Telegram's limits: 4096 UTF-16 units of visible text, 1024 of a caption (after HTML parsing).
MAX_TEXT = TEXT_LIMIT
MAX_CAPTION = CAPTION_LIMIT

FAMILY_REASONS = ("ill", "excused", "unknown")


def escape(value: object) -> str:
    return html.escape(str(value), quote=False)


def t(lang: str, key: str, /, **params: Any) -> str:
    """A text filled with ``params``; each param is escaped unless wrapped in :class:`Safe`.
    A form that agrees with a person takes ``gender=`` ("m", "f"; else the neutral form)."""
    values = {k: (v.html if isinstance(v, Safe) else escape(v)) for k, v in params.items()}
    text = i18n.translate(lang, key, **values)
    if text is None:
        log.warning("missing notification text", extra={"key": key, "lang": lang})
        return escape(key)
    return text


@dataclass(frozen=True)
class Safe:
    """Already-rendered HTML passed into a template without escaping."""

    html: str


def _date(lang: str, value: object) -> str:
    """A date the user's way (one formatter for every user text: services.texts)."""
    if isinstance(value, dt.date | str):
        return format_date(lang, value)
    return "" if value is None else str(value)


def _dates(lang: str, start: object, end: object) -> str:
    """One day as one date; a period as "from — to"."""
    if isinstance(start, dt.date | str) and isinstance(end, dt.date | str):
        return format_date_range(lang, start, end)
    return _date(lang, start)


def _work(lang: str, kind: object) -> str:
    return t(lang, f"notify.work.{kind}") if kind else ""


def _student(payload: Mapping[str, Any]) -> str:
    return str(payload.get("student") or payload.get("student_id") or "")


# --------------------------------------------------------------------------- one alert


def render_text(kind: str, payload: Mapping[str, Any], lang: str) -> str:
    """The text of one alert (no buttons)."""
    p = payload
    if kind in ("attendance.absent", "attendance.late"):
        key = "notify.absence.absent" if kind == "attendance.absent" else "notify.absence.late"
        return t(
            lang,
            key,
            gender=p.get("student_gender") or "",
            student=_student(p),
            subject=p.get("subject", ""),
            lesson_number=p.get("lesson_number", ""),
            date=_date(lang, p.get("date")),
        )
    if kind == "attendance.family_reason":
        return t(
            lang,
            "notify.absence.family_reason",
            gender=p.get("guardian_gender") or "",
            guardian=p.get("guardian", ""),
            student=_student(p),
            class_name=p.get("class", ""),
            subject=p.get("subject", ""),
            lesson_number=p.get("lesson_number", ""),
            date=_date(lang, p.get("date")),
            reason=t(lang, f"notify.reason.{p.get('reason')}"),
        )
    if kind in ("mark.new", "mark.changed", "mark.deleted"):
        return t(
            lang,
            f"notify.{kind}",
            student=_student(p),
            value=p.get("value", ""),
            before=p.get("before", ""),
            subject=p.get("subject", ""),
            work_kind=_work(lang, p.get("work_kind")),
            date=_date(lang, p.get("date")),
            reason=p.get("reason") or "—",
        )
    if kind == "homework.tomorrow":
        lines = [t(lang, "notify.homework.title", date=_date(lang, p.get("date")))]
        for child in p.get("children", []):
            lines.append("")
            lines.append(t(lang, "notify.homework.child", student=child.get("student", "")))
            items = child.get("items", [])
            for item in items:
                lines.append(
                    t(lang, "notify.homework.item", subject=item["subject"], text=item["text"])
                )
            if not items:
                lines.append(t(lang, "notify.homework.none"))
        return "\n".join(lines)
    if kind == "summary.weekly":
        lines = [
            t(
                lang,
                "notify.weekly.title",
                date_from=_date(lang, p.get("date_from")),
                date_to=_date(lang, p.get("date_to")),
            )
        ]
        for child in p.get("children", []):
            lines.append("")
            lines.append(t(lang, "notify.weekly.child", student=child.get("student", "")))
            subjects = child.get("subjects", [])
            for s in subjects:
                marks = ", ".join(str(v) for v in s["marks"])
                lines.append(t(lang, "notify.weekly.subject", subject=s["subject"], marks=marks))
            if not subjects:
                lines.append(t(lang, "notify.weekly.no_marks"))
            lines.append(
                t(
                    lang,
                    "notify.weekly.absences",
                    absent=child.get("absent", 0),
                    late=child.get("late", 0),
                )
            )
        return "\n".join(lines)
    if kind == "reminder.fill":
        lines = [
            t(
                lang,
                "notify.reminder.fill_title",
                date=_date(lang, p.get("date")),
                deadline=p.get("deadline", ""),
            )
        ]
        for item in p.get("lessons", []):
            lines.append(
                t(
                    lang,
                    "notify.reminder.fill_item",
                    lesson_number=item["lesson_number"],
                    class_name=item["class"],
                    subject=item["subject"],
                    missing=_missing(lang, item["missing"]),
                )
            )
        return "\n".join(lines)
    if kind == "report.unfilled":
        lines = [
            t(
                lang,
                "notify.reminder.unfilled_title",
                date=_date(lang, p.get("date")),
                deadline=p.get("deadline", ""),
            )
        ]
        for item in p.get("lessons", []):
            lines.append(
                t(
                    lang,
                    "notify.reminder.unfilled_item",
                    teacher=item["teacher"],
                    lesson_number=item["lesson_number"],
                    class_name=item["class"],
                    subject=item["subject"],
                    missing=_missing(lang, item["missing"]),
                )
            )
        return "\n".join(lines)
    if kind == "report.activity":
        lines = [
            t(lang, "notify.activity.title", month=p.get("month", "")),
            t(
                lang,
                "notify.activity.accounts",
                accounts=p.get("accounts", 0),
                bound=p.get("bound", 0),
                active=p.get("active", 0),
            ),
        ]
        for role, c in p.get("by_role", {}).items():
            lines.append(
                t(
                    lang,
                    "notify.activity.role",
                    role=t(lang, f"notify.role.{role}"),
                    accounts=c.get("accounts", 0),
                    bound=c.get("bound", 0),
                    active=c.get("active", 0),
                )
            )
        lines.append(
            t(
                lang,
                "notify.activity.journal",
                marks=p.get("marks", 0),
                attendance=p.get("attendance", 0),
                topics=p.get("topics", 0),
            )
        )
        lines.append(
            t(lang, "notify.activity.deliveries", sent=p.get("sent", 0), dead=p.get("dead", 0))
        )
        return "\n".join(lines)
    if kind in ("news.school", "news.class"):
        news = p.get("news") or {}
        head = (
            t(lang, "notify.news.school")
            if kind == "news.school"
            else t(lang, "notify.news.class_event", class_name=news.get("class", ""))
        )
        lines = [head]
        if news.get("title"):
            lines.append(f"<b>{escape(news['title'])}</b>")
        # The body is the sender's formatted text, stored as the checked HTML subset: checked
        # again here (a row written some other way cannot inject markup) and not escaped again.
        lines.append(clean_html(str(news.get("body") or "")))
        if news.get("author"):
            lines.append(t(lang, "notify.news.from", author=news["author"]))
        return "\n".join(lines)
    if kind == "notice.created":
        return t(
            lang,
            "notify.notice.created",
            by=p.get("by", ""),
            student=_student(p),
            class_name=p.get("class_name", ""),
            dates=_dates(lang, p.get("date_from"), p.get("date_to")),
            reason=p.get("reason") or "—",
        )
    if kind == "notice.cancelled":
        return t(
            lang,
            "notify.notice.cancelled",
            by=p.get("by", ""),
            student=_student(p),
            class_name=p.get("class_name", ""),
            dates=_dates(lang, p.get("date_from"), p.get("date_to")),
        )
    if kind == "final_mark.set":
        special = p.get("special")
        value = t(lang, f"notify.final.{special}") if special else p.get("value", "")
        return t(
            lang,
            "notify.final.set",
            student=_student(p),
            period=p.get("period", ""),
            subject=p.get("subject", ""),
            value=value,
        )
    log.warning("unknown notification kind", extra={"kind": kind})
    return escape(kind)


def _missing(lang: str, missing: Sequence[str]) -> str:
    return ", ".join(t(lang, f"notify.reminder.missing_{m}") for m in missing)


def buttons_for(kind: str, payload: Mapping[str, Any], lang: str) -> tuple[tuple[Button, ...], ...]:
    if kind == "attendance.absent" and payload.get("attendance_id"):
        aid = payload["attendance_id"]
        return (
            tuple(
                Button(t(lang, f"notify.absence.button_{r}"), f"abs:{aid}:{r}")
                for r in FAMILY_REASONS
            ),
        )
    if kind.startswith("news.") and payload.get("news_id"):
        return ((Button(t(lang, "notify.news.ack"), f"news:ack:{payload['news_id']}"),),)
    return ()


def has_buttons(kind: str) -> bool:
    """Alerts with their own buttons are never merged with others."""
    return kind == "attendance.absent" or kind.startswith("news.")


def render(kind: str, payload: Mapping[str, Any], lang: str) -> OutMessage:
    text = render_text(kind, payload, lang)
    if kind == "attendance.absent" and payload.get("attendance_id"):
        text = f"{text}\n{t(lang, 'notify.absence.ask')}"
    attachment = None
    news = payload.get("news") or {}
    if kind.startswith("news.") and news.get("attachment_ref"):
        attachment = Attachment(news.get("attachment_kind") or "document", news["attachment_ref"])
    return OutMessage(text=text, buttons=buttons_for(kind, payload, lang), attachment=attachment)


# --------------------------------------------------------------------------- merged alerts


@dataclass(frozen=True)
class Item:
    kind: str
    payload: Mapping[str, Any]


def _marks_digest(items: Sequence[Item], lang: str) -> list[str]:
    """Mark alerts grouped by child, then by subject, in the order they happened."""
    by_child: dict[str, dict[str, list[str]]] = {}
    for it in items:
        p = it.payload
        event = it.kind.split(".", 1)[1]
        entry = t(
            lang,
            f"notify.mark.digest_{event}",
            value=p.get("value", ""),
            before=p.get("before", ""),
            reason=p.get("reason") or "—",
        )
        by_child.setdefault(_student(p), {}).setdefault(str(p.get("subject", "")), []).append(entry)
    lines = [t(lang, "notify.mark.digest_title")]
    for student, subjects in by_child.items():
        lines.append(t(lang, "notify.mark.digest_child", student=student))
        for subject, entries in subjects.items():
            lines.append(
                t(
                    lang,
                    "notify.mark.digest_subject",
                    subject=subject,
                    marks=Safe(", ".join(entries)),
                )
            )
    return lines


def render_merged(items: Sequence[Item], lang: str, *, quiet: bool = False) -> OutMessage:
    """Several alerts of one recipient as one message: marks as a digest grouped by child and
    subject, everything else one paragraph each."""
    if len(items) == 1 and not quiet:
        return render(items[0].kind, items[0].payload, lang)
    marks = [i for i in items if i.kind.startswith("mark.")]
    others = [i for i in items if not i.kind.startswith("mark.")]
    parts: list[str] = []
    if others or quiet:
        parts.append(t(lang, "notify.merged.title" if quiet else "notify.merged.title_plain"))
    for it in others:
        parts.append(render_text(it.kind, it.payload, lang))
    if marks:
        parts.append("\n".join(_marks_digest(marks, lang)))
    return OutMessage(text="\n\n".join(parts), silent=quiet)


def chunk_items(items: Sequence[Item], lang: str, limit: int = MAX_TEXT) -> list[list[Item]]:
    """Split items so that each merged message stays under Telegram's length limit."""
    chunks: list[list[Item]] = []
    current: list[Item] = []
    for it in items:
        candidate = [*current, it]
        if current and visible_length(render_merged(candidate, lang, quiet=True).text) > limit:
            chunks.append(current)
            current = [it]
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def fit(message: OutMessage) -> OutMessage:
    """Shorten a message that is still too long (a huge news text, a long report): cut at a
    paragraph, line or word boundary with the tags kept balanced, and an ellipsis."""
    limit = MAX_CAPTION if message.attachment is not None else MAX_TEXT
    if visible_length(message.text) <= limit:
        return message
    return OutMessage(
        text=shorten_html(message.text, limit),
        buttons=message.buttons,
        attachment=message.attachment,
        silent=message.silent,
    )
