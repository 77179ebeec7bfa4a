"""`priceradar watches add|list|delete|enable` and `priceradar deals list` on the embedded DB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner, Result

from priceradar.adapters.db import migrate
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.db.models import Deal, Destination, Product, Watch
from priceradar.cli import app, context
from tests.support.factories import make_products, set_columns


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("PRICERADAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    context.settings.cache_clear()
    context.engine.cache_clear()
    migrate.upgrade(context.settings().db_url)
    engine = make_engine(context.settings().db_url)
    yield engine
    engine.dispose()
    context.engine().dispose()
    context.settings.cache_clear()
    context.engine.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_add_list_delete_watches(db: Engine) -> None:
    # Given a tracked product
    (pid,) = make_products(db, 1, domain="shop.example")
    # When watches are added for a Telegram channel and an Apprise webhook with a password
    deals = run("watches", "add", "--deals", "--min-discount", "25", "--domain", "shop.example",
                "--telegram", "-1001234")  # fmt: skip
    product = run("watches", "add", "--product", str(pid), "--apprise",
                  "jsons://user:hunter2@93.184.215.14/p", "--target-price", "49.90",
                  "--drop-percent", "10", "--back-in-stock")  # fmt: skip
    assert deals.exit_code == 0, deals.output
    assert product.exit_code == 0, product.output
    # Then both are listed, secrets masked, and the product counts one watcher
    listed = run("watches", "list")
    assert listed.exit_code == 0, listed.output
    assert "telegram:-1001234" in listed.output
    assert "all deals, discount >= 25%, domain shop.example" in listed.output
    assert f"product {pid}, price <= 49.9, drop >= 10%, back in stock" in listed.output
    assert "hunter2" not in listed.output
    with db.connect() as conn:
        assert conn.execute(select(Product.watcher_count)).scalar_one() == 1
        watch_ids = conn.execute(select(Watch.id).order_by(Watch.id)).scalars().all()
    # When one is deleted, then it is gone and the watcher count drops
    assert run("watches", "delete", str(watch_ids[1])).exit_code == 0
    assert run("watches", "delete", str(watch_ids[1])).exit_code == 1
    with db.connect() as conn:
        assert conn.execute(select(Watch.id)).scalars().all() == [watch_ids[0]]
        assert conn.execute(select(Product.watcher_count)).scalar_one() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--deals", "--telegram", "not a chat"], "numeric id"),
        (["--deals", "--apprise", "nosuch://x"], "Apprise does not understand"),
        (["--deals", "--telegram", "-1", "--target-price", "5"], "need --product"),
        (["--product", "999", "--telegram", "-1"], "no product with id 999"),
        (["--deals", "--telegram", "-1", "--min-discount", "120"], "between 0 and 100"),
    ],
)
def test_add_refuses_broken_watches(db: Engine, args: list[str], message: str) -> None:
    result = run("watches", "add", *args)
    assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("json://169.254.169.254/latest/meta-data", "169.254.169.254 resolves to non-public"),
        ("jsons://localhost/x", "localhost resolves to non-public address"),
        ("json://[::1]/", "non-public address ::1"),
    ],
)
def test_apprise_url_to_an_internal_server_is_refused_in_one_line(
    db: Engine, monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    # Given a configuration allowing only 127.0.0.1, and a terminal narrower than the message
    monkeypatch.setenv("PRICERADAR_ALLOWED_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("COLUMNS", "60")
    context.settings.cache_clear()
    # When a watch is added for an Apprise URL naming an internal server
    result = run("watches", "add", "--deals", "--apprise", url)
    # Then it fails with one line saying why, and stores nothing
    assert result.exit_code == 1
    assert result.output.startswith("cannot add watch: Apprise URL refused: ")
    assert reason in result.output and result.output.count("\n") == 1
    with db.connect() as conn:
        assert conn.execute(select(Watch.id)).first() is None
    # When the allowed loopback address is used instead, then the watch is added
    accepted = run("watches", "add", "--deals", "--apprise", "json://127.0.0.1:8089/hook")
    assert accepted.exit_code == 0, accepted.output


def test_add_needs_one_subject_and_one_destination(db: Engine) -> None:
    assert run("watches", "add", "--telegram", "-1").exit_code == 2
    assert run("watches", "add", "--deals").exit_code == 2


def test_disabled_destination_is_shown_and_can_be_enabled(db: Engine) -> None:
    assert run("watches", "add", "--deals", "--telegram", "@deals_here").exit_code == 0
    with db.begin() as conn:
        conn.execute(update(Destination).values(enabled=False, disabled_reason="chat not found"))
        dest_id = conn.execute(select(Destination.id)).scalar_one()
    assert "disabled: chat not found" in run("watches", "list").output
    assert run("watches", "enable", str(dest_id)).exit_code == 0
    assert "enabled" in run("watches", "list").output


def test_deals_list(db: Engine) -> None:
    (pid,) = make_products(db, 1, domain="shop.example", title="Acme Kettle")
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(
            Deal.__table__.insert().values(
                product_id=pid, currency="EUR", reference_kind="median", reference_price=100,
                deal_price=70, discount_amount=30, discount_percent=30, lowest_30d=True,
                started_at=now, updated_at=now,
            )
        )  # fmt: skip
    out = run("deals", "list").output
    assert "Acme Kettle" in out and "100.00" in out and "70.00" in out and "30%" in out
    assert "30d" in out and "paused" not in out
    # An open deal whose product is out of stock is shown as paused (it resumes on return)
    set_columns(db, [pid], in_stock=False)
    assert "paused" in run("deals", "list").output
