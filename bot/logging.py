"""Structured logging: one line per event, JSON by default (LOG_FORMAT=json|text).

Every line has ``ts``, ``level``, ``logger``, ``msg`` and the extra fields passed with
``log.info("...", extra={...})`` (update_id, user_id, handler, duration_ms...). Secrets never
reach the output: the bot token (also inside aiohttp/aiogram request URLs) and other registered
secrets are masked by :class:`SecretMaskFilter` and again by the formatters, which also catch
tracebacks. Logs go to stderr, so stdout stays free for command output (``demo --json``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

MASK = "***"
# Anything shaped like a Telegram bot token, registered or not.
TOKEN_PATTERN = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,}")
# Passwords inside URLs: scheme://user:password@host
URL_PASSWORD_PATTERN = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)")

# Attributes every LogRecord has; anything else on a record is an "extra" field.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class SecretMasker:
    """Replaces registered secrets and token-like strings with ``***``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        for secret in secrets:
            if secret and len(secret) >= 4:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = TOKEN_PATTERN.sub(MASK, text)
        return URL_PASSWORD_PATTERN.sub(rf"\g<head>{MASK}", text)


# One process-wide masker: setup_logging() and register_secret() feed it.
masker = SecretMasker()


def register_secret(*secrets: str | None) -> None:
    """Mask these values in every log line from now on."""
    masker.add(*secrets)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return masker(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return masker(repr(value)) if not isinstance(value, dict | list | tuple) else value


class SecretMaskFilter(logging.Filter):
    """Masks secrets in the message and its arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = str(record.msg)
        record.msg = masker(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, _mask_value(value))
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in _extras(record).items():
            payload.setdefault(key, value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        line = json.dumps(payload, ensure_ascii=False, default=str)
        return masker(line)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            fields = " ".join(f"{k}={v}" for k, v in extras.items())
            first, sep, rest = line.partition("\n")
            line = f"{first} [{fields}]{sep}{rest}"
        return masker(line)


def setup_logging(
    level: str = "INFO",
    fmt: str = "json",
    *,
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Configure the root logger: one handler to stderr with masking. Returns the handler."""
    register_secret(*secrets)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(SecretMaskFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_schoolbot", False):
            root.removeHandler(old)
    handler._schoolbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # aiohttp's access logs and asyncio's debug chatter are noise at INFO.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return handler
