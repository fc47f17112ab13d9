"""The deployment files (docs/deploy.md) against the code: docker-compose.yml, .env.example,
the Dockerfile, .dockerignore, the systemd units and the nginx snippet.

What is checked: the compose file parses and has its services; every app process runs a role
that ``python -m bot`` accepts and has a health check; every environment variable the files
name is a setting of bot/config.py (or a variable of the postgres image), and every setting is
in .env.example, whose values are accepted by the settings; nothing runs as root; no secret is
written into the compose file.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import build_parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SYSTEMD = ROOT / "deploy" / "systemd"
NGINX = ROOT / "deploy" / "nginx" / "schoolbot.conf"

# The process roles of a deployment (python -m bot ROLE).
ROLES = {"run", "web", "worker", "scheduler", "migrate"}
APP_SERVICES = {"migrate", "web", "worker", "scheduler"}
LONG_RUNNING = {"web", "worker", "scheduler"}
# Variables of the postgres image (the redis image is configured by its command line).
IMAGE_VARS = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA"}
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
SUBSTITUTION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
URL_PASSWORD = re.compile(r"://[^/@\s]*:([^/@\s]+)@")
EXAMPLE_LINE = re.compile(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$")


def setting_names() -> set[str]:
    names = {field.alias for field in Settings.model_fields.values()}
    assert None not in names, "every setting has an alias (its environment name)"
    return {str(name) for name in names}


def assert_settings(
    names: set[str], where: str, also: set[str] | frozenset[str] = frozenset()
) -> None:
    unknown = names - setting_names() - also
    assert not unknown, f"{where} names variables that are no setting: {sorted(unknown)}"


def assert_role_accepted(command: list[str], where: str) -> None:
    assert command, f"{where}: no command"
    assert command[0] in ROLES, f"{where}: {command[0]!r} is not a role {sorted(ROLES)}"
    try:
        parsed = build_parser().parse_args(command)
    except SystemExit:
        pytest.fail(f"{where}: python -m bot does not accept {command}")
    assert parsed.command == command[0]


# --------------------------------------------------------------------------- docker-compose.yml


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_has_the_services_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", *APP_SERVICES} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert {"pgdata", "backups"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    scheduler = services["scheduler"]
    mount = next(v for v in scheduler["volumes"] if v.startswith("backups:"))
    assert mount.split(":")[1] == scheduler["environment"]["BACKUP_DIR"]


def test_compose_app_services_run_a_role_of_the_command_line(compose: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert_role_accepted(service["command"], f"docker-compose.yml: {name}")
        assert service["command"] == [name], "each service runs the role it is named after"
        assert service["env_file"] == ".env"


def test_build_parser_accepts_every_role() -> None:
    for role in sorted(ROLES):
        assert_role_accepted([role], "python -m bot")


def test_compose_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    for name in LONG_RUNNING:
        service = services[name]
        port = service["environment"]["HEALTH_PORT"]
        test = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{port}/ready" in test, f"{name}: checks /ready on HEALTH_PORT"
        assert service["environment"]["HEALTH_HOST"] == "0.0.0.0"
    # The one-shot step has nothing to serve: it is judged by its exit code.
    assert services["migrate"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["restart"] == "no"


def test_compose_migrates_first_and_scales(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in LONG_RUNNING:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["web"]["deploy"]["replicas"] >= 1
    assert "replicas" not in services["scheduler"].get("deploy", {})
    web = services["web"]
    assert web["environment"]["TELEGRAM_WEBHOOK_URL"].startswith("${TELEGRAM_WEBHOOK_URL")
    published = [str(port) for port in web["ports"]]
    port = web["environment"]["TELEGRAM_WEBHOOK_PORT"]
    assert any(p.endswith(f":{port}") for p in published), published
    # One host port per replica: a range at least as long as the replicas.
    first, last = re.findall(r":(\d+)-(\d+):", published[0])[0]
    assert int(last) - int(first) + 1 >= web["deploy"]["replicas"]


def test_compose_names_only_settings_and_image_variables(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        env = set(service.get("environment", {}))
        if name in APP_SERVICES:
            assert_settings(env, f"docker-compose.yml: {name}")
        else:
            assert env <= IMAGE_VARS, f"{name}: {sorted(env - IMAGE_VARS)}"
    substituted = set(SUBSTITUTION.findall(COMPOSE.read_text(encoding="utf-8")))
    assert substituted, "the secrets come from .env"
    assert_settings(substituted, "docker-compose.yml ${...}", also=IMAGE_VARS)


def test_compose_writes_no_secret(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in service.get("environment", {}).items():
            if any(word in key for word in SECRET_WORDS):
                assert str(value).startswith("${"), f"{name}: {key} is written into the file"
            for password in URL_PASSWORD.findall(str(value)):
                assert password.startswith("${"), f"{name}: {key} has a password in the file"
    database_url = compose["x-app-env"]["DATABASE_URL"]
    assert "${POSTGRES_PASSWORD" in database_url


# --------------------------------------------------------------------------- .env.example


def example_lines() -> Iterator[tuple[bool, str, str]]:
    """(active, name, value) of every ``NAME=value`` line, commented (``# NAME=``) or not."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        found = EXAMPLE_LINE.match(line)
        if found:
            yield found.group(1) is None, found.group(2), found.group(3)


def test_env_example_names_every_setting_and_nothing_else() -> None:
    names = [name for _, name, _ in example_lines()]
    assert len(names) == len(set(names)), "each setting once"
    assert_settings(set(names), ".env.example", also=IMAGE_VARS)
    missing = setting_names() - set(names)
    assert not missing, f".env.example lacks {sorted(missing)}"


def load_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, commented: bool) -> Settings:
    """The settings from .env.example alone (the process's environment emptied of them)."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    lines = [f"{name}={value}" for active, name, value in example_lines() if active or commented]
    path = tmp_path / "env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Settings(_env_file=str(path))


def test_env_example_is_accepted_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_example(tmp_path, monkeypatch, commented=False)
    assert settings.telegram_webhook
    assert settings.bot_tokens == []
    assert settings.health_port is None
    assert all(value for active, _, value in example_lines() if active), "no empty NAME="


def test_env_example_commented_examples_are_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_example(tmp_path, monkeypatch, commented=True)
    assert len(settings.telegram_tokens()) == 3
    assert settings.max_webhook_url is not None
    assert settings.health_port == 9090
    assert settings.backup_mirrors == ["/mnt/usb/schoolbot", "/mnt/nas/schoolbot"]


# --------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def test_dockerfile_runs_the_bot_as_a_user_with_a_health_check() -> None:
    instructions = dockerfile_instructions()
    users = [rest for word, rest in instructions if word == "USER"]
    assert users, "a USER instruction"
    assert users[-1].split(":")[0] not in ("root", "0"), users[-1]
    health = [rest for word, rest in instructions if word == "HEALTHCHECK"]
    assert len(health) == 1 and "/health" in health[0] and "HEALTH_PORT" in health[0]
    assert ("ENTRYPOINT", '["python", "-m", "bot"]') in instructions
    assert ("CMD", '["run"]') in instructions
    assert instructions[0][0] in ("ARG", "FROM")
    base = [rest for word, rest in instructions if word == "ARG" and "PYTHON_IMAGE" in rest]
    assert base and "python:3.11-slim" in base[0]
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    assert "pip install -c constraints.txt ." in runs
    assert "[dev]" not in runs
    volumes = [rest for word, rest in instructions if word == "VOLUME"]
    assert volumes and "/app/data" in volumes[0]


def test_dockerignore_lets_through_every_package_and_the_migrations() -> None:
    lines = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "an allow-list: nothing unless named"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    needed = packages | {"migrations", "alembic.ini", "pyproject.toml", "constraints.txt"}
    needed.add(pyproject["project"]["readme"])
    assert needed <= allowed, sorted(needed - allowed)
    assert not {".env", "tests", "data", ".venv"} & allowed


# --------------------------------------------------------------------------- systemd


def unit_entries(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file, in order (keys may repeat)."""
    section, entries = "", []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def values(entries: list[tuple[str, str, str]], key: str) -> list[str]:
    return [value for _, k, value in entries if k == key]


