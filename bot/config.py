"""Settings from the environment or a .env file (pydantic-settings).

The names are a contract with operators and scripts: BOT_TOKEN, DATABASE_URL, REDIS_URL,
TELEGRAM_API_URL, DEFAULT_TIMEZONE, LOG_LEVEL, and for MAX (docs/max.md) MAX_BOT_TOKEN,
MAX_API_URL, MAX_WEBHOOK_URL, MAX_WEBHOOK_SECRET, MAX_WEBHOOK_HOST, MAX_WEBHOOK_PORT,
MAX_WEBHOOK_PATH, MAX_BOT_USERNAME, and for a deployment (docs/deploy.md) TELEGRAM_WEBHOOK_URL,
TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_HOST, TELEGRAM_WEBHOOK_PORT, TELEGRAM_WEBHOOK_PATH,
BOT_TOKENS, HEALTH_HOST, HEALTH_PORT. The bot runs with Telegram (BOT_TOKEN), MAX
(MAX_BOT_TOKEN) or both. A missing or malformed one stops start-up with one line naming it;
secrets are SecretStr and never printed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/schoolbot.sqlite3"
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
# The shape of a real token, shown when a token is refused; it passes TOKEN_RE (tested).
TOKEN_EXAMPLE = "123456789:AAEhBP0av28ZsU3J8fCf2gAuRhBTQ6Wp9Eo"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# MAX (docs/max.md): the real API, a token as the platform issues it (no spaces), the webhook's
# secret as the schema allows it (sent back in X-Max-Bot-Api-Secret), a bot's username.
DEFAULT_MAX_API_URL = "https://platform-api2.max.ru"
MAX_TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-.:=+/]{16,512}$")
MAX_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{5,256}$")
TELEGRAM_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # NAME= (an empty line of .env, an empty variable of compose) is unset, not "".
        env_ignore_empty=True,
    )

    bot_token: SecretStr | None = Field(default=None, alias="BOT_TOKEN")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    redis_url: SecretStr | None = Field(default=None, alias="REDIS_URL")
    # The process's one Redis client: at most this many connections; a command waits up to
    # REDIS_POOL_TIMEOUT seconds for a free one (then that call uses the in-process fallback,
    # with a log line); connect and reads time out after REDIS_SOCKET_TIMEOUT; while Redis is
    # away the process tries it again every REDIS_RETRY_SECONDS.
    redis_max_connections: int = Field(default=50, alias="REDIS_MAX_CONNECTIONS", ge=2, le=10_000)
    redis_pool_timeout: float = Field(default=10.0, alias="REDIS_POOL_TIMEOUT", gt=0, le=300)
    redis_socket_timeout: float = Field(default=5.0, alias="REDIS_SOCKET_TIMEOUT", gt=0, le=300)
    redis_retry_seconds: float = Field(default=5.0, alias="REDIS_RETRY_SECONDS", gt=0, le=3600)
    # Updates handled at once; more wait their turn (each holds a database connection, and the
    # database pool must not time out under a burst).
    update_concurrency: int = Field(default=10, alias="UPDATE_CONCURRENCY", ge=1, le=1000)
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    default_timezone: str = Field(default="Europe/Moscow", alias="DEFAULT_TIMEZONE")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: str = Field(default="json", alias="LOG_FORMAT")
    # Public username of the bot for invite links (t.me/<name>?start=...); getMe fills it at run.
    bot_username: str = Field(default="schoolbot", alias="BOT_USERNAME")
    # MAX: the bot's token; the API (a local server for trying it: python -m testkit.maxapi);
    # with MAX_WEBHOOK_URL (public, https) the bot subscribes and serves the webhook on
    # MAX_WEBHOOK_HOST:MAX_WEBHOOK_PORT at MAX_WEBHOOK_PATH (a reverse proxy forwards the public
    # URL there), else it long-polls; MAX_BOT_USERNAME for invite links (GET /me fills it).
    max_bot_token: SecretStr | None = Field(default=None, alias="MAX_BOT_TOKEN")
    max_api_url: str = Field(default=DEFAULT_MAX_API_URL, alias="MAX_API_URL")
    max_webhook_url: str | None = Field(default=None, alias="MAX_WEBHOOK_URL")
    max_webhook_secret: SecretStr | None = Field(default=None, alias="MAX_WEBHOOK_SECRET")
    max_webhook_host: str = Field(default="127.0.0.1", alias="MAX_WEBHOOK_HOST", min_length=1)
    max_webhook_port: int = Field(default=8081, alias="MAX_WEBHOOK_PORT", ge=1, le=65535)
    max_webhook_path: str = Field(default="/max/webhook", alias="MAX_WEBHOOK_PATH")
    max_bot_username: str | None = Field(default=None, alias="MAX_BOT_USERNAME")
    # Deployment (docs/deploy.md): Telegram's webhook, more Telegram bots, health and metrics.
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_host: str = Field(
        default="127.0.0.1", alias="TELEGRAM_WEBHOOK_HOST", min_length=1
    )
    telegram_webhook_port: int = Field(default=8080, alias="TELEGRAM_WEBHOOK_PORT", ge=1, le=65535)
    telegram_webhook_path: str = Field(default="/telegram/webhook", alias="TELEGRAM_WEBHOOK_PATH")
    # More Telegram bots beside BOT_TOKEN (one per school or municipality), comma-separated.
    bot_tokens: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, alias="BOT_TOKENS"
    )
    # The public https://host of the school's server: the families' calendar links
    # (/calendar/<token>.ics, served on HEALTH_PORT; docs/deploy.md). Unset: no calendar links.
    public_base_url: str | None = Field(default=None, alias="PUBLIC_BASE_URL")
    # /health, /ready and /metrics of this process; unset: not served.
    health_host: str = Field(default="127.0.0.1", alias="HEALTH_HOST", min_length=1)
    health_port: int | None = Field(default=None, alias="HEALTH_PORT", ge=1, le=65535)
    # Alerts: messages a second for the whole bot (Telegram allows about 30), parallel sends,
    # how long a claimed alert stays with one worker, and whether this process delivers alerts
    # and runs the schedules (several processes may; only one runs each job).
    notify_rate_per_second: float = Field(default=25.0, alias="NOTIFY_RATE_PER_SECOND", gt=0, le=30)
    # The MAX bot's alerts a second (MAX allows about 30 requests a second for all its calls).
    notify_max_rate_per_second: float = Field(
        default=25.0, alias="NOTIFY_MAX_RATE_PER_SECOND", gt=0, le=30
    )
    notify_concurrency: int = Field(default=16, alias="NOTIFY_CONCURRENCY", ge=1, le=128)
    notify_lease_seconds: float = Field(default=60.0, alias="NOTIFY_LEASE_SECONDS", ge=5, le=3600)
    notify_worker: bool = Field(default=True, alias="NOTIFY_WORKER")
    notify_scheduler: bool = Field(default=True, alias="NOTIFY_SCHEDULER")
    # How often the scheduler process looks for due jobs (and a standby one for a lost leader).
    scheduler_tick_seconds: float = Field(
        default=60.0, alias="SCHEDULER_TICK_SECONDS", ge=1, le=3600
    )
    # Nightly backup (off unless BACKUP_DIR is set): time in DEFAULT_TIMEZONE, copies to other
    # media (comma-separated directories), and how many daily and weekly backups to keep.
    backup_dir: str | None = Field(default=None, alias="BACKUP_DIR")
    backup_mirrors: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="BACKUP_MIRRORS"
    )
    backup_at: dt.time = Field(default=dt.time(2, 30), alias="BACKUP_AT")
    backup_keep_daily: int = Field(default=7, alias="BACKUP_KEEP_DAILY", ge=1, le=366)
    backup_keep_weekly: int = Field(default=5, alias="BACKUP_KEEP_WEEKLY", ge=0, le=520)
    # Delivered, failed and cancelled alerts are deleted this many days after the end of the
    # school year they were queued in (notifications/retention.py), daily at 03:30.
    outbox_retention_margin_days: int = Field(
        default=92, alias="OUTBOX_RETENTION_MARGIN_DAYS", ge=0, le=3660
    )
    # How long issued one-time passwords and invite links stay valid.
    credential_ttl_days: int = Field(default=7, alias="CREDENTIAL_TTL_DAYS", ge=1, le=90)
    # For tests and demonstrations only: the process's clock starts at this moment (ISO 8601
    # with an offset, e.g. 2026-12-02T10:20:00+03:00) and runs on from it.
    clock_start: dt.datetime | None = Field(default=None, alias="CLOCK_START")

    @field_validator("backup_mirrors", mode="before")
    @classmethod
    def _mirrors(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("clock_start")
    @classmethod
    def _clock_start(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-12-02T10:20:00+03:00")
        return value

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not TOKEN_RE.match(value.strip()):
            raise ValueError(
                "expected digits, a colon and about 35 letters, digits, - or _ "
                f"(like {TOKEN_EXAMPLE}), as @BotFather gives it"
            )
        return value.strip()

    @field_validator("max_bot_token", mode="before")
    @classmethod
    def _max_token(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not MAX_TOKEN_RE.match(value.strip()):
            raise ValueError(
                "expected the token as MAX's platform for partners gives it "
                "(at least 16 letters, digits and - _ . : = + /, no spaces)"
            )
        return value.strip()

    @field_validator("max_api_url", mode="before")
    @classmethod
    def _max_api_url(cls, value: object) -> object:
        if value in (None, ""):
            return DEFAULT_MAX_API_URL
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            raise ValueError("expected http://host:port")
        return value.rstrip("/")

    @field_validator("max_webhook_url", mode="before")
    @classmethod
    def _max_webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("expected https://host/path")
        value = value.strip()
        loopback = value.startswith(tuple(f"http://{host}" for host in LOOPBACK_HOSTS))
        if not (value.startswith("https://") or loopback) or " " in value:
            raise ValueError("expected a public https://host/path (MAX calls only https)")
        return value

    @field_validator("max_webhook_secret", mode="before")
    @classmethod
    def _max_webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not MAX_SECRET_RE.match(value):
            raise ValueError("expected 5 to 256 letters, digits, - or _")
        return value

    @field_validator("max_webhook_path")
    @classmethod
    def _max_webhook_path(cls, value: str) -> str:
        if not value.startswith("/") or " " in value or "?" in value:
            raise ValueError("expected a path like /max/webhook")
        return value

    @field_validator("max_bot_username", mode="before")
    @classmethod
    def _max_username(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not USERNAME_RE.match(value.strip().lstrip("@")):
            raise ValueError("expected the bot's username (letters, digits, _ . -)")
        return value.strip().lstrip("@")

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.max_webhook_url is not None and self.max_webhook_secret is None:
            # Reported as MAX_WEBHOOK_SECRET by load_settings (the error's location).
            raise ValueError(
                "MAX_WEBHOOK_SECRET is required with MAX_WEBHOOK_URL: "
                "5 to 256 letters, digits, - or _"
            )
        return self

    @field_validator("public_base_url", mode="before")
    @classmethod
    def _public_base_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("expected https://host")
        value = value.strip().rstrip("/")
        loopback = value.startswith(tuple(f"http://{host}" for host in LOOPBACK_HOSTS))
        if not (value.startswith("https://") or loopback) or " " in value or "?" in value:
            raise ValueError("expected the server's public https://host (or https://host/path)")
        return value

    @field_validator("telegram_webhook_url", mode="before")
    @classmethod
    def _telegram_webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("expected https://host/path")
        value = value.strip().rstrip("/")
        loopback = value.startswith(tuple(f"http://{host}" for host in LOOPBACK_HOSTS))
        if not (value.startswith("https://") or loopback) or " " in value or "?" in value:
            raise ValueError("expected a public https://host/path (Telegram calls only https)")
        return value

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _telegram_webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not TELEGRAM_SECRET_RE.match(value):
            raise ValueError("expected 1 to 256 letters, digits, - or _")
        return value

    @field_validator("telegram_webhook_path")
    @classmethod
    def _telegram_webhook_path(cls, value: str) -> str:
        if not value.startswith("/") or " " in value or "?" in value:
            raise ValueError("expected a path like /telegram/webhook")
        return value.rstrip("/") or "/"

    @field_validator("bot_tokens", mode="before")
    @classmethod
    def _bot_tokens(cls, value: object) -> object:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise ValueError("expected tokens separated by commas")
        for token in value:
            raw = token.get_secret_value() if isinstance(token, SecretStr) else token
            if not isinstance(raw, str) or not TOKEN_RE.match(raw):
                raise ValueError(
                    "expected tokens separated by commas, each like "
                    f"{TOKEN_EXAMPLE}, as @BotFather gives it"
                )
        return value

    @model_validator(mode="after")
    def _telegram_webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url is not None and self.telegram_webhook_secret is None:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: "
                "1 to 256 letters, digits, - or _"
            )
        if self.bot_tokens and self.bot_token is None:
            raise ValueError("BOT_TOKENS needs BOT_TOKEN: the default bot of the deployment")
        ids = [t.split(":", 1)[0] for t in self.telegram_tokens()]
        if len(set(ids)) != len(ids):
            raise ValueError("BOT_TOKENS repeats a bot (or BOT_TOKEN): each bot once")
        return self

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL") from None
        # Plain URLs get the async driver this project uses.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+asyncpg")
        elif url.drivername == "sqlite":
            url = url.set(drivername="sqlite+aiosqlite")
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(f"driver must be one of {', '.join(SUPPORTED_DRIVERS)}")
        return url.render_as_string(hide_password=False)

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("expected redis://host:port/db")
        return value

    @field_validator("telegram_api_url", mode="before")
    @classmethod
    def _api_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            raise ValueError("expected http://host:port")
        return value.rstrip("/")

    @field_validator("default_timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("log_format")
    @classmethod
    def _format(cls, value: str) -> str:
        value = value.lower()
        if value not in ("json", "text"):
            raise ValueError("expected json or text")
        return value

    def __repr_args__(self) -> Any:
        for key, value in super().__repr_args__():
            if key == "database_url" and isinstance(value, str):
                value = make_url(value).render_as_string(hide_password=True)
            yield key, value

    @property
    def telegram_enabled(self) -> bool:
        return self.bot_token is not None

    @property
    def max_enabled(self) -> bool:
        return self.max_bot_token is not None

    def require_messenger(self) -> None:
        """At least one messenger: BOT_TOKEN (Telegram), MAX_BOT_TOKEN (MAX) or both."""
        if self.bot_token is None and self.max_bot_token is None:
            raise ConfigError(
                "BOT_TOKEN is not set, nor MAX_BOT_TOKEN: get a token from @BotFather and export "
                "BOT_TOKEN for Telegram, or export MAX_BOT_TOKEN for MAX (or both)"
            )

    def require_token(self) -> str:
        """The Telegram bot's token."""
        if self.bot_token is None:
            raise ConfigError("BOT_TOKEN is not set: get one from @BotFather and export BOT_TOKEN")
        return self.bot_token.get_secret_value()

    def require_max_token(self) -> str:
        if self.max_bot_token is None:
            raise ConfigError("MAX_BOT_TOKEN is not set: export the MAX bot's token")
        return self.max_bot_token.get_secret_value()

    def telegram_tokens(self) -> list[str]:
        """Every Telegram bot's token: BOT_TOKEN (the default bot) first, then BOT_TOKENS."""
        first = [self.bot_token.get_secret_value()] if self.bot_token is not None else []
        return first + [token.get_secret_value() for token in self.bot_tokens]

    @property
    def telegram_webhook(self) -> bool:
        """Telegram by webhook (TELEGRAM_WEBHOOK_URL) instead of long polling."""
        return self.telegram_webhook_url is not None

    def secrets(self) -> list[str]:
        """Every secret value set, for the log redaction."""
        values = [
            self.bot_token,
            self.redis_url,
            self.max_bot_token,
            self.max_webhook_secret,
            self.telegram_webhook_secret,
            *self.bot_tokens,
        ]
        return [value.get_secret_value() for value in values if value is not None]


def load_settings() -> Settings:
    """Read the settings, turning pydantic's report into one line that names the setting."""
    try:
        return Settings()
    except SettingsError as exc:
        name = str(exc).split('field "', 1)[-1].split('"', 1)[0].upper()
        raise ConfigError(f"{name} is invalid: cannot be parsed") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc")
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if not loc:  # a check across settings names them in its message
            raise ConfigError(msg) from None
        name = str(loc[0]).upper()
        raise ConfigError(f"{name} is invalid: {msg}") from None
