"""Actions: packed like aiogram's callback data (buttons already in chats keep working), within
64 bytes, and checked against their bounds when they come back."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import pytest
from aiogram.filters.callback_data import CallbackData

from screens import actions
from screens.actions import Action
from screens.bounds import Flag, Id, OneOf, OptOrdinal, RefusedButton
from screens.screen import Button, rows_of


class Mode(StrEnum):
    DAY = "d"
    WEEK = "w"


class Sample(Action, prefix="zt"):
    s: Id
    d: OptOrdinal
    m: Mode = Mode.DAY
    code: Annotated[str, OneOf("ill", "family")] = "ill"
    w: Flag = 0


class SampleCb(CallbackData, prefix="zt"):
    s: int
    d: int
    m: Mode = Mode.DAY
    code: str = "ill"
    w: int = 0


@pytest.mark.parametrize(
    "values",
    [
        {"s": 1, "d": 0},
        {"s": 2**31 - 1, "d": 739_000, "m": Mode.WEEK, "code": "family", "w": 1},
    ],
)
def test_the_wire_format_is_aiograms(values: dict[str, object]) -> None:
    packed = Sample(**values).pack()
    assert packed == SampleCb(**values).pack()
    assert Sample.unpack(packed) == Sample(**values)
    assert Sample.unpack(SampleCb(**values).pack()) == Sample(**values)


@pytest.mark.parametrize(
    "data",
    [
        "zt:0:0:d:ill:0",  # id below its range
        "zt:2147483648:0:d:ill:0",  # beyond INTEGER
        "zt:1:0:x:ill:0",  # not a mode
        "zt:1:0:d:flu:0",  # not a listed code
        "zt:1:0:d:ill:2",  # a flag is 0 or 1
        "zt:1:0:d:ill",  # a field missing
        "zt:1:0:d:ill:0:0",  # one too many
        "zt:1::d:ill:0",  # empty number
        "zt:1:abc:d:ill:0",
        "zu:1:0:d:ill:0",  # another prefix
    ],
)
def test_a_mutated_button_is_refused(data: str) -> None:
    with pytest.raises(RefusedButton):
        Sample.unpack(data)


def test_packing_refuses_what_would_not_fit_or_not_come_back() -> None:
    class Wide(Action, prefix="zw"):
        a: str

    with pytest.raises(ValueError, match="64 bytes"):
        Wide(a="я" * 40).pack()
    with pytest.raises(ValueError, match="':'"):
        Wide(a="a:b").pack()


def test_a_prefix_belongs_to_one_class() -> None:
    assert actions.known("zt:1:0:d:ill:0") is Sample
    assert actions.known("nobody:1") is None
    with pytest.raises(ValueError, match="taken"):

        class Clash(Action, prefix="zt"):
            s: Id


def test_rows_follow_aiogram_adjust() -> None:
    buttons = [Button(str(i), Sample(s=i + 1, d=0)) for i in range(7)]
    assert [len(r) for r in rows_of(buttons, 3, 1)] == [3, 1, 1, 1, 1]
    assert [len(r) for r in rows_of(buttons, 2)] == [2, 2, 2, 1]
    assert rows_of([], 3) == ()
    with pytest.raises(ValueError):
        rows_of(buttons, 0)


def test_a_button_has_an_action_or_a_url() -> None:
    with pytest.raises(ValueError):
        Button("x")
    with pytest.raises(ValueError):
        Button("x", Sample(s=1, d=0), url="https://example.org")