SERVICES = {
    "schoolbot-migrate.service": "migrate",
    "schoolbot-web@.service": "web",
    "schoolbot-worker@.service": "worker",
    "schoolbot-scheduler.service": "scheduler",
}


def test_systemd_units_are_there() -> None:
    found = {path.name for path in SYSTEMD.iterdir()}
    assert set(SERVICES) | {"schoolbot.target"} <= found
    for name in found - {"schoolbot.target"}:
        assert name in SERVICES, f"a unit not checked here: {name}"


@pytest.mark.parametrize("unit", sorted(SERVICES))
def test_systemd_unit(unit: str) -> None:
    entries = unit_entries(SYSTEMD / unit)
    users, groups = values(entries, "User"), values(entries, "Group")
    assert users == ["schoolbot"] and groups == ["schoolbot"], (users, groups)
    assert not values(entries, "DynamicUser")
    assert values(entries, "EnvironmentFile") == ["/etc/schoolbot/env"]
    assert values(entries, "NoNewPrivileges") == ["yes"]
    assert values(entries, "ProtectSystem") == ["strict"]
    writable = " ".join(values(entries, "ReadWritePaths")).split()
    assert "/var/lib/schoolbot" in writable and "-/var/backups/schoolbot" in writable
    assert values(entries, "WantedBy") == ["schoolbot.target"]
    assert values(entries, "PartOf") == ["schoolbot.target"]
    if SERVICES[unit] == "migrate":
        assert values(entries, "Type") == ["oneshot"]
    else:
        assert values(entries, "Restart") == ["on-failure"]
        assert "schoolbot-migrate.service" in " ".join(values(entries, "After")).split()

    (exec_start,) = values(entries, "ExecStart")
    words = shlex.split(exec_start)
    env_names: set[str] = set()
    if words[0] == "/usr/bin/env":
        words = words[1:]
        while "=" in words[0]:
            env_names.add(words.pop(0).split("=", 1)[0])
    for value in values(entries, "Environment"):
        env_names |= {word.split("=", 1)[0] for word in shlex.split(value)}
    assert all(ENV_NAME.match(name) for name in env_names), env_names
    assert_settings(env_names, unit)
    assert words[1:3] == ["-m", "bot"], words
    assert_role_accepted(words[3:], unit)
    assert words[3] == SERVICES[unit]
    # No command of the unit runs with full privileges ("+" or "!" before the path).
    for key in ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecReload"):
        assert not any(value.startswith(("+", "!", "-+")) for value in values(entries, key))


