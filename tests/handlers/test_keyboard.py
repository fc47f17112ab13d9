"""The project's keyboard builder gives aiogram's markup without a deep copy per button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiogram.types import InlineKeyboardButton
from aiogram.utils import keyboard as aiogram_keyboard
from aiogram.utils.keyboard import InlineKeyboardBuilder as AiogramBuilder

from handlers.common.keyboard import InlineKeyboardBuilder


def _button(n: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=f"b{n}", callback_data=f"cb:{n}")


def _recipes() -> list[Callable[[Any], Any]]:
    def buttons(n: int) -> Callable[[Any], Any]:
        def build(kb: Any) -> Any:
            for i in range(n):
                kb.button(text=f"b{i}", callback_data=f"cb:{i}")
            return kb

        return build

    def mixed(kb: Any) -> Any:
        kb.row(_button(1), _button(2))
        for i in range(3, 14):
            kb.add(_button(i))
        kb.add(*(_button(i) for i in range(20, 31)))
        kb.adjust(3, 2)
        kb.row(_button(40), width=1)
        kb.button(text="last", callback_data="cb:last")
        return kb

    def adjusted(kb: Any) -> Any:
        for i in range(30):
            kb.button(text=f"s{i}", callback_data=f"s:{i}")
        kb.adjust(5)
        kb.row(_button(99))
        return kb

    return [buttons(0), buttons(1), buttons(8), buttons(9), buttons(30), mixed, adjusted]


@pytest.mark.parametrize("recipe", _recipes())
def test_the_markup_is_aiograms(recipe: Callable[[Any], Any]) -> None:
    ours = recipe(InlineKeyboardBuilder()).as_markup()
    theirs = recipe(AiogramBuilder()).as_markup()
    assert ours.model_dump() == theirs.model_dump()


def test_a_markup_passed_in_is_not_changed() -> None:
    given = [[_button(1)]]
    kb = InlineKeyboardBuilder(markup=given)
    kb.add(_button(2))
    assert [b.text for b in given[0]] == ["b1"]
    assert [[b.text for b in row] for row in kb.export()] == [["b1", "b2"]]


def test_thirty_buttons_are_not_deep_copied_thirty_times(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = aiogram_keyboard.deepcopy

    def counting(value: Any, *args: Any) -> Any:
        calls["n"] += 1
        return real(value, *args)

    monkeypatch.setattr(aiogram_keyboard, "deepcopy", counting)
    kb = InlineKeyboardBuilder()
    for i in range(30):
        kb.button(text=f"s{i}", callback_data=f"s:{i}")
    kb.adjust(5).as_markup()
    assert calls["n"] <= 2  # one copy by adjust, one by as_markup: not one per button
    calls["n"] = 0
    slow = AiogramBuilder()
    for i in range(30):
        slow.button(text=f"s{i}", callback_data=f"s:{i}")
    assert calls["n"] >= 30  # what this builder avoids
