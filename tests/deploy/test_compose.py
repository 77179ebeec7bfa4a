"""docker-compose.yml validated by the Docker Compose client, then checked for what matters."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from priceradar.cli.deploy import compose_secrets

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "postgres",
    "redis",
    "migrate",
    "api",
    "worker",
    "scheduler-worker",
    "browser-worker",
    "beat",
    "flower",
}
APP_SERVICES = {"api", "worker", "scheduler-worker", "browser-worker", "beat", "flower"}
PG_PASSWORD, REDIS_PASSWORD = "pg-secret-for-tests", "redis-secret-for-tests"
SECRETS = {
    **compose_secrets(PG_PASSWORD, REDIS_PASSWORD),
    "priceradar_api_key_hashes": "a" * 64,
    "priceradar_flower_basic_auth": "ops:flower-secret-for-tests",
}


def compose_command() -> list[str]:
    """`docker compose` if the plugin works, else the standalone v2 binary from the dev extra.

    Under CI=true a missing client fails the test instead of skipping it.
    """
    candidates: list[list[str]] = []
    if docker := shutil.which("docker"):
        candidates.append([docker, "compose"])
    for standalone in (
        shutil.which("docker-compose"),
        Path(sys.executable).with_name("docker-compose"),
    ):
        if standalone and Path(standalone).exists():
            candidates.append([str(standalone)])
    for command in candidates:
        done = subprocess.run([*command, "version"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and re.search(r"v?[2-9]\.\d+", done.stdout):
            return command
    message = "no Docker Compose v2 client (`docker compose` or `docker-compose`) found"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: compose validation is required)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compose file in a scratch project directory with a test .env beside it."""
    directory = tmp_path_factory.mktemp("compose")
    shutil.copy(ROOT / "docker-compose.yml", directory / "docker-compose.yml")
    # The operator's first step: copy the example settings and write the secret files.
    shutil.copy(ROOT / ".env.example", directory / ".env")
    (directory / "secrets").mkdir()
    for name, value in SECRETS.items():
        (directory / "secrets" / name).write_text(value + "\n")
    return directory


def compose(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*compose_command(), "-f", "docker-compose.yml", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PRICERADAR_", "COMPOSE_"))}
        | (env or {}),
    )


