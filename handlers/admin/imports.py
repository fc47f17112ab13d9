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
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.admin.common import OFFICE, answer_status, edit_screen
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from i18n import Translator
from screens.admin import imports as screens
from screens.admin.actions import ImportCb, OfficeCb
from screens.admin.imports import import_kinds
from services.errors import AccessDenied, DomainError
from services.imports import KINDS, ImportResult, import_file, template_xlsx
from services.imports.reader import MAX_FILE_BYTES
from services.people.identity import Actor

log = logging.getLogger(__name__)

PROGRESS_STEP = 0.1  # a tenth of the rows
PROGRESS_INTERVAL = 2.0  # seconds between two edits at least
EXTENSIONS = (".csv", ".xlsx")


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


def _check_kind(actor: Actor, kind: str) -> str:
    if kind not in KINDS:
        raise DomainError("error.invalid")
    if kind not in import_kinds(actor):
        raise AccessDenied()
    return kind


async def import_menu(query: CallbackQuery, me: Actor, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await show_screen(query, screens.kinds_screen(t, me))


async def pick_kind(
    query: CallbackQuery, callback_data: ImportCb, me: Actor, state: FSMContext, t: Translator
) -> None:
    kind = _check_kind(me, callback_data.kind)
    await state.set_state(ImportForm.file)
    await state.set_data({"kind": kind})
    await show_screen(query, screens.send_file_screen(t, kind))


async def send_template(query: CallbackQuery, callback_data: ImportCb, me: Actor, bot: Bot) -> None:
    kind = _check_kind(me, callback_data.kind)
    if not isinstance(query.message, Message):
        return
    await bot.send_chat_action(query.message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(template_xlsx, kind)
    await show_screen(query, screens.template_screen(kind, data))


async def cancel(query: CallbackQuery, me: Actor, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await show_screen(query, screens.kinds_screen(t, me, cancelled=True))


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    try:
        await bot.download(file_id, destination=buffer)
    except TelegramBadRequest as exc:
        # The messenger no longer knows the file (MAX keeps a file's address in the process's
        # memory only, so not across a restart): the office sends it again.
        raise DomainError("import.file_gone") from exc
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
    t: Translator,
) -> ImportResult:
    data = await _download(bot, file_id)
    progress = Progress(
        status,
        lambda done, total: screens.progress_text(t, done, total),
        render_stage=lambda name, done, total: screens.stage_text(t, name, done, total),
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


async def on_document(message: Message, turn: Turn, bot: Bot) -> None:
    session, me, state, t = turn.session, turn.me, turn.state, turn.t
    data = await state.get_data()
    kind = _check_kind(me, str(data.get("kind", "")))
    document = message.document
    assert document is not None
    filename = document.file_name or "file"
    if not filename.lower().endswith(EXTENSIONS):
        await send_screen(message, screens.refused_file_screen(t, kind))
        return
    if (document.file_size or 0) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        await send_screen(message, screens.refused_file_screen(t, kind, too_big_mb=mb))
        return
    status = await answer_status(message, screens.checking_screen(t, filename))
    result = await _run(
        session, me, bot, status, kind, document.file_id, filename, dry_run=True, t=t
    )
    if result.ok:
        await state.set_state(ImportForm.confirm)
        await state.update_data(file_id=document.file_id, filename=filename)
    await edit_screen(status, screens.result_screen(t, result))


async def apply_import(query: CallbackQuery, turn: Turn, bot: Bot) -> None:
    session, me, state, t = turn.session, turn.me, turn.state, turn.t
    data = await state.get_data()
    if await state.get_state() != ImportForm.confirm.state or not data.get("file_id"):
        raise DomainError("office.import.expired")
    kind = _check_kind(me, str(data.get("kind", "")))
    if not isinstance(query.message, Message):
        return
    # The same file cannot be applied twice by a double tap.
    await state.clear()
    status = query.message
    await edit_screen(status, screens.applying_screen(t, kind))
    result = await _run(
        session,
        me,
        bot,
        status,
        kind,
        str(data["file_id"]),
        str(data.get("filename") or "file"),
        dry_run=False,
        t=t,
    )
    await edit_screen(status, screens.result_screen(t, result))


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


async def not_a_file(message: Message, t: Translator) -> None:
    await send_screen(message, screens.need_file_screen(t))


def build_router() -> Router:
    """The import's steps, for the office; a text instead of the file (asked for in the office's
    step, so no role is checked again) in a router of its own after them."""
    office = private(gate(Router(name=f"{__name__}.office"), *OFFICE))
    office.callback_query.register(import_menu, on(OfficeCb, F.action == "imp"))
    office.callback_query.register(pick_kind, on(ImportCb, F.action == "kind"))
    office.callback_query.register(send_template, on(ImportCb, F.action == "tpl"))
    office.callback_query.register(cancel, on(ImportCb, F.action == "cancel"))
    office.callback_query.register(apply_import, on(ImportCb, F.action == "apply"))
    office.message.register(
        on_document, StateFilter(ImportForm.file, ImportForm.confirm), F.document
    )
    waiting = private(Router(name=f"{__name__}.waiting"))
    waiting.message.register(not_a_file, StateFilter(ImportForm.file), F.func(not_command))
    router = Router(name=__name__)
    router.include_routers(office, waiting)
    return router
