"""aiogram's inline keyboard builder with a linear ``add`` (and screens' actions as buttons).

aiogram's ``KeyboardBuilder.add`` (and so ``button``) deep-copies the whole markup built so far
before appending, so a keyboard of n buttons costs n deep copies of up to n pydantic buttons:
about 35 ms of CPU for a class of 30 on the marks and attendance screens, more than the rest of
the update. This builder appends in place and copies only the row it extends; everything else
(``row``, ``adjust``, ``attach``, ``as_markup``, validation) is aiogram's, and the markup it
produces is the same (tests/handlers/test_keyboard.py builds both and compares).
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as _AiogramBuilder

from screens.actions import Action


class InlineKeyboardBuilder(_AiogramBuilder):
    _own_rows = False

    def button(
        self, *, callback_data: str | Action | CallbackData | None = None, **kwargs: Any
    ) -> InlineKeyboardBuilder:
        """aiogram's ``button``, also taking a screen's :class:`Action` as callback data."""
        if isinstance(callback_data, Action):
            callback_data = callback_data.pack()
        super().button(callback_data=callback_data, **kwargs)
        return self

    def add(self, *buttons: InlineKeyboardButton) -> InlineKeyboardBuilder:
        self._validate_buttons(*buttons)
        if not self._own_rows:
            # Rows of a markup passed in stay the caller's: copied once, shallowly.
            self._markup = [list(row) for row in self._markup]
            self._own_rows = True
        markup = self._markup
        if markup and len(markup[-1]) < self.max_width:
            room = self.max_width - len(markup[-1])
            head, buttons = buttons[:room], buttons[room:]
            markup[-1].extend(head)
        if self.max_width > 0:
            while buttons:
                markup.append(list(buttons[: self.max_width]))
                buttons = buttons[self.max_width :]
        else:
            markup.append(list(buttons))
        return self
