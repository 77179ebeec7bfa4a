"""Liveness and readiness: database reachable and migrated, broker reachable."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from priceradar.adapters.db import migrate
from tests.support.stack import postgres_database


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unmigrated_db() -> Iterator[str]:
    with postgres_database() as url:
        migrate.downgrade(url, "base")
        yield url


def test_health_needs_nothing_and_ready_checks_everything(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_ready_fails_when_the_broker_is_down(make_api: Callable[..., TestClient]) -> None:
    # Given an API whose broker URL points at a closed port
    client = make_api(celery_broker_url=f"redis://127.0.0.1:{closed_port()}/0")

    # When readiness is probed
    response = client.get("/ready")

    # Then it is 503, naming the broker, while liveness stays fine
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("unreachable")
    assert response.json()["checks"]["database"] == "ok"
    assert client.get("/health").status_code == 200


def test_ready_fails_when_the_database_is_down_or_behind(
    make_api: Callable[..., TestClient], unmigrated_db: str
) -> None:
    down = make_api(database_url=f"postgresql+psycopg://u@127.0.0.1:{closed_port()}/x")
    behind = make_api(database_url=unmigrated_db)

    assert down.get("/ready").status_code == 503
    assert down.get("/ready").json()["checks"]["database"].startswith("unreachable")
    assert behind.get("/ready").status_code == 503
    assert "migrations pending" in behind.get("/ready").json()["checks"]["database"]


@pytest.fixture
def newer_db() -> Iterator[str]:
    """A database already migrated by a newer build: its revision is unknown to this one."""
    with postgres_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_build'"))
        engine.dispose()
        yield url


def test_ready_tolerates_a_schema_newer_than_this_build(
    make_api: Callable[..., TestClient], newer_db: str
) -> None:
    # Given a rolling upgrade: the new build's migration ran, this (old) pod keeps serving
    old_pod = make_api(database_url=newer_db)

    # When readiness is probed, Then the old pod stays ready (only a database *behind* is unready)
    response = old_pod.get("/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["database"] == "ok"


def test_writes_answer_503_when_the_broker_is_down(make_api: Callable[..., TestClient]) -> None:
    from tests.api.conftest import API_KEY

    client = make_api(
        headers={"X-API-Key": API_KEY}, celery_broker_url=f"redis://127.0.0.1:{closed_port()}/0"
    )
    response = client.post("/api/v1/test-task")
    assert response.status_code == 503
    assert response.json() == {"detail": "broker unavailable"}
