"""MAX updates as aiogram updates (maxbot/updates.py) and MAX ids as ints (maxbot/ids.py)."""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

import pytest
from aiogram.enums import ChatMemberStatus

from maxbot.ids import Lru, MessageIds, group_chat_id, message_int
from maxbot.updates import to_update, to_updates

TS = 1_764_556_200_123  # 2025-12-01 02:30:00.123 UTC, in milliseconds
USER = {"user_id": 5001, "first_name": "Анна", "last_name": "Иванова", "is_bot": False}
BOT = {"user_id": 777, "first_name": "Журнал", "is_bot": True}


def message(
    text: str | None = "привет",
    *,
    mid: str = "mid.0001",
    sender: dict[str, Any] | None = None,
    chat_type: str = "dialog",
    chat_id: int = 90001,
    attachments: list[dict[str, Any]] | None = None,
    markup: list[Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"mid": mid, "seq": 1, "text": text}
    if attachments is not None:
        body["attachments"] = attachments
    if markup is not None:
        body["markup"] = markup
    recipient: dict[str, Any] = {"chat_id": chat_id, "chat_type": chat_type}
    if chat_type == "dialog":
        recipient["user_id"] = 777
    return {
        "sender": sender if sender is not None else dict(USER),
        "recipient": recipient,
        "timestamp": TS,
        "body": body,
    }


def created(msg: dict[str, Any], locale: str | None = "ru-RU") -> dict[str, Any]:
    raw: dict[str, Any] = {"update_type": "message_created", "timestamp": TS, "message": msg}
    if locale is not None:
        raw["user_locale"] = locale
    return raw


def callback(payload: Any = "ft:1:2:3", msg: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "update_type": "message_callback",
        "timestamp": TS,
        "callback": {
            "timestamp": TS,
            "callback_id": "cb.0001",
            "payload": payload,
            "user": dict(USER),
        },
        "message": msg,
        "user_locale": "en-US",
    }


# ---------------------------------------------------------------------- ids


def test_message_int_is_stable_positive_and_62_bits() -> None:
    n = message_int("mid.00000000000000010000000000000001")
    assert n == message_int("mid.00000000000000010000000000000001")
    assert 0 < n < 2**62
    assert n != message_int("mid.00000000000000010000000000000002")


def test_ids_map_both_ways_and_forget_the_oldest() -> None:
    ids = MessageIds(capacity=2)
    a, b = ids.to_int("mid.a"), ids.to_int("mid.b")
    assert (ids.to_mid(a), ids.to_mid(b)) == ("mid.a", "mid.b")
    ids.to_mid(a)  # a is now the most recently used
    c = ids.to_int("mid.c")
    assert ids.to_mid(b) is None
    assert (ids.to_mid(a), ids.to_mid(c)) == ("mid.a", "mid.c")
    assert ids.to_mid(12345) is None
    # Another process maps the same mid to the same int.
    assert MessageIds().to_int("mid.a") == a


def test_lru_refuses_no_capacity() -> None:
    with pytest.raises(ValueError):
        Lru[int, int](0)


def test_group_chat_ids_are_negative() -> None:
    assert group_chat_id(-70001) == -70001
    assert group_chat_id(70001) == -70001


# ---------------------------------------------------------------------- message_created


def test_a_dialog_message_is_a_private_message_of_the_user() -> None:
    ids = MessageIds()
    (update,) = to_updates(created(message("/help")), 41, ids)
    assert update.update_id == 41
    m = update.message
    assert m is not None
    assert m.chat.id == 5001 and m.chat.type == "private"  # the user's id, not the dialog's
    assert m.from_user is not None
    assert (m.from_user.id, m.from_user.first_name, m.from_user.last_name) == (
        5001,
        "Анна",
        "Иванова",
    )
    assert m.from_user.language_code == "ru"
    assert m.text == "/help"
    assert m.date == dt.datetime(2025, 12, 1, 2, 30, tzinfo=dt.UTC)
    assert m.message_id == message_int("mid.0001")
    assert ids.to_mid(m.message_id) == "mid.0001"
    assert ids.dialog_of(5001) == 90001


def test_an_older_payload_with_one_name() -> None:
    sender = {"user_id": 5002, "name": "Пётр Петров"}
    (update,) = to_updates(created(message(sender=sender), locale="en_GB"), 1, MessageIds())
    assert update.message is not None and update.message.from_user is not None
    assert update.message.from_user.first_name == "Пётр Петров"
    assert update.message.from_user.language_code == "en"


@pytest.mark.parametrize("locale", [None, "", "12-34", "x" * 40, "ру-RU", 7])
def test_an_odd_locale_gives_no_language(locale: Any) -> None:
    raw = created(message())
    raw["user_locale"] = locale
    (update,) = to_updates(raw, 1, MessageIds())
    assert update.message is not None and update.message.from_user is not None
    assert update.message.from_user.language_code is None


def test_a_group_message_is_in_a_negative_group() -> None:
    ids = MessageIds()
    (update,) = to_updates(created(message(chat_type="chat", chat_id=-70001)), 1, ids)
    assert update.message is not None
    assert (update.message.chat.id, update.message.chat.type) == (-70001, "group")
    assert ids.group_of(-70001) == -70001


def test_markup_becomes_entities() -> None:
    markup: list[Any] = [
        {"type": "strong", "from": 0, "length": 5},
        {"type": "link", "from": 6, "length": 4, "url": "https://example.org"},
        {"type": "emphasized", "from": 500, "length": 2},  # out of the text: left out
        {"type": "heading", "from": 0, "length": 2},  # no Telegram entity: left out
        {"type": "strong", "from": "0", "length": 2},
        "junk",
    ]
    (update,) = to_updates(created(message("Важно сюда", markup=markup)), 1, MessageIds())
    assert update.message is not None
    assert update.message.html_text == '<b>Важно</b> <a href="https://example.org">сюда</a>'


def test_a_file_is_a_document_with_a_max_file_id() -> None:
    ids = MessageIds()
    attachment = {
        "type": "file",
        "payload": {"url": "https://files.example/a?sig=1", "token": "tokA"},
        "filename": "roster.xlsx",
        "size": 2048,
    }
    msg = message("подпись", attachments=[attachment])
    (update,) = to_updates(created(msg), 1, ids)
    m = update.message
    assert m is not None and m.document is not None
    assert m.document.file_id == "max:tokA"
    assert (m.document.file_name, m.document.file_size) == ("roster.xlsx", 2048)
    assert (m.text, m.caption) == (None, "подпись")
    assert ids.file_url("tokA") == "https://files.example/a?sig=1"


def test_an_image_is_a_photo() -> None:
    ids = MessageIds()
    image = {"type": "image", "payload": {"photo_id": 9, "token": "tokP", "url": "https://i/p"}}
    (update,) = to_updates(created(message(None, attachments=[image])), 1, ids)
    m = update.message
    assert m is not None and m.photo is not None
    assert m.photo[-1].file_id == "max:tokP"
    assert ids.file_url("tokP") == "https://i/p"


def test_a_bots_message_is_ignored() -> None:
    ids = MessageIds()
    assert to_updates(created(message(sender=dict(BOT))), 1, ids) == []
    assert ids.to_mid(message_int("mid.0001")) is not None  # still known, for an edit


def test_a_channel_message_is_ignored() -> None:
    assert to_updates(created(message(chat_type="channel", chat_id=-1)), 1, MessageIds()) == []


# ---------------------------------------------------------------------- message_callback


def test_a_press_is_a_callback_query_with_the_pressed_message() -> None:
    ids = MessageIds()
    keyboard = {
        "type": "inline_keyboard",
        "payload": {
            "buttons": [
                [{"type": "callback", "text": "▶", "payload": "ft:1:2:3"}],
                [{"type": "link", "text": "сайт", "url": "https://example.org"}],
            ]
        },
    }
    pressed = message("Расписание", mid="mid.bot1", sender=dict(BOT), attachments=[keyboard])
    (update,) = to_updates(callback("ft:1:2:3", pressed), 3, ids)
    q = update.callback_query
    assert q is not None
    assert (q.id, q.data, q.from_user.id, q.from_user.language_code) == (
        "cb.0001",
        "ft:1:2:3",
        5001,
        "en",
    )
    assert q.message is not None
    assert q.message.chat.id == 5001 and q.message.chat.type == "private"
    assert q.message.message_id == message_int("mid.bot1")
    assert ids.to_mid(q.message.message_id) == "mid.bot1"
    markup = q.message.reply_markup  # type: ignore[union-attr]
    assert markup is not None
    assert markup.inline_keyboard[0][0].callback_data == "ft:1:2:3"
    assert markup.inline_keyboard[1][0].url == "https://example.org"


def test_a_press_on_a_deleted_message_has_no_message() -> None:
    (update,) = to_updates(callback("ft:1:2:3", None), 1, MessageIds())
    assert update.callback_query is not None and update.callback_query.message is None


def test_a_1024_character_payload_goes_on_to_be_refused_by_the_handlers() -> None:
    (update,) = to_updates(callback("x" * 1024), 1, MessageIds())
    assert update.callback_query is not None and update.callback_query.data == "x" * 1024


@pytest.mark.parametrize("payload", ["x" * 1025, 17, None, ["ft:1"], {"a": 1}])
def test_a_payload_max_cannot_send_carries_no_data(payload: Any) -> None:
    (update,) = to_updates(callback(payload), 1, MessageIds())
    assert update.callback_query is not None and update.callback_query.data is None


# ---------------------------------------------------------------------- bot_started / stopped


def started(payload: Any = None) -> dict[str, Any]:
    raw = {"update_type": "bot_started", "timestamp": TS, "chat_id": 90001, "user": dict(USER)}
    if payload is not None:
        raw["payload"] = payload
    return raw


def test_bot_started_makes_the_user_reachable_then_starts() -> None:
    ids = MessageIds()
    member, start = to_updates(started("inviteTOKEN"), 10, ids, bot_id=777)
    assert (member.update_id, start.update_id) == (10, 11)
    assert member.my_chat_member is not None
    assert member.my_chat_member.chat.id == 5001
    assert member.my_chat_member.new_chat_member.status == ChatMemberStatus.MEMBER
    assert member.my_chat_member.new_chat_member.user.id == 777
    assert start.message is not None
    assert (start.message.chat.id, start.message.text) == (5001, "/start inviteTOKEN")
    assert ids.dialog_of(5001) == 90001
    assert to_update(started("inviteTOKEN"), 10, ids) == start


@pytest.mark.parametrize("payload", [None, "", "  ", "two words", "x" * 513, 42])
def test_bot_started_without_a_usable_payload_is_a_bare_start(payload: Any) -> None:
    updates = to_updates(started(payload), 1, MessageIds())
    assert updates[-1].message is not None and updates[-1].message.text == "/start"


def test_bot_stopped_is_a_kicked_member() -> None:
    raw = {"update_type": "bot_stopped", "timestamp": TS, "chat_id": 90001, "user": dict(USER)}
    (update,) = to_updates(raw, 1, MessageIds())
    assert update.my_chat_member is not None
    assert update.my_chat_member.chat.id == 5001
    assert update.my_chat_member.new_chat_member.status == ChatMemberStatus.KICKED


# ---------------------------------------------------------------------- the rest and forgeries


@pytest.mark.parametrize(
    "kind",
    [
        "message_edited",
        "message_removed",
        "dialog_cleared",
        "dialog_removed",
        "dialog_muted",
        "user_added",
        "user_removed",
        "bot_added",
        "chat_title_changed",
        "something_new",
    ],
)
def test_other_kinds_make_nothing(kind: str) -> None:
    raw = created(message())
    raw["update_type"] = kind
    assert to_updates(raw, 1, MessageIds()) == []


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "message_created",
        {},
        {"update_type": "message_created"},
        {"update_type": "message_created", "message": "text"},
        {"update_type": "message_created", "message": {"body": {"mid": "m"}}},
        {"update_type": "message_callback"},
        {"update_type": "message_callback", "callback": {"callback_id": "c"}},
        {"update_type": "message_callback", "callback": {"user": USER, "callback_id": 5}},
        {"update_type": "bot_started", "user": {"user_id": "5001"}},
        {"update_type": "bot_started", "user": {"user_id": True}},
        {"update_type": "bot_started", "user": {"user_id": -5}},
        {"update_type": "bot_stopped"},
        {"update_type": ["message_created"]},
    ],
)
def test_malformed_updates_make_nothing(raw: Any) -> None:
    assert to_updates(raw, 1, MessageIds()) == []


