"""Import of the school's registers by sending the file to the bot.

/admin → Import → the kind → the template (XLSX) or the file itself (CSV or XLSX document) →
a dry run: the counts (created, updated, unchanged) or the list of errors → Apply → the import.
The file is not kept: its Telegram file id waits in the FSM data and is downloaded again on
"Apply". A long file shows its progress in one status message (every ~10%, at most one edit
every 2 seconds). Reading the file and building the template run in worker threads, and the
checks give the event loop a turn between batches, so other users are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.admin.common import OFFICE, chunks, require, show
from handlers.admin.menu import home_button, import_kinds
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.admin.actions import ImportCb, OfficeCb
from services.errors import AccessDenied, DomainError
from services.imports import KINDS, ImportResult, import_file, template_xlsx
from services.imports.messages import t as import_text
from services.imports.reader import MAX_FILE_BYTES
from services.people.identity import Actor

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 30
PROGRESS_STEP = 0.1  # a tenth of the rows
PROGRESS_INTERVAL = 2.0  # seconds between two edits at least
EXTENSIONS = (".csv", ".xlsx")
# The menu's order is the order of loading stated above it (office.import.pick): each file
# refers to what the earlier ones loaded (classes name their class teachers among the staff,
# students their classes, parents their children, assignments and the timetable classes,
# subjects and staff); bell times refer to nothing and come last.
MENU_ORDER = ("staff", "subjects", "classes", "students", "parents", "assignments", "timetable")


class ImportForm(StatesGroup):
    file = State()  # waiting for the document
    confirm = State()  # dry run shown, waiting for "Apply"


class Progress:
    """``progress(done, total)`` and ``stage(name, done, total)`` for ``import_file``: edits
    one status message when the file has been read, every ~10% of the rows checked and every
    ~10% of the rows written, at most once per ``interval`` seconds. A failed edit is logged,
    never raised."""

    def __init__(
        self,
        message: Message | None,
        render: Callable[[int, int], str],
        *,
        render_stage: Callable[[str, int, int], str] | None = None,
        interval: float = PROGRESS_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.message = message
        self.render = render
        self.render_stage = render_stage
        self.interval = interval
        self.monotonic = monotonic
        self.last_step = 0
        self.check_step = 0
        self.last_edit = monotonic()
        self.edits = 0

    async def stage(self, name: str, done: int, total: int) -> None:
        if self.message is None or self.render_stage is None or total <= 0:
            return
        step = int(done / total / PROGRESS_STEP)
        now = self.monotonic()
        if name == "check" and (step <= self.check_step or done >= total):
            return
        if now - self.last_edit < self.interval:
            return
        if name == "check":
            self.check_step = step
        self.last_edit = now
        await self._edit(self.render_stage(name, done, total))

    async def _edit(self, text: str) -> None:
        assert self.message is not None
        try:
            await self.message.edit_text(text)
            self.edits += 1
        except TelegramAPIError as exc:
            log.warning("import progress edit failed", extra={"error": type(exc).__name__})

    async def __call__(self, done: int, total: int) -> None:
        if self.message is None or total <= 0 or done >= total:
            return
        step = int(done / total / PROGRESS_STEP)
        now = self.monotonic()
        if step <= self.last_step or now - self.last_edit < self.interval:
            return
        self.last_step, self.last_edit = step, now
        await self._edit(self.render(done, total))


def _title(kind: str, lang: str) -> str:
    spec = KINDS[kind]
    return spec.title_en if lang == "en" else spec.title_ru


def _kinds_markup(actor: Actor, lang: str, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kinds = import_kinds(actor)
    kinds.sort(key=lambda k: MENU_ORDER.index(k) if k in MENU_ORDER else len(MENU_ORDER))
    for kind in kinds:
        kb.button(text=_title(kind, lang), callback_data=ImportCb(action="kind", kind=kind))
    kb.adjust(2)
    home_button(kb, t)
    return kb.as_markup()


def _check_kind(actor: Actor, kind: str) -> str:
    if kind not in KINDS:
        raise DomainError("error.invalid")
    if kind not in import_kinds(actor):
        raise AccessDenied()
    return kind


async def import_menu(
    query: CallbackQuery, actor: Actor | None, state: FSMContext, lang: str, t: Translator
) -> None:
    me = require(actor, *OFFICE)
    await state.clear()
    await show(query, t("office.import.pick"), _kinds_markup(me, lang, t))


def _file_markup(kind: str, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("office.import.template"), callback_data=ImportCb(action="tpl", kind=kind))
    kb.button(text=t("office.import.cancel"), callback_data=ImportCb(action="cancel"))
    kb.adjust(1)
    return kb.as_markup()


async def pick_kind(
    query: CallbackQuery,
    callback_data: ImportCb,
    actor: Actor | None,
    state: FSMContext,
    lang: str,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    kind = _check_kind(me, callback_data.kind)
    await state.set_state(ImportForm.file)
    await state.set_data({"kind": kind})
    await show(
        query,
        t("office.import.send_file", title=escape(_title(kind, lang))),
        _file_markup(kind, t),
    )


async def send_template(
    query: CallbackQuery, callback_data: ImportCb, actor: Actor | None, bot: Bot
) -> None:
    me = require(actor, *OFFICE)
    kind = _check_kind(me, callback_data.kind)
    if not isinstance(query.message, Message):
        return
    await bot.send_chat_action(query.message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(template_xlsx, kind)
    await bot.send_document(query.message.chat.id, BufferedInputFile(data, filename=f"{kind}.xlsx"))


async def cancel(
    query: CallbackQuery, actor: Actor | None, state: FSMContext, lang: str, t: Translator
) -> None:
    me = require(actor, *OFFICE)
    await state.clear()
    await show(query, t("office.import.cancelled"), _kinds_markup(me, lang, t))


def result_lines(result: ImportResult, lang: str, t: Translator) -> list[str]:
    """The dry run's or the import's outcome: the counts, or at most 30 errors and the rest
    counted."""
    title = escape(_title(result.kind, lang))
    if result.ok:
        key = "office.import.dry_ok" if result.dry_run else "office.import.done"
        return [
            t(
                key,
                title=title,
                rows=result.rows,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        ]
    lines = [t("office.import.rejected", title=title, count=len(result.errors))]
    lines += [f"• {escape(line)}" for line in result.error_lines(lang)[:MAX_ERRORS_SHOWN]]
    hidden = len(result.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        lines.append(t("office.import.more_errors", count=hidden))
    lines.append(t("office.import.fix_and_resend"))
    return lines


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    await bot.download(file_id, destination=buffer)
    return buffer.getvalue()


async def _run(
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    status: Message,
    kind: str,
    file_id: str,
    filename: str,
    *,
    dry_run: bool,
    lang: str,
    t: Translator,
) -> ImportResult:
    data = await _download(bot, file_id)
    progress = Progress(
        status,
        lambda done, total: t("office.import.progress", percent=done * 100 // total),
        render_stage=lambda name, done, total: import_text(
            lang, f"import.progress.{name}", rows=total, done=done, total=total
        ),
    )
    return await import_file(
        session,
        actor,
        kind,
        filename,
        data,
        progress=progress,
        stage=progress.stage,
        dry_run=dry_run,
    )


async def _report(status: Message, lines: list[str], markup: InlineKeyboardMarkup | None) -> None:
    parts = chunks(lines)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if i == 0:
            await status.edit_text(part, reply_markup=markup if last else None)
        else:
            await status.answer(part, reply_markup=markup if last else None)


async def on_document(
    message: Message,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    lang: str,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    data = await state.get_data()
    kind = _check_kind(me, str(data.get("kind", "")))
    document = message.document
    assert document is not None
    filename = document.file_name or "file"
    if not filename.lower().endswith(EXTENSIONS):
        await message.answer(t("office.import.bad_type"), reply_markup=_file_markup(kind, t))
        return
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await message.answer(
            t("office.import.too_big", mb=MAX_FILE_BYTES // (1024 * 1024)),
            reply_markup=_file_markup(kind, t),
        )
        return
    status = await message.answer(t("office.import.checking", name=escape(filename)))
    result = await _run(
        session, me, bot, status, kind, document.file_id, filename, dry_run=True, lang=lang, t=t
    )
    kb = InlineKeyboardBuilder()
    if result.ok:
        await state.set_state(ImportForm.confirm)
        await state.update_data(file_id=document.file_id, filename=filename)
        kb.button(text=t("office.import.apply"), callback_data=ImportCb(action="apply"))
        kb.button(text=t("office.import.cancel"), callback_data=ImportCb(action="cancel"))
        kb.adjust(1)
    else:
        # Stay on "send the file": a corrected file can be sent at once.
        kb.button(text=t("office.import.cancel"), callback_data=ImportCb(action="cancel"))
    await _report(status, result_lines(result, lang, t), kb.as_markup())


async def apply_import(
    query: CallbackQuery,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    lang: str,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    data = await state.get_data()
    if await state.get_state() != ImportForm.confirm.state or not data.get("file_id"):
        raise DomainError("office.import.expired")
    kind = _check_kind(me, str(data.get("kind", "")))
    if not isinstance(query.message, Message):
        return
    # The same file cannot be applied twice by a double tap.
    await state.clear()
    status = query.message
    await status.edit_text(t("office.import.applying", title=escape(_title(kind, lang))))
    result = await _run(
        session,
        me,
        bot,
        status,
        kind,
        str(data["file_id"]),
        str(data.get("filename") or "file"),
        dry_run=False,
        lang=lang,
        t=t,
    )
    kb = InlineKeyboardBuilder()
    kb.button(text=t("office.import.again"), callback_data=OfficeCb(action="imp"))
    home_button(kb, t)
    await _report(status, result_lines(result, lang, t), kb.as_markup())


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


async def not_a_file(message: Message, t: Translator) -> None:
    await message.answer(t("office.import.need_file"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(import_menu, on(OfficeCb, F.action == "imp"))
    router.callback_query.register(pick_kind, on(ImportCb, F.action == "kind"))
    router.callback_query.register(send_template, on(ImportCb, F.action == "tpl"))
    router.callback_query.register(cancel, on(ImportCb, F.action == "cancel"))
    router.callback_query.register(apply_import, on(ImportCb, F.action == "apply"))
    router.message.register(
        on_document, StateFilter(ImportForm.file, ImportForm.confirm), F.document
    )
    router.message.register(not_a_file, StateFilter(ImportForm.file), F.func(not_command))
    return router
