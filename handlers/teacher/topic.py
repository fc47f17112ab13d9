"""Topic and homework of a lesson.

Topic: the next unused lines of the thematic plan (КТП) as buttons, or typed. Homework: text,
photos and files over one or several messages (Telegram file ids are stored), for the whole class
or for chosen students (individual homework, seed 003 §2.2); saved with one tap.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import TEACHING, Clock, ensure_teaches, now_of, raise_lock, show
from screens.teacher.actions import HwCb, LessonCb, TopicCb
from screens.teacher.card import card_screen
from screens.teacher.topic import (
    HomeworkDraft,
    draft_screen,
    homework_saved_screen,
    homework_screen,
    students_screen,
    topic_saved_screen,
    topic_screen,
)
from services.errors import AccessDenied, DomainError, ValidationFailed
from services.homework import assignments, topics
from services.people.identity import Actor
from services.timetable import lesson_sheet
from services.timetable.lesson_sheet import LessonSheet

HW_KEY = "hw"
MAX_FILES = 10


class TopicStates(StatesGroup):
    text = State()


class HomeworkStates(StatesGroup):
    collect = State()


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None, *, homework: bool
) -> LessonSheet:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now_of(clock))
    ensure_teaches(sheet)
    if homework and sheet.first_grade:
        raise ValidationFailed("journal.first_grade_no_homework")
    raise_lock(sheet.text_lock)
    return sheet


# --------------------------------------------------------------------------- topic


async def open_topic(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    sheet = await _sheet(session, me, callback_data.lesson_id, clock, homework=False)
    choices = await topics.topic_suggestions(session, me, sheet.lesson_id)
    await state.set_state(TopicStates.text)
    await state.update_data(topic_lesson=sheet.lesson_id)
    await show(query, topic_screen(t, sheet, choices))


async def topic_from_plan(
    query: CallbackQuery,
    callback_data: TopicCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    await topics.set_topic(
        session, me, callback_data.lesson_id, plan_item_id=callback_data.item_id, now=now_of(clock)
    )
    await state.set_state(None)
    fresh = await lesson_sheet.lesson_sheet(session, me, callback_data.lesson_id, now=now_of(clock))
    await show(query, topic_saved_screen(t, fresh))


async def typed_topic(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    lesson_id = (await state.get_data()).get("topic_lesson")
    if not isinstance(lesson_id, int):
        await state.set_state(None)
        raise DomainError("quick.expired")
    await topics.set_topic(session, me, lesson_id, topic=message.text or "", now=now_of(clock))
    await state.set_state(None)
    fresh = await lesson_sheet.lesson_sheet(session, me, lesson_id, now=now_of(clock))
    await show(message, topic_saved_screen(t, fresh))


# --------------------------------------------------------------------------- homework


def _draft(data: dict[str, Any]) -> dict[str, Any]:
    draft = data.get(HW_KEY)
    if not isinstance(draft, dict):
        raise DomainError("quick.expired")
    return draft


def draft_of(draft: dict[str, Any]) -> HomeworkDraft:
    """The draft kept in the FSM as the screens read it."""
    return HomeworkDraft(
        text=draft.get("text") or "",
        files=len(draft.get("files") or []),
        students=frozenset(draft.get("students") or []),
    )


async def open_homework(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    sheet = await _sheet(session, me, callback_data.lesson_id, clock, homework=True)
    await state.set_state(HomeworkStates.collect)
    await state.update_data(
        {HW_KEY: {"lesson_id": sheet.lesson_id, "text": "", "files": [], "students": []}}
    )
    await show(query, homework_screen(t, sheet))


async def homework_message(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    data = await state.get_data()
    draft = _draft(data)
    text = message.text or message.caption or ""
    if text:
        draft["text"] = (draft.get("text", "") + "\n" + text).strip()
    files = list(draft.get("files") or [])
    if message.photo:
        best = message.photo[-1]
        files.append({"kind": "photo", "file_ref": best.file_id, "size": best.file_size})
    elif message.document:
        d = message.document
        files.append(
            {
                "kind": "document",
                "file_ref": d.file_id,
                "file_name": d.file_name,
                "mime_type": d.mime_type,
                "size": d.file_size,
            }
        )
    if len(files) > MAX_FILES:
        raise DomainError("teacher.hw.too_many_files", limit=MAX_FILES)
    draft["files"] = files
    # One answer per album, not one per photo.
    group = message.media_group_id
    quiet = group is not None and draft.get("group") == group
    draft["group"] = group
    await state.update_data({HW_KEY: draft})
    if quiet:
        return
    sheet = await _sheet(session, me, int(draft["lesson_id"]), clock, homework=True)
    await show(message, draft_screen(t, sheet, draft_of(draft)))


async def homework_action(
    query: CallbackQuery,
    callback_data: HwCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    if cb.action == "cancel":
        await state.set_state(None)
        await state.update_data({HW_KEY: None})
        fresh = await lesson_sheet.lesson_sheet(session, me, cb.lesson_id, now=now_of(clock))
        await show(query, card_screen(t, fresh))
        return
    sheet = await _sheet(session, me, cb.lesson_id, clock, homework=True)
    draft = _draft(await state.get_data())
    if draft.get("lesson_id") != sheet.lesson_id:
        raise DomainError("quick.expired")
    if cb.action == "who":
        await show(query, students_screen(t, sheet, draft_of(draft)))
        return
    if cb.action == "tog":
        if cb.student_id not in {s.id for s in sheet.students}:
            raise AccessDenied()
        chosen = list(draft.get("students") or [])
        if cb.student_id in chosen:
            chosen.remove(cb.student_id)
        else:
            chosen.append(cb.student_id)
        draft["students"] = chosen
        await state.update_data({HW_KEY: draft})
        await show(query, students_screen(t, sheet, draft_of(draft)))
        return
    if cb.action == "done":
        await show(query, draft_screen(t, sheet, draft_of(draft)))
        return
    if cb.action != "save":
        raise DomainError("error.invalid")
    files = [
        assignments.FileRef(
            kind=f["kind"],
            file_ref=f["file_ref"],
            file_name=f.get("file_name"),
            mime_type=f.get("mime_type"),
            size=f.get("size"),
        )
        for f in draft.get("files") or []
    ]
    await assignments.set_homework(
        session,
        me,
        sheet.lesson_id,
        draft.get("text") or "",
        files=files,
        student_ids=list(draft.get("students") or []) or None,
        now=now_of(clock),
    )
    await state.set_state(None)
    await state.update_data({HW_KEY: None})
    fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
    await show(query, homework_saved_screen(t, fresh))


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(open_topic, on(LessonCb, F.action == "topic"))
    router.callback_query.register(topic_from_plan, on(TopicCb))
    router.message.register(
        typed_topic, StateFilter(TopicStates.text), F.text, ~F.text.startswith("/")
    )
    router.callback_query.register(open_homework, on(LessonCb, F.action == "hw"))
    router.callback_query.register(homework_action, on(HwCb))
    router.message.register(
        homework_message,
        StateFilter(HomeworkStates.collect),
        F.text | F.photo | F.document,
        ~F.text.startswith("/"),
    )
    return router