def test_web_instances_take_their_ports_from_the_instance_name() -> None:
    (exec_start,) = values(unit_entries(SYSTEMD / "schoolbot-web@.service"), "ExecStart")
    ports = dict(word.split("=", 1) for word in shlex.split(exec_start) if "=" in word)
    assert ports["TELEGRAM_WEBHOOK_PORT"] == "%i"
    assert (
        len({ports["TELEGRAM_WEBHOOK_PORT"], ports["MAX_WEBHOOK_PORT"], ports["HEALTH_PORT"]}) == 3
    )


# --------------------------------------------------------------------------- nginx


def test_nginx_forwards_the_default_webhook_paths() -> None:
    text = NGINX.read_text(encoding="utf-8")
    telegram = Settings.model_fields["telegram_webhook_path"].default
    max_path = Settings.model_fields["max_webhook_path"].default
    assert f"location {telegram}/ " in text, "each bot at <path>/<bot id>"
    assert f"location = {max_path} " in text
    assert "ssl_certificate " in text
    upstream_ports = set(re.findall(r"server 127\.0\.0\.1:(\d+)", text))
    assert {"8101", "8102", "18101", "18102", "28101", "28102"} == upstream_ports, (
        "the web@ instances' ports (webhooks; the calendar feeds on HEALTH_PORT=2%i)"
    )
    assert "location /calendar/ " in text, "the families' calendar feeds (PUBLIC_BASE_URL)"
    assert "limit_except GET HEAD" in text