def _mutations(value: Any, rng: random.Random) -> Any:
    junk: list[Any] = [None, 0, -1, 2**70, True, "", "x" * 5000, [], {}, [None], 1.5]
    if isinstance(value, dict):
        out = {k: _mutations(v, rng) for k, v in value.items() if rng.random() > 0.1}
        return out
    if isinstance(value, list):
        return [_mutations(v, rng) for v in value]
    return rng.choice(junk) if rng.random() < 0.3 else value


def test_mutated_updates_never_raise() -> None:
    image = {"type": "image", "payload": {"photo_id": 9, "token": "t", "url": "https://i/p"}}
    keyboard = {
        "type": "inline_keyboard",
        "payload": {"buttons": [[{"type": "callback", "text": "a", "payload": "ft:1"}]]},
    }
    samples = [
        created(message(markup=[{"type": "strong", "from": 0, "length": 2}])),
        created(message(attachments=[image])),
        created(message(chat_type="chat", chat_id=-3)),
        callback("ft:1:2:3", message(sender=dict(BOT), attachments=[keyboard])),
        started("token"),
        {"update_type": "bot_stopped", "timestamp": TS, "chat_id": 1, "user": dict(USER)},
    ]
    rng = random.Random(20261201)
    converted = 0
    for _ in range(400):
        raw = _mutations(copy.deepcopy(rng.choice(samples)), rng)
        converted += bool(to_updates(raw, 1, MessageIds()))
    assert converted > 0  # some mutations still convert; none raised
