"""Shared fixtures: the demo shop, fresh databases and real worker stacks per broker flavour."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from priceradar.demo_shop.catalog import ShopConfig
from priceradar.demo_shop.server import RunningShop
from tests.support.services import (
    RABBIT_URL,
    REDIS_HOST_PORT,
    require_postgres,
    require_rabbitmq,
    require_redis,
)
from tests.support.stack import SERVICE_VARS, Stack, postgres_database

# Redis databases reserved for tests (a developer's own data lives in the low numbers).
REDIS_BROKER_DB, REDIS_RESULT_DB, REDIS_STATE_DB = 15, 14, 13
FLAVOURS = ("embedded", "redis", "rabbitmq")


@pytest.fixture(scope="session", autouse=True)
def _no_developer_settings() -> Iterator[None]:
    """Tests configure everything explicitly; a developer's exported settings must not leak in."""
    saved = {
        k: os.environ.pop(k)
        for k in list(os.environ)
        if k in SERVICE_VARS or k.startswith("PRICERADAR_")
    }
    os.chdir(Path(__file__).resolve().parent.parent)
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def shop() -> Iterator[RunningShop]:
    """The demo shop on a free localhost port; prices change every hour, so tests see one price."""
    with RunningShop(ShopConfig(price_period_s=3600, slow_delay_s=3.0)) as running:
        yield running


@pytest.fixture(scope="session")
def fast_shop() -> Iterator[RunningShop]:
    """A shop whose prices change every 2 seconds."""
    with RunningShop(ShopConfig(price_period_s=2.0, slow_delay_s=3.0)) as running:
        yield running


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh migrated PostgreSQL database for one test."""
    require_postgres()
    with postgres_database() as url:
        yield url


def base_env(data_dir: Path, shops: list[RunningShop]) -> dict[str, str]:
    rules = {
        s.base_url.removeprefix("http://"): {
            "price": "span.price",
            "title": "h1.product-title",
            "availability": ".stock",
        }
        for s in shops
    }
    return {
        "PRICERADAR_ENV": "development",
        "PRICERADAR_DATA_DIR": str(data_dir),
        "PRICERADAR_ALLOWED_PRIVATE_HOSTS": "127.0.0.1,localhost",
        "PRICERADAR_SITE_RULES": json.dumps(rules),
        "PRICERADAR_FETCH_TIMEOUT_S": "10",
        "PRICERADAR_DISPATCH_INTERVAL_S": "1",
        "PRICERADAR_LOG_LEVEL": "INFO",
    }


def flavour_env(flavour: str, data_dir: Path, db_url: str | None) -> dict[str, str]:
    """Service URLs for a deployment flavour; clears the test Redis databases it uses."""
    if flavour == "embedded":
        return {}
    assert db_url is not None
    redis_base = f"redis://{REDIS_HOST_PORT}"
    require_redis()
    for db in (REDIS_BROKER_DB, REDIS_RESULT_DB, REDIS_STATE_DB):
        redis.Redis.from_url(f"{redis_base}/{db}").flushdb()
    env = {"DATABASE_URL": db_url, "REDIS_URL": f"{redis_base}/{REDIS_STATE_DB}"}
    if flavour == "redis":
        env["CELERY_BROKER_URL"] = f"{redis_base}/{REDIS_BROKER_DB}"
        env["CELERY_RESULT_BACKEND"] = f"{redis_base}/{REDIS_RESULT_DB}"
    elif flavour == "rabbitmq":
        require_rabbitmq()
        env["CELERY_BROKER_URL"] = RABBIT_URL
        env["CELERY_RESULT_BACKEND"] = "db+" + db_url
    else:
        raise ValueError(flavour)
    return env


@pytest.fixture
def make_stack(
    tmp_path: Path, shop: RunningShop, fast_shop: RunningShop
) -> Iterator[Callable[..., Stack]]:
    """`make_stack("redis")` -> a Stack on a fresh database; workers are stopped afterwards."""
    stacks: list[Stack] = []
    databases: list[object] = []

    def make(flavour: str = "embedded", **extra_env: str) -> Stack:
        data_dir = tmp_path / f"{flavour}-{len(stacks)}"
        data_dir.mkdir()
        db_url = None
        if flavour != "embedded":
            require_postgres()
            cm = postgres_database()
            db_url = cm.__enter__()
            databases.append(cm)
        env = {
            **base_env(data_dir, [shop, fast_shop]),
            **flavour_env(flavour, data_dir, db_url),
            **extra_env,
        }
        stack = Stack(env, data_dir)
        if flavour == "embedded":
            stack.migrate()
        elif flavour == "rabbitmq":
            stack.app.control.purge()
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
    for cm in databases:
        cm.__exit__(None, None, None)  # type: ignore[attr-defined]
