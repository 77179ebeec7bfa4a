"""API fixtures: the real app on a real PostgreSQL database and the test Redis broker."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi import FastAPI

# Starlette nudges towards another HTTP client; the TestClient works as documented.
warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from starlette.testclient import TestClient  # noqa: E402

from priceradar.api import create_app  # noqa: E402
from priceradar.api.auth import hash_key  # noqa: E402
from priceradar.config import Settings, load_settings  # noqa: E402
from tests.conftest import REDIS_BROKER_DB, REDIS_RESULT_DB  # noqa: E402
from tests.support.services import REDIS_HOST_PORT, require_postgres, require_redis  # noqa: E402
from tests.support.stack import postgres_database  # noqa: E402

API_KEY = "prk_test-key-for-the-api-tests"
OTHER_KEY = "prk_a-key-nobody-configured"


def api_settings(db_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for an API on `db_url` and the test Redis databases, one key configured."""
    values: dict[str, Any] = {
        "env": "development",
        "data_dir": str(data_dir),
        "database_url": db_url,
        "celery_broker_url": f"redis://{REDIS_HOST_PORT}/{REDIS_BROKER_DB}",
        "celery_result_backend": f"redis://{REDIS_HOST_PORT}/{REDIS_RESULT_DB}",
        "api_key_hashes": hash_key(API_KEY),
        "allowed_private_hosts": "127.0.0.1",
        "metrics_cache_s": "0",
        "metrics_catalog_cache_s": "0",
        **overrides,
    }
    return load_settings(_env_file=None, **values)


@pytest.fixture(scope="module")
def api_db() -> Iterator[str]:
    """One migrated PostgreSQL database for a test module (tests use distinct URLs)."""
    require_postgres()
    require_redis()
    for db in (REDIS_BROKER_DB, REDIS_RESULT_DB):
        redis.Redis.from_url(f"redis://{REDIS_HOST_PORT}/{db}").flushdb()
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def make_api(
    api_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., TestClient]]:
    """`make_api(**settings)` -> a TestClient on a real app; no key is sent unless asked."""
    clients: list[TestClient] = []

    def make(headers: dict[str, str] | None = None, **overrides: Any) -> TestClient:
        app: FastAPI = create_app(api_settings(api_db, tmp_path_factory.mktemp("api"), **overrides))
        client = TestClient(app, headers=headers)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def client(make_api: Callable[..., TestClient]) -> TestClient:
    """The API with the test key sent on every request."""
    return make_api(headers={"X-API-Key": API_KEY})
