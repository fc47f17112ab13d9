"""A roster file the messenger no longer has (MAX keeps a file's address in memory only) is
asked for again in the user's language, not answered with an internal error."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetFile

from handlers.admin.imports import _download
from i18n import translator
from services.errors import DomainError


class GoneBot:
    async def download(self, file_id: str, destination: Any) -> None:
        raise TelegramBadRequest(GetFile(file_id=file_id), "file not found")


async def test_a_file_gone_from_the_messenger_is_asked_for_again() -> None:
    with pytest.raises(DomainError) as refused:
        await _download(GoneBot(), "max:tok")  # type: ignore[arg-type]
    assert refused.value.code == "import.file_gone"
    assert translator("ru")(refused.value.code).startswith("Файл больше недоступен")
