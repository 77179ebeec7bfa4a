"""`priceradar flower`: Flower behind basic auth; refused without it outside development."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_health import closed_port
from tests.conftest import REDIS_BROKER_DB, REDIS_RESULT_DB
from tests.support.services import REDIS_HOST_PORT, require_redis
from tests.support.stack import clean_environ, wait_for

BROKER_ENV = {
    "CELERY_BROKER_URL": f"redis://{REDIS_HOST_PORT}/{REDIS_BROKER_DB}",
    "CELERY_RESULT_BACKEND": f"redis://{REDIS_HOST_PORT}/{REDIS_RESULT_DB}",
}


def priceradar(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "priceradar", *args],
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PRICERADAR_ENV": "production"}, "Flower needs user:password"),
        (
            {"PRICERADAR_ENV": "production", "PRICERADAR_FLOWER_BASIC_AUTH": "admin:admin"},
            "default credentials are refused",
        ),
        ({"PRICERADAR_FLOWER_ADDRESS": "0.0.0.0"}, "without basic auth"),
    ],
)
def test_flower_refuses_to_start_unprotected(env: dict[str, str], message: str) -> None:
    done = priceradar(env, "flower")
    assert done.returncode == 2, done.stderr
    assert message in done.stderr


@pytest.fixture
def flower() -> Iterator[str]:
    """Flower started by `priceradar flower` with basic auth, on a free loopback port."""
    require_redis()
    port = closed_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "priceradar", "flower", "--port", str(port)],
        env={
            **clean_environ(),
            **BROKER_ENV,
            "PRICERADAR_ENV": "production",
            "PRICERADAR_FLOWER_BASIC_AUTH": "ops:s3cret-for-tests",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "flower exited")
        try:
            return httpx.get(f"{base}/healthcheck", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(answering, timeout_s=60, what="flower answering")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_flower_dashboard_needs_the_configured_credentials(flower: str) -> None:
    assert httpx.get(f"{flower}/", timeout=10).status_code == 401
    assert httpx.get(f"{flower}/", auth=("ops", "wrong"), timeout=10).status_code == 401
    assert httpx.get(f"{flower}/workers", auth=("ops", "s3cret-for-tests"), timeout=10).is_success
    # Flower's own probe and metrics skip auth by design: docs/production.md says to keep
    # Flower off public interfaces for that reason.
    assert httpx.get(f"{flower}/healthcheck", timeout=10).status_code == 200
