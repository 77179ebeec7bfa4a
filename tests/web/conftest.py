"""A real priceradar server (uvicorn in a thread, embedded default) with real data, and the
system Chromium driving it through Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from sqlalchemy import Engine, insert

from priceradar.adapters.db import heartbeats, migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.tables import deals, history
from priceradar.api import create_app
from priceradar.api.auth import hash_key
from priceradar.config import load_settings
from tests.support.browser import chromium_browser
from tests.support.factories import make_products

API_KEY = "prk_browser-test-key"
CATALOG = [
    "Espresso machine", "Kettle", "Stand mixer", "Air fryer", "Chef's knife", "Toaster",
    "Cast-iron skillet", "Blender", "Rice cooker", "Water filter", "Milk frother", "Scale",
]  # fmt: skip
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class UiServer:
    base_url: str
    engine: Engine
    ids: dict[str, int]
    key: str | None


def seed(engine: Engine, now: datetime) -> dict[str, int]:
    """Products with a price history, an out-of-stock stretch, an open and an ended deal."""
    [grinder] = make_products(
        engine,
        1,
        domain="shop.test",
        title="Burr grinder <b>Pro</b> & co",
        currency="EUR",
        price=Decimal("79.00"),
        in_stock=True,
        category="Kitchen",
        extraction_method="json-ld",
        last_outcome="ok",
        last_checked_at=now - timedelta(minutes=5),
        next_check_at=now + timedelta(hours=1),
    )
    others = [
        make_products(
            engine,
            1,
            domain="other.test",
            start=100 + i,
            title=f"{CATALOG[i % len(CATALOG)]} {i // len(CATALOG) + 1}",
            currency="EUR",
            price=Decimal(19 + (i * 37) % 400) + Decimal("0.99"),
            in_stock=i % 9 != 4,
            category="Home",
            last_outcome="ok" if i % 9 != 4 else "out_of_stock",
            check_priority=(i * 13) % 90,
            last_checked_at=now - timedelta(minutes=3 + i),
            last_history_at=now - timedelta(hours=i),
            next_check_at=now + timedelta(minutes=30 + 7 * i),
        )[0]
        for i in range(60)
    ]
    [broken] = make_products(
        engine,
        1,
        domain="broken.test",
        start=500,
        last_outcome="not_found",
        last_error="HTTP 404 <script>alert(1)</script>",
    )
    prices = [
        (40, "99.00", True),
        (30, "95.00", True),
        (20, "95.00", False),
        (15, "99.00", True),
        (6, "79.00", True),
        (2, "79.00", True),
    ]
    rows = [
        {
            "product_id": grinder,
            "checked_at": now - timedelta(days=d),
            "price": Decimal(p),
            "currency": "EUR",
            "in_stock": s,
            "kind": "first" if i == 0 else ("heartbeat" if d == 2 else "change"),
        }
        for i, (d, p, s) in enumerate(prices)
    ]
    deal = {
        "product_id": grinder,
        "currency": "EUR",
        "reference_kind": "median",
        "discount_amount": Decimal("16.00"),
        "discount_percent": Decimal("16.84"),
        "updated_at": now,
    }
    with engine.begin() as conn:
        conn.execute(insert(history), rows)
        conn.execute(
            insert(deals),
            [
                {
                    **deal,
                    "reference_price": Decimal("95.00"),
                    "deal_price": Decimal("79.00"),
                    "started_at": now - timedelta(days=6),
                    "ended_at": None,
                    "end_reason": None,
                },
                {
                    **deal,
                    "reference_price": Decimal("99.00"),
                    "deal_price": Decimal("80.00"),
                    "started_at": now - timedelta(days=60),
                    "ended_at": now - timedelta(days=50),
                    "end_reason": "price_rose",
                },
            ],
        )
    heartbeats.record(
        engine, heartbeats.DISPATCHER, now - timedelta(seconds=3), {"leased": 12, "batches": 1}
    )
    return {"grinder": grinder, "kettle": others[0], "broken": broken}


@contextmanager
def running_server(data_dir: Path, key: str | None) -> Iterator[UiServer]:
    settings = load_settings(
        _env_file=None,
        env="development",
        data_dir=str(data_dir),
        api_key_hashes=hash_key(key) if key else "",
        allowed_private_hosts="127.0.0.1",
        metrics_cache_s="0",
    )
    migrate.upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    ids = seed(engine, datetime.now(UTC))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the UI server did not start")
        time.sleep(0.05)
    try:
        yield UiServer(f"http://127.0.0.1:{port}", engine, ids, key)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """A server with one API key configured: the UI needs a login."""
    with running_server(tmp_path_factory.mktemp("ui"), API_KEY) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


class Watched:
    """A page plus what it logged: console errors, page errors, every requested URL."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname not in LOCAL_HOSTS
        ]


def login(page: Any, base_url: str, key: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#api_key", key)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base_url}/products")


@pytest.fixture
def session(browser: Any, ui: UiServer) -> Iterator[Watched]:
    """A logged-in page on the keyed server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page())
    assert ui.key is not None
    login(watched.page, ui.base_url, ui.key)
    yield watched
    context.close()
