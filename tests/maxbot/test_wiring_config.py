"""The MAX settings: Telegram only, MAX only or both; the webhook's URL and secret; one line
naming the setting when one is wrong; the MAX secrets never printed or logged."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import DEFAULT_MAX_API_URL, ConfigError, load_settings
from bot.logging import setup_logging

TG_TOKEN = "123456789:AAH-secret_part_of_the_token_0123456789"
MAX_TOKEN = "f9LHodD0cOJ5BXqW8eR2mK7Tz_max-token-value"
SECRET = "hook_Secret-42"
ENV_NAMES = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "REDIS_URL",
    "TELEGRAM_API_URL",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "BOT_USERNAME",
    "MAX_BOT_TOKEN",
    "MAX_API_URL",
    "MAX_WEBHOOK_URL",
    "MAX_WEBHOOK_SECRET",
    "MAX_WEBHOOK_HOST",
    "MAX_WEBHOOK_PORT",
    "MAX_WEBHOOK_PATH",
    "MAX_BOT_USERNAME",
    "NOTIFY_MAX_RATE_PER_SECOND",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_telegram_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TG_TOKEN)
    settings = load_settings()
    settings.require_messenger()
    assert settings.telegram_enabled and not settings.max_enabled


def test_max_only_needs_no_telegram_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BOT_TOKEN", MAX_TOKEN)
    settings = load_settings()
    settings.require_messenger()
    assert settings.max_enabled and not settings.telegram_enabled
    assert settings.require_max_token() == MAX_TOKEN
    assert settings.max_api_url == DEFAULT_MAX_API_URL
    assert settings.max_webhook_url is None  # long polling
    with pytest.raises(ConfigError, match=r"^BOT_TOKEN "):
        settings.require_token()


def test_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TG_TOKEN)
    monkeypatch.setenv("MAX_BOT_TOKEN", MAX_TOKEN)
    monkeypatch.setenv("MAX_API_URL", "http://127.0.0.1:8082/")
    settings = load_settings()
    assert settings.telegram_enabled and settings.max_enabled
    assert settings.max_api_url == "http://127.0.0.1:8082"


def test_neither_names_both() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings().require_messenger()
    message = str(info.value)
    assert message.startswith("BOT_TOKEN ") and "MAX_BOT_TOKEN" in message
    assert "\n" not in message


def test_cli_run_with_neither_is_one_line_naming_both(
    capsys: pytest.CaptureFixture[str], restore_root_logger: object
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "BOT_TOKEN" in err and "MAX_BOT_TOKEN" in err


def test_webhook_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BOT_TOKEN", MAX_TOKEN)
    monkeypatch.setenv("MAX_WEBHOOK_URL", "https://school.example/max/hook")
    monkeypatch.setenv("MAX_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("MAX_WEBHOOK_PORT", "9000")
    monkeypatch.setenv("MAX_WEBHOOK_PATH", "/max/hook")
    settings = load_settings()
    assert settings.max_webhook_url == "https://school.example/max/hook"
    assert settings.max_webhook_secret is not None
    assert settings.max_webhook_secret.get_secret_value() == SECRET
    assert (settings.max_webhook_host, settings.max_webhook_port) == ("127.0.0.1", 9000)
    assert settings.max_webhook_path == "/max/hook"


def test_a_local_webhook_may_be_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_WEBHOOK_URL", "http://127.0.0.1:8081/max/webhook")
    monkeypatch.setenv("MAX_WEBHOOK_SECRET", SECRET)
    assert load_settings().max_webhook_url == "http://127.0.0.1:8081/max/webhook"


def test_the_webhook_url_needs_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_WEBHOOK_URL", "https://school.example/max/hook")
    with pytest.raises(ConfigError, match=r"^MAX_WEBHOOK_SECRET is required with MAX_WEBHOOK_URL"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_WEBHOOK_URL", "http://school.example/max/hook"),  # MAX calls only https
        ("MAX_WEBHOOK_URL", "school.example/max/hook"),
        ("MAX_WEBHOOK_SECRET", "abcd"),  # 5 characters at least
        ("MAX_WEBHOOK_SECRET", "a" * 257),
        ("MAX_WEBHOOK_SECRET", "with space"),
        ("MAX_WEBHOOK_SECRET", "dots.not.allowed"),
        ("MAX_WEBHOOK_PORT", "0"),
        ("MAX_WEBHOOK_PORT", "70000"),
        ("MAX_WEBHOOK_PATH", "max/hook"),
        ("MAX_API_URL", "platform-api2.max.ru"),
        ("MAX_BOT_TOKEN", "short"),
        ("MAX_BOT_TOKEN", "a token with spaces in it"),
        ("MAX_BOT_USERNAME", "not a name"),
        ("NOTIFY_MAX_RATE_PER_SECOND", "31"),
        ("NOTIFY_MAX_RATE_PER_SECOND", "0"),
    ],
)
def test_malformed_max_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    if name == "MAX_WEBHOOK_URL":
        monkeypatch.setenv("MAX_WEBHOOK_SECRET", SECRET)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{name} is invalid"), message
    assert "\n" not in message
    if name in ("MAX_BOT_TOKEN", "MAX_WEBHOOK_SECRET"):
        assert value not in message


def test_secret_lengths_at_the_bounds_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    for secret in ("a" * 5, "Z9_-" * 64):
        monkeypatch.setenv("MAX_WEBHOOK_SECRET", secret)
        settings = load_settings()
        assert settings.max_webhook_secret is not None
        assert settings.max_webhook_secret.get_secret_value() == secret


def test_max_alert_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().notify_max_rate_per_second == 25.0
    monkeypatch.setenv("NOTIFY_MAX_RATE_PER_SECOND", "12.5")
    assert load_settings().notify_max_rate_per_second == 12.5


def test_max_username_from_the_setting_without_the_at(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BOT_USERNAME", "@school_journal_bot")
    assert load_settings().max_bot_username == "school_journal_bot"


def test_max_secrets_never_in_repr_and_registered_for_the_logs(
    monkeypatch: pytest.MonkeyPatch, restore_root_logger: object
) -> None:
    monkeypatch.setenv("MAX_BOT_TOKEN", MAX_TOKEN)
    monkeypatch.setenv("MAX_WEBHOOK_URL", "https://school.example/max/hook")
    monkeypatch.setenv("MAX_WEBHOOK_SECRET", SECRET)
    settings = load_settings()
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert MAX_TOKEN not in text and SECRET not in text
    assert set(settings.secrets()) == {MAX_TOKEN, SECRET}
    stream = io.StringIO()
    setup_logging("DEBUG", "json", secrets=settings.secrets(), stream=stream)
    logging.getLogger("maxbot.test").info("GET /updates token=%s secret=%s", MAX_TOKEN, SECRET)
    logged = stream.getvalue()
    assert MAX_TOKEN not in logged and SECRET not in logged
