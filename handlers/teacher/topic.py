"""Topic and homework of a lesson.

Topic: the next unused lines of the thematic plan (КТП) as buttons, or typed. Homework: text,
photos and files over one or several messages (Telegram file ids are stored), for the whole class
or for chosen students (individual homework, seed 003 §2.2); saved with one tap.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import TEACHING, editable_sheet, sheet_now, show, typed_lesson
from screens.teacher import topic as screens
from screens.teacher.actions import HwCb, LessonCb, TopicCb
from screens.teacher.card import card_screen
from services.errors import AccessDenied, DomainError
from services.homework import assignments, topics
from services.timetable.lesson_sheet import LessonSheet

HW_KEY = "hw"
MAX_FILES = 10


class TopicStates(StatesGroup):
    text = State()


class HomeworkStates(StatesGroup):
    collect = State()


async def _sheet(turn: Turn, lesson_id: int, *, homework: bool) -> LessonSheet:
    return await editable_sheet(
        turn.session,
        turn.me,
        lesson_id,
        turn.now(),
        lock="text",
        first_grade="journal.first_grade_no_homework" if homework else None,
    )


# --------------------------------------------------------------------------- topic


async def open_topic(query: CallbackQuery, callback_data: LessonCb, turn: Turn) -> None:
    sheet = await _sheet(turn, callback_data.lesson_id, homework=False)
    choices = await topics.topic_suggestions(turn.session, turn.me, sheet.lesson_id)
    await turn.state.set_state(TopicStates.text)
    await turn.state.update_data(topic_lesson=sheet.lesson_id)
    await show(query, screens.topic_screen(turn.t, sheet, choices))


async def _topic_saved(target: CallbackQuery | Message, turn: Turn, lesson_id: int) -> None:
    await turn.state.set_state(None)
    await show(target, screens.topic_saved_screen(turn.t, await sheet_now(turn, lesson_id)))


async def topic_from_plan(query: CallbackQuery, callback_data: TopicCb, turn: Turn) -> None:
    lesson_id = callback_data.lesson_id
    await topics.set_topic(
        turn.session, turn.me, lesson_id, plan_item_id=callback_data.item_id, now=turn.now()
    )
    await _topic_saved(query, turn, lesson_id)


async def typed_topic(message: Message, turn: Turn) -> None:
    lesson_id = await typed_lesson(turn.state, "topic_lesson")
    await topics.set_topic(
        turn.session, turn.me, lesson_id, topic=message.text or "", now=turn.now()
    )
    await _topic_saved(message, turn, lesson_id)


# --------------------------------------------------------------------------- homework


def _draft(data: dict[str, Any]) -> dict[str, Any]:
    draft = data.get(HW_KEY)
    if not isinstance(draft, dict):
        raise DomainError("quick.expired")
    return draft


def draft_of(draft: dict[str, Any]) -> screens.HomeworkDraft:
    """The draft kept in the FSM as the screens read it."""
    return screens.HomeworkDraft(
        text=draft.get("text") or "",
        files=len(draft.get("files") or []),
        students=frozenset(draft.get("students") or []),
    )


async def open_homework(query: CallbackQuery, callback_data: LessonCb, turn: Turn) -> None:
    sheet = await _sheet(turn, callback_data.lesson_id, homework=True)
    await turn.state.set_state(HomeworkStates.collect)
    await turn.state.update_data(
        {HW_KEY: {"lesson_id": sheet.lesson_id, "text": "", "files": [], "students": []}}
    )
    await show(query, screens.homework_screen(turn.t, sheet))


async def homework_message(message: Message, turn: Turn) -> None:
    state = turn.state
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
    sheet = await _sheet(turn, int(draft["lesson_id"]), homework=True)
    await show(message, screens.draft_screen(turn.t, sheet, draft_of(draft)))


async def homework_action(query: CallbackQuery, callback_data: HwCb, turn: Turn) -> None:
    cb, state, t = callback_data, turn.state, turn.t
    if cb.action == "cancel":
        await state.set_state(None)
        await state.update_data({HW_KEY: None})
        await show(query, card_screen(t, await sheet_now(turn, cb.lesson_id)))
        return
    sheet = await _sheet(turn, cb.lesson_id, homework=True)
    draft = _draft(await state.get_data())
    if draft.get("lesson_id") != sheet.lesson_id:
        raise DomainError("quick.expired")
    if cb.action == "who":
        await show(query, screens.students_screen(t, sheet, draft_of(draft)))
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
        await show(query, screens.students_screen(t, sheet, draft_of(draft)))
        return
    if cb.action == "done":
        await show(query, screens.draft_screen(t, sheet, draft_of(draft)))
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
        turn.session,
        turn.me,
        sheet.lesson_id,
        draft.get("text") or "",
        files=files,
        student_ids=list(draft.get("students") or []) or None,
        now=turn.now(),
    )
    await state.set_state(None)
    await state.update_data({HW_KEY: None})
    await show(query, screens.homework_saved_screen(t, await sheet_now(turn, sheet.lesson_id)))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *TEACHING))
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
