"""aiogram's types are built on first use in the bot process, charting is imported only when
a chart is drawn, and a method's Response[...] survives the garbage collector."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys, weakref
import bot.app
from aiogram import methods, types
from aiogram.methods.base import Response
from bot import lazy_types

out = {
    "installed": lazy_types.installed(),
    "message_built_at_import": types.Message.__pydantic_complete__,
    "charting_at_import": [m for m in ("matplotlib", "numpy", "PIL") if m in sys.modules],
}
lazy_types.build(*bot.app.PREBUILT_TYPES)
update = types.Update.model_validate(
    {
        "update_id": 1,
        "message": {
            "message_id": 2,
            "date": 1700000000,
            "chat": {"id": 5, "type": "private", "first_name": "A"},
            "from": {"id": 5, "is_bot": False, "first_name": "A"},
            "text": "/diary",
        },
    }
)
out["text"] = update.message.text
markup = types.InlineKeyboardMarkup(
    inline_keyboard=[[types.InlineKeyboardButton(text="x", callback_data="d:1")]]
)
sent = methods.SendMessage(chat_id=5, text="hi", reply_markup=markup)
out["dumped"] = sent.model_dump(exclude_none=True)["reply_markup"]
kept = weakref.ref(Response[methods.SendMessage.__returning__])
gc.collect()
out["response_kept"] = kept() is not None
out["response_referenced"] = any(r is kept() for r in lazy_types._responses)
from services.marks import charts
out["charting_after_charts_import"] = "matplotlib" in sys.modules
png = charts.marks_chart_png([], title="t", xlabel="x", no_marks="-")
out["png"] = png[:4].hex()
print(json.dumps(out))
"""


def test_bot_process_builds_types_lazily_and_charts_on_demand() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["installed"] is True
    assert out["message_built_at_import"] is False
    assert out["charting_at_import"] == []
    assert out["text"] == "/diary"
    assert out["dumped"] == {"inline_keyboard": [[{"text": "x", "callback_data": "d:1"}]]}
    assert out["response_kept"] is True
    assert out["response_referenced"] is True
    assert out["charting_after_charts_import"] is False
    assert out["png"] == "89504e47"
