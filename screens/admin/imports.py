"""The import screens: the kinds this actor may load, the file asked for (with its template),
the file rejected before it is read, progress, and the dry run's or the import's outcome."""

from __future__ import annotations

from i18n import Translator
from screens.admin.actions import ImportCb, OfficeCb
from screens.admin.common import home_row, long_screen, one_per_row, text_screen
from screens.screen import Attachment, Button, Row, Screen, rows_of
from services.enums import Role
from services.imports import KINDS, ImportResult
from services.people.identity import Actor
from services.richtext import escape

MAX_ERRORS_SHOWN = 30
# The menu's order is the order of loading stated above it (office.import.pick): each file
# refers to what the earlier ones loaded (classes name their class teachers among the staff,
# students their classes, parents their children, assignments and the timetable classes,
# subjects and staff); bell times refer to nothing and come last.
MENU_ORDER = ("staff", "subjects", "classes", "students", "parents", "assignments", "timetable")


def import_kinds(actor: Actor) -> list[str]:
    """The import kinds this actor may load (the deputy: the timetable and bell times)."""
    return [name for name, spec in KINDS.items() if actor.has(Role.ADMIN, *spec.also)]


def kind_title(t: Translator, kind: str) -> str:
    spec = KINDS[kind]
    return spec.title_en if t.lang == "en" else spec.title_ru


def kinds_screen(t: Translator, actor: Actor, *, cancelled: bool = False) -> Screen:
    kinds = import_kinds(actor)
    kinds.sort(key=lambda k: MENU_ORDER.index(k) if k in MENU_ORDER else len(MENU_ORDER))
    buttons = [Button(kind_title(t, kind), ImportCb(action="kind", kind=kind)) for kind in kinds]
    text = t("office.import.cancelled" if cancelled else "office.import.pick")
    return Screen((text,), (*rows_of(buttons, 2), home_row(t)))


def cancel_button(t: Translator) -> Button:
    return Button(t("office.import.cancel"), ImportCb(action="cancel"))


def file_rows(t: Translator, kind: str) -> tuple[Row, ...]:
    template = Button(t("office.import.template"), ImportCb(action="tpl", kind=kind))
    return one_per_row([template, cancel_button(t)])


def send_file_screen(t: Translator, kind: str) -> Screen:
    """Waiting for the file: its template or cancel."""
    text = t("office.import.send_file", title=escape(kind_title(t, kind)))
    return text_screen(text, file_rows(t, kind))


def refused_file_screen(t: Translator, kind: str, *, too_big_mb: int = 0) -> Screen:
    """A file of the wrong type, or larger than ``too_big_mb`` megabytes: send another."""
    text = t("office.import.too_big", mb=too_big_mb) if too_big_mb else t("office.import.bad_type")
    return text_screen(text, file_rows(t, kind), replace=False)


def need_file_screen(t: Translator) -> Screen:
    return text_screen(t("office.import.need_file"), replace=False)


def template_screen(kind: str, data: bytes) -> Screen:
    """The kind's XLSX template as a document."""
    return Screen((), attachments=(Attachment("document", data, f"{kind}.xlsx"),), replace=False)


def checking_screen(t: Translator, filename: str) -> Screen:
    """The status message of a dry run, edited with its progress and then its outcome."""
    return text_screen(t("office.import.checking", name=escape(filename)), replace=False)


def applying_screen(t: Translator, kind: str) -> Screen:
    return text_screen(t("office.import.applying", title=escape(kind_title(t, kind))))


def progress_text(t: Translator, done: int, total: int) -> str:
    return t("office.import.progress", percent=done * 100 // total)


def stage_text(t: Translator, name: str, done: int, total: int) -> str:
    return t(f"import.progress.{name}", rows=total, done=done, total=total)


def result_lines(t: Translator, result: ImportResult) -> list[str]:
    """The dry run's or the import's outcome: the counts, or at most 30 errors and the rest
    counted."""
    title = escape(kind_title(t, result.kind))
    if result.ok:
        key = "office.import.dry_ok" if result.dry_run else "office.import.done"
        done = t(
            key,
            title=title,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
        warnings = result.warning_lines(t.lang)[:MAX_ERRORS_SHOWN]
        return [done, *(f"⚠️ {escape(line)}" for line in warnings)]
    lines = [t("office.import.rejected", title=title, count=len(result.errors))]
    lines += [f"• {escape(line)}" for line in result.error_lines(t.lang)[:MAX_ERRORS_SHOWN]]
    hidden = len(result.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        lines.append(t("office.import.more_errors", count=hidden))
    lines.append(t("office.import.fix_and_resend"))
    return lines


def result_screen(t: Translator, result: ImportResult) -> Screen:
    """A clean dry run asks to apply; a rejected file stays on "send the file" (a corrected
    file can be sent at once); after the import: another import or the menu."""
    rows: tuple[Row, ...]
    if not result.dry_run:
        rows = ((Button(t("office.import.again"), OfficeCb(action="imp")),), home_row(t))
    elif result.ok:
        rows = one_per_row(
            [Button(t("office.import.apply"), ImportCb(action="apply")), cancel_button(t)]
        )
    else:
        rows = ((cancel_button(t),),)
    return long_screen(result_lines(t, result), rows)
