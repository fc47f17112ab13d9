"""Hostile buttons and arguments: nothing a chat sends may crash a handler.

Every callback data class the bot registers (found from its routers) has each field mutated
(huge and negative ints, zero, non-numbers, empty, overlong, unknown codes, days out of range)
and every command (from the routers and the command catalogue) gets hostile arguments, each
followed by a hostile typed answer for whatever prompt it opened. All of it is fed to the real
Dispatcher by a guest and by signed-in users of every role of the factories' school. Nothing may
raise in a handler ("handler failed", ``error.internal``), and every press is answered once.

The sample is seeded (the same presses every run) rather than exhaustive, to stay within
seconds; it runs on both databases because ids overflow differently there (PostgreSQL's
INTEGER is 32 bits, SQLite's 64).
"""

from __future__ import annotations

import logging
import random

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery

from bot.i18n import t
from handlers.common.commands import CATALOGUE
from screens.bounds import FIRST_DAY, LAST_DAY, MAX_ID
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.factories import NOW, SchoolWorld
from tests.handlers.buttons import (
    GUEST,
    HOSTILE_STRS,
    ROLE_USERS,
    answers_per_query,
    callback_classes,
    commands,
    failures,
    field_choices,
    hostile_values,
    internal_errors,
    pack,
    world_ids,
)

USERS = [GUEST, *ROLE_USERS.values()]
# Always tried on every field: beyond 64 bits, beyond INTEGER, negative, and a free id.
ALWAYS = [str(2**64 + 1), str(MAX_ID + 1), "-1", str(MAX_ID)]
HOSTILE_ARGS = [
    "9999-12-31",
    "0001-01-01",
    "31.12.9999",
    "1.1.1",
    "29.02",
    "32.13",
    "1.1.99999999999999999999",
    "99999999999999999999",
    "-1",
    "0",
    "Иванова 9999-12-31",
    "' OR 1=1 --",
    "<b>x</b> & <i>",
    "x" * 3000,
    "\u0000\u202e",
    "٣١.١٢",
    "20.11–01.01",
    "20.11-20.11.9999",
    *HOSTILE_STRS,
]
# Signing out would leave the rest of the run without that user's role.
SKIPPED_COMMANDS = {"logout"}


@pytest.fixture
def fuzz_dp(dp: Dispatcher) -> Dispatcher:
    dp["clock"] = lambda: NOW
    dp["family_clock"] = lambda: NOW
    return dp


@pytest.fixture
def world(signed_in_world: SchoolWorld) -> SchoolWorld:
    """Here ``world`` is the factories' school, everyone of ``ROLE_USERS`` signed in."""
    return signed_in_world


