"""The family views through the Dispatcher: commands, buttons edited in place, forged buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.i18n import t
from screens.family.actions import (
    NoticeDayCb,
    NoticeReasonCb,
)
from screens.family.child import ChildAction
from screens.family.diary import DiaryAction, DiaryFilesAction, HomeworkAction
from screens.family.marks import ChartAction, MarksAction
from screens.family.timetable import ClassTimetableAction, TimetableAction
from services.models import AbsenceNotice, MessengerBinding, OutboxMessage, School, Subgroup
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.factories import TODAY
from tests.family.conftest import (
    ANNA,
    CLASS_TEACHER,
    PARENT,
    PARENT2,
    STUDENT,
    TEACHER,
    TRUSTED,
    Family,
)

TOMORROW = TODAY + dt.timedelta(days=1)


def buttons(markup: Any) -> list[str]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.callback_data or "" for row in markup.inline_keyboard for b in row]


def last_markup(bot: RecordingBot) -> Any:
    sent = [r for r in bot.session.requests if isinstance(r, SendMessage | EditMessageText)]
    return sent[-1].reply_markup


def edits(bot: RecordingBot) -> list[str]:
    return [r.text for r in bot.session.requests_of(EditMessageText) if isinstance(r.text, str)]


def alerts(bot: RecordingBot) -> list[str | None]:
    return [r.text for r in bot.session.requests_of(AnswerCallbackQuery) if r.show_alert]


async def press(dp: Dispatcher, bot: RecordingBot, user: int, data: str, **kw: Any) -> None:
    await dp.feed_update(bot, make_callback_update(user, data, **kw))


async def say(dp: Dispatcher, bot: RecordingBot, user: int, text: str, lang: str = "ru") -> None:
    await dp.feed_update(bot, make_message_update(user, text, language_code=lang))


# --------------------------------------------------------------------------- diary


async def answer(dp: Dispatcher, bot: RecordingBot, user: int, text: str) -> list[str]:
    """What the bot sends ``user`` in answer to ``text`` (what it sent before is forgotten)."""
    bot.session.clear()
    await say(dp, bot, user, text)
    return bot.session.sent_texts(user)


async def test_diary_today_then_next_day_and_week_in_place(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id
    await say(dp, bot, PARENT2, "/diary")
    (text,) = bot.session.sent_texts(PARENT2)
    assert text.startswith("👤 <b>Петрова Анна</b>, 7А")
    assert "Среда, 18 ноября</b> — сегодня" in text
    assert "ДЗ: № 125, 126 &lt;i&gt;&amp;&lt;/i&gt; 📎 1" in text
    data = buttons(last_markup(bot))
    next_day = DiaryAction(s=anna, d=TOMORROW.toordinal()).pack()
    assert next_day in data
    assert DiaryFilesAction(s=anna, d=TODAY.toordinal()).pack() in data

    bot.session.clear()
    await press(dp, bot, PARENT2, next_day)
    (edited,) = edits(bot)
    assert "Четверг, 19 ноября" in edited and "Петрова Анна" in edited
    assert bot.session.requests_of(SendMessage) == []

    bot.session.clear()
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=TODAY.toordinal(), w=1).pack())
    (week,) = edits(bot)
    assert "Дневник на неделю 16 ноября – 22 ноября" in week
    assert "Среда, 18 ноября" in week and "Четверг, 19 ноября" in week


async def test_diary_files_button_sends_the_files(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id
    await press(dp, bot, PARENT2, DiaryFilesAction(s=anna, d=TODAY.toordinal()).pack())
    (doc,) = bot.session.requests_of(SendDocument)
    assert doc.document == f"file-{family_world.world.lesson_today.id}-0"
    assert doc.caption == "задание-1.pdf"


async def test_forged_child_in_a_button_is_refused(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    ivanov = family_world.world.students[0].id  # another family's child
    for data in (
        DiaryAction(s=ivanov, d=TODAY.toordinal()).pack(),
        DiaryFilesAction(s=ivanov, d=TODAY.toordinal()).pack(),
        HomeworkAction(s=ivanov, d=TOMORROW.toordinal()).pack(),
        MarksAction(s=ivanov).pack(),
        ChartAction(s=ivanov).pack(),
        TimetableAction(s=ivanov, d=0).pack(),
        ChildAction(s=ivanov).pack(),
        NoticeDayCb(s=ivanov, a=TOMORROW.toordinal()).pack(),
        NoticeReasonCb(s=ivanov, a=TOMORROW.toordinal(), b=TOMORROW.toordinal(), r="ill").pack(),
    ):
        bot.session.clear()
        await press(dp, bot, PARENT2, data)
        assert edits(bot) == [], data
        assert bot.session.requests_of(SendMessage) == [], data
        assert bot.session.requests_of(SendDocument) == [], data
        assert bot.session.requests_of(SendPhoto) == [], data
        assert alerts(bot) == [t("ru", "error.forbidden")], data
    async with family_world.session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(AbsenceNotice)) == 0
        binding = await s.scalar(
            select(MessengerBinding).where(MessengerBinding.external_user_id == str(PARENT2))
        )
        assert binding is not None and binding.active_student_id is None


async def test_student_sees_only_themself(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    await say(dp, bot, STUDENT, "/diary")
    (text,) = bot.session.sent_texts(STUDENT)
    assert text.startswith("👤 <b>Иванов Пётр</b>, 7А")
    assert "Работа над ошибками" in text  # his own personal homework
    bot.session.clear()
    anna = family_world.world.students[1].id
    await press(dp, bot, STUDENT, DiaryAction(s=anna, d=TODAY.toordinal()).pack())
    assert edits(bot) == [] and alerts(bot) == [t("ru", "error.forbidden")]
    bot.session.clear()
    await say(dp, bot, STUDENT, "/notice")
    assert bot.session.sent_texts(STUDENT) == [t("ru", "notice.parents_only")]


async def test_guest_and_staff_get_a_hint(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    await say(dp, bot, 7999, "/diary")
    assert bot.session.sent_texts(7999) == [t("ru", "signin.required")]
    await say(dp, bot, TEACHER, "/marks")
    assert bot.session.sent_texts(TEACHER) == [t("ru", "family.not_family")]


async def test_english_diary(dp: Dispatcher, bot: RecordingBot, family_world: Family) -> None:
    await say(dp, bot, PARENT2, "/diary", lang="en")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "Wednesday, 18 November</b> — today" in text
    assert "Marks: <b>4</b> (classwork)" in text


async def test_today_is_the_schools_today(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    async with family_world.session_factory() as s:
        school = await s.get(School, family_world.world.school.id)
        assert school is not None
        school.timezone = "Asia/Vladivostok"
        await s.commit()
    dp["family_clock"] = lambda: dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC)
    await say(dp, bot, PARENT2, "/diary")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "Четверг, 19 ноября</b> — сегодня" in text
    homework = await answer(dp, bot, PARENT2, "/homework")
    assert "Домашнее задание — <b>пятница, 20 ноября</b>" in homework[0]


# --------------------------------------------------------------------------- child


async def test_parent_switches_between_children(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    world = family_world.world
    await say(dp, bot, PARENT2, "/child")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "Петрова Анна" in text
    assert buttons(last_markup(bot)) == [
        ChildAction(s=world.students[1].id).pack(),
        ChildAction(s=world.other_student.id).pack(),
    ]
    bot.session.clear()
    await press(dp, bot, PARENT2, ChildAction(s=world.other_student.id).pack())
    (edited,) = edits(bot)
    assert "👤 <b>Чужой Кирилл</b>, 8Б" in edited
    (text,) = await answer(dp, bot, PARENT2, "/diary")
    assert text.startswith("👤 <b>Чужой Кирилл</b>, 8Б")
    assert "Математика" in text and "Английский" not in text
    assert t("ru", "family.child.only_one") in (await answer(dp, bot, PARENT, "/child"))[0]


# --------------------------------------------------------------------------- homework, marks


async def test_homework_for_tomorrow_and_other_days(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id
    await say(dp, bot, PARENT2, "/homework")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "Домашнее задание — <b>четверг, 19 ноября</b>" in text
    assert "<b>Русский язык</b>: Упр. 45" in text
    data = buttons(last_markup(bot))
    assert DiaryFilesAction(s=anna, d=TOMORROW.toordinal(), h=1).pack() in data
    bot.session.clear()
    await press(dp, bot, PARENT2, DiaryFilesAction(s=anna, d=TOMORROW.toordinal(), h=1).pack())
    assert len(bot.session.requests_of(SendDocument)) == 1
    assert "Выходной" in (await answer(dp, bot, PARENT2, "/homework 22.11"))[0]
    bot.session.clear()
    await say(dp, bot, PARENT2, "/homework вчера")
    assert bot.session.sent_texts(PARENT2) == [t("ru", "family.bad_date")]


async def test_marks_with_advice_and_chart(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    world = family_world.world
    anna = world.students[1].id
    await say(dp, bot, PARENT2, "/marks")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "средний балл 4,33 → «4»" in text
    assert "для «5» нужна ещё 1 пятёрка" in text
    data = buttons(last_markup(bot))
    assert MarksAction(s=anna, p=world.q1.id).pack() in data
    chart = ChartAction(s=anna, p=world.q2.id).pack()
    assert chart in data
    bot.session.clear()
    await press(dp, bot, PARENT2, chart)
    (photo,) = bot.session.requests_of(SendPhoto)
    assert photo.caption is not None and "Петрова Анна" in photo.caption
    bot.session.clear()
    await press(dp, bot, PARENT2, MarksAction(s=anna, p=world.q1.id).pack())
    (edited,) = edits(bot)
    assert "1 четверть" in edited and "Предметов и отметок за этот период нет" in edited


async def test_trusted_person_sees_marks_not_homework(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    await say(dp, bot, TRUSTED, "/marks")
    (text,) = bot.session.sent_texts(TRUSTED)
    assert text.startswith("👤 <b>Иванов Пётр</b>") and "Математика</b>: 2" in text
    (text,) = await answer(dp, bot, TRUSTED, "/homework")
    assert "недоступен" in text and "Работа над ошибками" not in text
    assert "недоступен" in (await answer(dp, bot, TRUSTED, "/attendance"))[0]


# --------------------------------------------------------------------------- attendance, timetable


async def test_attendance_and_timetable(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    await say(dp, bot, PARENT2, "/attendance")
    (text,) = bot.session.sent_texts(PARENT2)
    assert "Пропущено уроков: <b>2</b> из 5" in text
    (text,) = await answer(dp, bot, ANNA, "/timetable")
    assert text.startswith("👤 <b>Петрова Анна</b>") and "Английский язык" in text
    assert "Английский язык" in (await answer(dp, bot, STUDENT, "/timetable"))[0]
    (text,) = await answer(dp, bot, TEACHER, "/timetable")
    assert "Ваши уроки" in text and "8Б Математика" in text and "вы замещаете" in text
    bot.session.clear()
    await press(dp, bot, TEACHER, TimetableAction(s=0, d=TODAY.toordinal(), w=1).pack())
    (week,) = edits(bot)
    assert "Расписание на неделю 16 ноября – 22 ноября" in week


# --------------------------------------------------------------------------- notice


async def test_notice_by_buttons(dp: Dispatcher, bot: RecordingBot, family_world: Family) -> None:
    world = family_world.world
    anna = world.students[1].id
    await say(dp, bot, PARENT2, "/notice")
    assert NoticeDayCb(s=anna, a=TOMORROW.toordinal()).pack() in buttons(last_markup(bot))
    await press(dp, bot, PARENT2, NoticeDayCb(s=anna, a=TOMORROW.toordinal()).pack())
    assert "Отсутствие: <b>четверг, 19 ноября</b>. Причина?" in edits(bot)[-1]
    a = TOMORROW.toordinal()
    await press(dp, bot, PARENT2, NoticeReasonCb(s=anna, a=a, b=a, r="ill").pack())
    assert "Классный руководитель получит уведомление" in edits(bot)[-1]
    async with family_world.session_factory() as s:
        (notice,) = (await s.scalars(select(AbsenceNotice))).all()
        assert (notice.student_id, notice.date_from, notice.reason) == (anna, TOMORROW, "болезнь")
        (alert,) = (await s.scalars(select(OutboxMessage))).all()
        assert alert.kind == "notice.created"
        assert alert.recipient_person_id == world.class_teacher.id
    # The diary of that day shows it.
    bot.session.clear()
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=a).pack())
    assert "отсутствие заявлено заранее" in edits(bot)[0]


async def test_notice_typed_dates_and_reason(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id
    await say(dp, bot, PARENT2, "/notice")
    await press(dp, bot, PARENT2, NoticeDayCb(s=anna, a=0).pack())
    assert t("ru", "notice.ask_dates") in edits(bot)[-1]
    await say(dp, bot, PARENT2, "в пятницу")
    assert bot.session.sent_texts(PARENT2)[-1] == t("ru", "notice.bad_dates")
    await say(dp, bot, PARENT2, "23.11–24.11")
    assert "с 23 ноября по 24 ноября" in bot.session.sent_texts(PARENT2)[-1]
    first, last = dt.date(2026, 11, 23).toordinal(), dt.date(2026, 11, 24).toordinal()
    assert NoticeReasonCb(s=anna, a=first, b=last, r="other").pack() in buttons(last_markup(bot))
    await press(dp, bot, PARENT2, NoticeReasonCb(s=anna, a=first, b=last, r="other").pack())
    await say(dp, bot, PARENT2, "Олимпиада <по математике>")
    done = bot.session.sent_texts(PARENT2)[-1]
    assert "Олимпиада &lt;по математике&gt;" in done
    async with family_world.session_factory() as s:
        (notice,) = (await s.scalars(select(AbsenceNotice))).all()
        assert notice.date_to == dt.date(2026, 11, 24)
    # The state is cleared: a later text is not taken as a reason.
    await say(dp, bot, PARENT2, "привет")
    later = bot.session.sent_texts(PARENT2)[-1]
    assert "Олимпиада" not in later
    # A parent's stray text is offered to the child's teachers (/messages), not a reason.
    assert later.startswith("Кому написать о ребёнке") and "«привет»" in later


async def test_notice_in_the_past_is_explained(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id
    a = (TODAY - dt.timedelta(days=1)).toordinal()
    await press(dp, bot, PARENT2, NoticeReasonCb(s=anna, a=a, b=a, r="ill").pack())
    assert alerts(bot) == [t("ru", "notice.in_past")]
    assert edits(bot) == []


async def test_class_timetable_for_staff(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    world = family_world.world
    await say(dp, bot, CLASS_TEACHER, "/timetable")
    (text,) = bot.session.sent_texts(CLASS_TEACHER)
    assert "Ваши уроки" in text and "7А Английский язык" in text
    own_class = ClassTimetableAction(c=world.cls.id, d=TODAY.toordinal()).pack()
    assert own_class in buttons(last_markup(bot))
    bot.session.clear()
    await press(dp, bot, CLASS_TEACHER, own_class)
    (edited,) = edits(bot)
    assert "Расписание класса 7А" in edited
    assert "Английский язык (Группа 1)</b> · Классная М." in edited
    assert "🔄 замена: Учителев И." in edited
    # A subject teacher has no class buttons; a class not theirs is refused, like a parent.
    bot.session.clear()
    await say(dp, bot, TEACHER, "/timetable")
    assert not any(b.startswith("fy:") for b in buttons(last_markup(bot)))
    for user in (TEACHER, PARENT2):
        bot.session.clear()
        await press(dp, bot, user, ClassTimetableAction(c=world.first.id, d=0).pack())
        assert edits(bot) == [] and alerts(bot) == [t("ru", "error.forbidden")]


async def test_a_long_view_waits_for_the_pace(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    bot.session.add_result_for(SendMessage, ok=False, error_code=429, retry_after=1)
    await say(dp, bot, PARENT2, "/diary")
    sent = bot.session.requests_of(SendMessage)
    assert len(sent) == 2 and sent[0].text == sent[1].text


async def test_notice_withdrawn_from_the_notice_menu(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    from screens.family.actions import NoticeWithdrawCb

    world = family_world.world
    anna = world.students[1].id
    a = TOMORROW.toordinal()
    await say(dp, bot, PARENT2, "/notice")
    await press(dp, bot, PARENT2, NoticeDayCb(s=anna, a=a).pack())
    await press(dp, bot, PARENT2, NoticeReasonCb(s=anna, a=a, b=a, r="ill").pack())
    async with family_world.session_factory() as s:
        (notice,) = (await s.scalars(select(AbsenceNotice))).all()
    bot.session.clear()
    await say(dp, bot, PARENT2, "/notice")
    assert NoticeWithdrawCb(n=notice.id).pack() in buttons(last_markup(bot))
    await press(dp, bot, PARENT2, NoticeWithdrawCb(n=notice.id).pack())
    assert "Уведомление отменено" in edits(bot)[-1]
    async with family_world.session_factory() as s:
        row = await s.get(AbsenceNotice, notice.id)
        assert row is not None and row.cancelled_at is not None


async def test_diary_day_arrows_skip_weekends_and_holidays(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    anna = family_world.world.students[1].id

    def arrows() -> tuple[str, str]:
        data = buttons(last_markup(bot))
        return data[0], data[2]

    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=friday.toordinal()).pack())
    assert arrows()[1] == DiaryAction(s=anna, d=monday.toordinal()).pack()
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=monday.toordinal()).pack())
    assert arrows()[0] == DiaryAction(s=anna, d=friday.toordinal()).pack()
    # The autumn holidays (25.10–04.11) are skipped too: from Thursday 05.11 back to 23.10.
    after_holidays = dt.date(2026, 11, 5)
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=after_holidays.toordinal()).pack())
    assert arrows()[0] == DiaryAction(s=anna, d=dt.date(2026, 10, 23).toordinal()).pack()
    # A six-day week: Saturday is a school day.
    async with family_world.session_factory() as s:
        school = await s.get(School, family_world.world.school.id)
        assert school is not None
        school.working_weekdays = "123456"
        await s.commit()
    await press(dp, bot, PARENT2, DiaryAction(s=anna, d=friday.toordinal()).pack())
    assert arrows()[1] == DiaryAction(s=anna, d=dt.date(2026, 11, 21).toordinal()).pack()


async def test_class_timetable_does_not_repeat_the_subject_in_the_group(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    world = family_world.world
    async with family_world.session_factory() as s:
        group = await s.get(Subgroup, world.subgroup.id)
        assert group is not None
        group.name = "Английский язык, группа 1"
        await s.commit()
    await press(
        dp, bot, CLASS_TEACHER, ClassTimetableAction(c=world.cls.id, d=TODAY.toordinal()).pack()
    )
    (edited,) = edits(bot)
    assert "Английский язык (группа 1)</b>" in edited
    assert "(Английский язык" not in edited
