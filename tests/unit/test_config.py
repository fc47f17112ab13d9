"""Settings: a missing or malformed one gives one line naming it; secrets never leak."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import TOKEN_EXAMPLE, ConfigError, Settings, load_settings
from bot.logging import SecretMasker, setup_logging

TOKEN = "123456789:AAH-secret_part_of_the_token_0123456789"
# Every setting the process reads from its environment (MAX's included).
ENV_NAMES = tuple(f.alias for f in Settings.model_fields.values() if f.alias)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the developer's shell or .env file leaks into a test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_defaults_load() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.log_format == "json"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("DATABASE_URL", "::::"),
        ("REDIS_URL", "localhost:6379"),
        ("TELEGRAM_API_URL", "localhost:8081"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus"),
        ("LOG_LEVEL", "LOUD"),
        ("LOG_FORMAT", "xml"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{name} ")
    assert "\n" not in message


def test_malformed_token_value_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:short")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "short" not in str(info.value)


def test_setting_from_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    assert load_settings().log_level == "DEBUG"


def test_missing_token_names_it() -> None:
    with pytest.raises(ConfigError, match=r"^BOT_TOKEN "):
        load_settings().require_token()


def test_token_never_in_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2pass@127.0.0.1:6379/3")
    settings = load_settings()
    assert settings.require_token() == TOKEN
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert TOKEN not in text
        assert "hunter2pass" not in text


def test_token_never_in_logs(restore_root_logger: object) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", "json", secrets=[TOKEN], stream=stream)
    log = logging.getLogger("aiogram.test")
    log.info("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    log.info("request", extra={"url": f"https://api.telegram.org/bot{TOKEN}/getMe"})
    try:
        raise RuntimeError(f"Cannot connect to https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("failed")
    output = stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 3
    assert TOKEN not in output
    assert "secret_part_of_the_token" not in output
    assert lines[0]["msg"] == "POST https://api.telegram.org/bot***/getUpdates"
    assert {"ts", "level", "logger", "msg"} <= set(lines[1])
    assert lines[1]["url"] == "https://api.telegram.org/bot***/getMe"
    assert "exc" in lines[2]


def test_unregistered_token_shapes_and_url_passwords_are_masked() -> None:
    mask = SecretMasker()
    assert "secret_part" not in mask(f"bot{TOKEN}/getMe")
    assert mask("redis://user:pa55word@host:6379/0") == "redis://user:***@host:6379/0"


def test_text_format_has_extras_and_masks(restore_root_logger: object) -> None:
    stream = io.StringIO()
    setup_logging("INFO", "text", secrets=[TOKEN], stream=stream)
    logging.getLogger("bot.updates").info("update", extra={"update_id": 5, "token": TOKEN})
    line = stream.getvalue()
    assert "update_id=5" in line and TOKEN not in line and line.count("\n") == 1


def test_log_level_filters(restore_root_logger: object) -> None:
    stream = io.StringIO()
    setup_logging("WARNING", "json", stream=stream)
    logging.getLogger("x").info("hidden")
    logging.getLogger("x").warning("shown")
    assert [json.loads(line)["msg"] for line in stream.getvalue().splitlines()] == ["shown"]


def test_cli_run_without_token_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], restore_root_logger: object
) -> None:
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("BOT_TOKEN ")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_cli_malformed_setting_exits_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_root_logger: object,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x/y")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("DATABASE_URL ") and err.count("\n") == 1


def test_settings_accept_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("LOG_FORMAT", "TEXT")
    settings = Settings()
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.log_format == "text"


def test_refused_token_hint_shows_a_shape_the_check_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC...")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("BOT_TOKEN is invalid")
    shown = re.search(r"\d+:[A-Za-z0-9_-]+", message)
    assert shown is not None and shown.group(0) == TOKEN_EXAMPLE
    # The example really passes the check the message stands for.
    monkeypatch.setenv("BOT_TOKEN", shown.group(0))
    assert load_settings().require_token() == TOKEN_EXAMPLE


def test_clock_start_pins_the_process_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from services.models import start_clock_at, utcnow

    monkeypatch.setenv("CLOCK_START", "2026-12-02T10:20:00")
    with pytest.raises(ConfigError, match="CLOCK_START"):
        load_settings()
    monkeypatch.setenv("CLOCK_START", "2026-12-02T10:20:00+03:00")
    moment = load_settings().clock_start
    assert moment is not None
    start_clock_at(moment)
    try:
        drift = utcnow() - moment
        assert dt.timedelta(0) <= drift < dt.timedelta(minutes=5)
    finally:
        start_clock_at(None)
    assert abs(utcnow() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_an_empty_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # NAME= in .env or an empty variable passed through by docker compose: the default, not "".
    for name in ("HEALTH_PORT", "CLOCK_START", "BACKUP_DIR", "REDIS_URL", "TELEGRAM_WEBHOOK_URL"):
        monkeypatch.setenv(name, "")
    settings = load_settings()
    assert settings.health_port is None
    assert settings.clock_start is None
    assert settings.backup_dir is None
    assert settings.redis_url is None
    assert settings.telegram_webhook_url is None
