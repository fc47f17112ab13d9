"""The conversations as described, without a messenger: each step's parser on good and bad
input, the order of the steps, and the buttons that cancel."""

from __future__ import annotations

import datetime as dt

import pytest

from i18n import translator
from screens.bounds import FIRST_DAY, LAST_DAY
from screens.common.actions import GuestCb
from screens.common.signin import SIGN_IN
from screens.conversation import Asked, Conversation, Finished, Invalid, Refused, Step
from screens.family.actions import NoticeCancelCb, NoticeDayCb
from screens.family.notice import NOTICE
from screens.screen import Screen
from services.attendance.notices import MAX_REASON
from services.people.context import StudentRef

TODAY = dt.date(2026, 11, 20)
ANNA = StudentRef(id=11, name="Анна <Смирнова>", class_name="5А")


def test_sign_in_asks_the_login_then_the_password() -> None:
    assert SIGN_IN.path("guest") == ["guest", "password"]
    assert SIGN_IN.path("login") == ["login", "password"]
    assert SIGN_IN.state("password") == "LoginForm:password"  # aiogram's format, as before
    assert SIGN_IN.step_of("LoginForm:login") is SIGN_IN.step("login")
    assert SIGN_IN.step_of("NoticeForm:dates") is None and SIGN_IN.step_of(None) is None


def test_a_plausible_login_is_kept_for_the_password_step() -> None:
    outcome = SIGN_IN.reply("guest", "  ivanov.p ", {})
    assert isinstance(outcome, Asked)
    assert outcome.step.name == "password" and outcome.values == {"login": "ivanov.p"}
    t = translator("ru")
    assert outcome.step.prompt(t, outcome.values).texts == (t("login.ask_password"),)


def test_a_question_instead_of_a_login_is_answered_with_the_ways_in() -> None:
    outcome = SIGN_IN.reply("login", "Здравствуйте, как войти?", {})
    assert outcome == Refused(SIGN_IN.step("login"), Invalid("guest.how_to_get"))
    t = translator("en")
    screen = outcome.screen(t)
    assert screen.texts == (t("guest.how_to_get"),)
    assert [b.action for b in screen.buttons] == [
        GuestCb(action="link"),
        GuestCb(action="login"),
        GuestCb(action="how"),
    ]


def test_the_password_ends_the_sign_in_with_both_values() -> None:
    outcome = SIGN_IN.reply("password", "s3cret word", {"login": "ivanov.p"})
    assert isinstance(outcome, Finished)
    assert outcome.values == {"login": "ivanov.p", "password": "s3cret word"}
    assert not SIGN_IN.cancel and not SIGN_IN.cancels(GuestCb(action="how"))


def test_notice_dates_are_read_with_the_schools_today() -> None:
    assert NOTICE.path("dates") == ["dates"]  # then the reason buttons, not a typed step
    facts = {"today": TODAY}
    outcome = NOTICE.reply("dates", "23.11–24.11", {"s": 11}, facts)
    assert isinstance(outcome, Finished)
    assert outcome.values == {"s": 11, "dates": (dt.date(2026, 11, 23), dt.date(2026, 11, 24))}
    assert "today" not in outcome.values  # what the adapter looked up is not kept


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("завтра", "notice.bad_dates"),
        ("31.02", "notice.bad_dates"),
        ("0001-01-01", "error.date_window"),
    ],
)
def test_notice_dates_that_do_not_fit_are_asked_again(typed: str, key: str) -> None:
    outcome = NOTICE.reply("dates", typed, {"s": 11}, {"today": TODAY})
    assert isinstance(outcome, Refused) and outcome.invalid.key == key
    text = outcome.screen(translator("ru")).texts[0]
    assert text != key  # a translated message, not the key
    if key == "error.date_window":  # the message names the journal's window
        assert f"{FIRST_DAY:%d.%m.%Y}" in text and f"{LAST_DAY:%d.%m.%Y}" in text


def test_a_typed_reason_ends_the_notice_an_empty_or_long_one_is_refused() -> None:
    values = {"s": 11, "a": TODAY.toordinal(), "b": TODAY.toordinal()}
    done = NOTICE.reply("reason", "к врачу", values)
    assert isinstance(done, Finished) and done.values["reason"] == "к врачу"
    empty = NOTICE.reply("reason", "   ", values)
    assert isinstance(empty, Refused) and empty.invalid.key == "notice.reason_empty"
    long = NOTICE.reply("reason", "x" * (MAX_REASON + 1), values)
    assert isinstance(long, Refused) and long.invalid.key == "error.too_long"
    text = long.screen(translator("en")).texts[0]
    assert str(MAX_REASON) in text and "field" not in text


def test_the_notice_is_cancelled_by_its_cancel_button_only() -> None:
    assert NOTICE.cancels(NoticeCancelCb(s=11))
    assert not NOTICE.cancels(NoticeDayCb(s=11, a=0))
    assert NOTICE.cancelled is not None
    t = translator("ru")
    assert NOTICE.cancelled(t).texts == (t("notice.cancelled"),)


def test_the_prompts_carry_the_child_and_the_cancel_button() -> None:
    t = translator("ru")
    opened = NOTICE.open("dates", {"s": 11})
    screen = opened.step.prompt(t, {**opened.values, "student": ANNA})
    assert "Анна &lt;Смирнова&gt;" in screen.texts[0] and t("notice.ask_dates") in screen.texts[0]
    assert [b.action for b in screen.buttons] == [NoticeCancelCb(s=11)]
    assert screen.replace  # in place of the days' message


def _prompt(t: object, values: object) -> Screen:
    return Screen(("?",))


def _text(text: str, values: object) -> str:
    return text


def test_a_description_is_checked_when_it_is_made() -> None:
    with pytest.raises(ValueError, match="no step"):
        Conversation("X", (Step("a", _prompt, _text, next="b"),))
    with pytest.raises(ValueError, match="two steps"):
        Conversation("X", (Step("a", _prompt, _text), Step("a", _prompt, _text)))
    with pytest.raises(ValueError, match="cancelled screen"):
        Conversation("X", (Step("a", _prompt, _text),), cancel=(NoticeCancelCb,))