async def test_mutated_buttons_and_hostile_arguments_crash_nothing(
    fuzz_dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = world_ids(world)
    rng = random.Random(17)
    pressed: list[str] = []
    classes = callback_classes(fuzz_dp)
    assert len(classes) > 30
    with caplog.at_level(logging.INFO):
        for cls in classes:
            choices = {name: field_choices(cls, name, ids) for name in cls.model_fields}
            for name in cls.model_fields:
                extra = [v for v in hostile_values() if v not in ALWAYS]
                for value in ALWAYS + rng.sample(extra, 4):
                    values = {n: rng.choice(c) for n, c in choices.items()}
                    values[name] = value
                    user_id = rng.choice(USERS)
                    update = make_callback_update(user_id, pack(cls, values), message_text="…")
                    await fuzz_dp.feed_update(bot, update)
                    assert update.callback_query is not None
                    pressed.append(update.callback_query.id)
                    # A hostile answer to whatever prompt the button opened.
                    if rng.random() < 0.3:
                        text = rng.choice(HOSTILE_ARGS)
                        await fuzz_dp.feed_update(bot, make_message_update(user_id, text))
        names = sorted(set(commands(fuzz_dp)) | {c.name for c in CATALOGUE})
        for command in names:
            if command in SKIPPED_COMMANDS:
                continue
            for user_id in USERS:
                for arg in ["9999-12-31", *rng.sample(HOSTILE_ARGS, 2)]:
                    await fuzz_dp.feed_update(
                        bot, make_message_update(user_id, f"/{command} {arg}")
                    )
                    await fuzz_dp.feed_update(
                        bot, make_message_update(user_id, rng.choice(HOSTILE_ARGS))
                    )
    counts = answers_per_query(bot)
    assert [q for q in pressed if counts[q] != 1] == []
    assert internal_errors(bot) == []
    assert failures(caplog.records) == []


@pytest.mark.parametrize(
    "data",
    [
        "t_les:99999999999999999999:open",
        f"t_les:{2**63}:att",
        f"t_term:save:{2**63}:1:1:0:",
        f"t_att:{MAX_ID + 1}:all:0:0",
        f"t_mk:{2**70}:kind::0:0:0:0:0",
        f"o_rep:0:{2**63}:0:0:0:0:",
        f"fd:{2**63}:739000:0",
        f"fd:1:{10**12}:0",
        f"fh:1:{2**64}",
        f"fm:{2**63}:0",
        f"ft:0:{2**63}:0",
        f"nr:1:{2**63}:{2**63}:ill",
        f"c_jr:cls:{2**63}:0:0:0",
        f"t_day:{2**63}:20261118",
        "t_day:1:99991231",
        "nd:345:-1",
        "t_les:1:explode",
    ],
)
async def test_a_mutated_button_is_refused_like_a_forgery(
    fuzz_dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    user_id = ROLE_USERS["parent"] if data[0] in "fn" else ROLE_USERS["deputy"]
    with caplog.at_level(logging.INFO):
        await fuzz_dp.feed_update(bot, make_callback_update(user_id, data, message_text="…"))
    (answer,) = bot.session.requests_of(AnswerCallbackQuery)
    assert (answer.text, answer.show_alert) == (t("ru", "error.forbidden"), True)
    refused = [r for r in caplog.records if r.getMessage() == "refused button"]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert refused[0].exc_info is None
    assert failures(caplog.records) == []


@pytest.mark.parametrize(
    ("who", "text"),
    [
        ("teacher", "/today 9999-12-31"),
        ("teacher", "/today 0001-01-01"),
        ("teacher", "/today 31.12.9999"),
        ("parent", "/homework 9999-12-31"),
        ("parent", "/homework 0001-01-01"),
    ],
)
async def test_a_date_out_of_range_gets_a_clear_answer(
    fuzz_dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
    who: str,
    text: str,
) -> None:
    user_id = ROLE_USERS[who]
    with caplog.at_level(logging.INFO):
        await fuzz_dp.feed_update(bot, make_message_update(user_id, text))
        await fuzz_dp.feed_update(bot, make_message_update(user_id, text, language_code="en"))
    window = {"first": f"{FIRST_DAY:%d.%m.%Y}", "last": f"{LAST_DAY:%d.%m.%Y}"}
    assert bot.session.sent_texts(user_id)[-2:] == [
        t("ru", "error.date_window", **window),
        t("en", "error.date_window", **window),
    ]
    assert failures(caplog.records) == []


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Ива\u0000нова", "error.control_chars"),
        ("Иванова\u202e", "error.bad_query"),
        ("я" * 100, "error.bad_query"),
    ],
)
async def test_a_typed_surname_with_control_characters_gets_a_clear_answer(
    fuzz_dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
    query: str,
    key: str,
) -> None:
    user_id = ROLE_USERS["deputy"]
    with caplog.at_level(logging.INFO):
        await fuzz_dp.feed_update(bot, make_message_update(user_id, f"/today {query}"))
    assert bot.session.sent_texts(user_id) == [t("ru", key, limit=64)]
    assert failures(caplog.records) == []


async def test_a_typed_answer_with_control_characters_gets_a_clear_answer(
    fuzz_dp: Dispatcher,
    bot: RecordingBot,
    world: SchoolWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each prompt a button opens (topic, homework, quick marks, an unlock reason, a broadcast,
    the dates of a notice, a search) answered with a NUL: PostgreSQL cannot store it."""
    lesson = world.lesson_today.id
    prompts = [
        ("class_teacher", f"bc:cls:{world.cls.id}", "Собрание\u0000"),
        ("teacher", f"t_les:{lesson}:topic", "Тема\u0000"),
        ("teacher", f"t_les:{lesson}:hw", "Задание\u0001"),
        ("teacher", f"t_les:{lesson}:qm", "Ив 5\u0000"),
        ("deputy", f"t_ul:{world.lesson_old.id}:0", "сбой\u0000"),
        ("parent", f"nd:{world.students[0].id}:0", "20.11\u0000"),
        ("admin", "o_menu:find", "Ив\u0000"),
    ]
    clear = t("ru", "error.control_chars")
    with caplog.at_level(logging.INFO):
        for who, data, text in prompts:
            user_id = ROLE_USERS[who]
            await fuzz_dp.feed_update(bot, make_callback_update(user_id, data, message_text="…"))
            await fuzz_dp.feed_update(bot, make_message_update(user_id, text))
            assert bot.session.sent_texts(user_id)[-1] == clear, data
    assert internal_errors(bot) == []
    assert failures(caplog.records) == []