@pytest.fixture(scope="module")
def config(project: Path) -> dict[str, Any]:
    quiet = compose(project, "config", "-q")
    assert quiet.returncode == 0, quiet.stderr
    done = compose(project, "config", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_compose_file_is_valid_and_has_every_service(config: dict[str, Any]) -> None:
    assert set(config["services"]) == SERVICES


def test_no_password_is_in_any_container_environment_or_command(project: Path) -> None:
    # Secrets are files mounted under /run/secrets; the resolved configuration never holds them.
    done = compose(project, "config", "--format", "json")
    assert done.returncode == 0, done.stderr
    for secret in (PG_PASSWORD, REDIS_PASSWORD, "flower-secret-for-tests"):
        assert secret not in done.stdout
    services = json.loads(done.stdout)["services"]
    for name in APP_SERVICES | {"migrate"}:
        assert services[name]["environment"]["PRICERADAR_SECRETS_DIR"] == "/run/secrets"
        mounted = {s["source"] for s in services[name]["secrets"]}
        assert {"database_url", "celery_broker_url"} <= mounted, name
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")


def test_the_copied_env_example_keeps_json_logs_on(config: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        assert config["services"][name]["environment"]["PRICERADAR_LOG_JSON"] == "true", name


def test_every_service_has_rotated_logs_and_a_memory_limit(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        assert service["logging"]["driver"] == "json-file", name
        assert service["logging"]["options"]["max-size"], name
        assert int(service["mem_limit"]) > 0, name


def _worker_commands(config: dict[str, Any]) -> dict[str, str]:
    return {
        name: " ".join(service["command"])
        for name, service in config["services"].items()
        if "celery -A priceradar.worker worker" in " ".join(service.get("command") or [])
    }


def test_worker_services_split_the_queues_and_cover_every_queue(config: dict[str, Any]) -> None:
    from priceradar.worker.app import QUEUES

    consumed: dict[str, set[str]] = {}
    for name, command in _worker_commands(config).items():
        match = re.search(r"-Q (\S+)", command)
        assert match, f"{name} must name its queues"
        consumed[name] = set(match.group(1).split(","))
    assert set().union(*consumed.values()) == set(QUEUES)
    # check batches never share a worker with the dispatcher tick and the notifications
    assert consumed["worker"] == {"price_check"}
    assert "batch_processing" in consumed["scheduler-worker"]
    # slow rendered pages have their own workers and never stall the static path
    assert consumed["browser-worker"] == {"browser_fetch"}


def test_the_browser_worker_has_its_own_image_memory_and_chromium(config: dict[str, Any]) -> None:
    browser, worker = config["services"]["browser-worker"], config["services"]["worker"]
    assert browser["image"] != worker["image"]
    assert browser["build"]["args"]["WITH_CHROMIUM"] == "1"
    assert browser["environment"]["PRICERADAR_BROWSER_EXECUTABLE"] == "/usr/bin/chromium"
    assert int(browser["mem_limit"]) > int(worker["mem_limit"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert (
        "ARG WITH_CHROMIUM=0" in dockerfile
        and "install -y --no-install-recommends chromium" in dockerfile
    )


def test_every_worker_has_explicit_concurrency_and_a_heartbeat_probe(
    config: dict[str, Any],
) -> None:
    for name, command in _worker_commands(config).items():
        assert re.search(r"--concurrency[= ]\d", command), name
        service = config["services"][name]
        probe = " ".join(service["healthcheck"]["test"])
        assert "inspect ping" not in probe and "heartbeat" in probe, name
        assert service["environment"]["PRICERADAR_WORKER_HEARTBEAT_FILE"] in probe, name


def test_databases_are_not_published_and_frontends_bind_loopback(config: dict[str, Any]) -> None:
    services = config["services"]
    assert "ports" not in services["postgres"] and "ports" not in services["redis"]
    for name in ("api", "flower"):
        (port,) = services[name]["ports"]
        assert port["host_ip"] == "127.0.0.1", (name, port)


def test_redis_is_configured_as_a_broker(config: dict[str, Any]) -> None:
    command = " ".join(config["services"]["redis"]["command"])
    assert "--maxmemory-policy noeviction" in command
    # noeviction only acts with a limit, and the limit sits below the container's memory
    assert re.search(r"--maxmemory \d+mb", command)
    assert "--appendonly yes" in command
    assert "allkeys-lru" not in command
    assert "--requirepass" in command


def test_app_services_wait_for_the_one_shot_migration(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["migrate"]["command"] == ["priceradar", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert services[name]["environment"]["PRICERADAR_ENV"] == "production", name


def test_workers_scale_and_finish_their_batch_on_stop(config: dict[str, Any]) -> None:
    worker = config["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=10 works
    assert "celery -A priceradar.worker worker" in " ".join(worker["command"])
    # Longer than the hard task time limit (300 s): a warm shutdown lets the batch finish.
    assert _seconds(worker["stop_grace_period"]) > 300
    assert config["services"]["beat"]["command"][:4] == [
        "celery",
        "-A",
        "priceradar.worker",
        "beat",
    ]


def test_long_running_services_have_health_checks(config: dict[str, Any]) -> None:
    for name in (
        "postgres",
        "redis",
        "api",
        "worker",
        "scheduler-worker",
        "browser-worker",
        "flower",
    ):
        assert config["services"][name]["healthcheck"]["test"], name


def test_dockerfile_builds_a_slim_image_that_runs_as_non_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert len(stages) >= 2 and all("slim" in stage for stage in stages)
    (user,) = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user.split(":")[0] not in ("root", "0")
    # The build context is an allow-list: pyproject and src only, so no .env or data leaks in.
    rules = [r for r in (ROOT / ".dockerignore").read_text().splitlines() if r and r[0] != "#"]
    assert rules[0] == "*"
    assert {r for r in rules if r.startswith("!")} == {"!pyproject.toml", "!src/"}


def _seconds(duration: str | int | float) -> float:
    if isinstance(duration, int | float):
        return duration / 1e9 if duration > 10_000 else float(duration)
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", duration)
    assert match, duration
    return int(match.group(1) or 0) * 60 + float(match.group(2) or 0)
