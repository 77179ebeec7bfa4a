"""Storing watches: an Apprise destination naming an internal server is refused (SSRF).

The system resolver is used as in production: literal addresses, decimal forms and
`localhost` need no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from priceradar.adapters.db.models import Destination, Watch
from priceradar.adapters.http.targets import HostVetter
from priceradar.services.watches import WatchError, WatchSpec, add_watch
from tests.support.factories import sqlite_engine

LOOPBACK_ALLOWED = HostVetter(("127.0.0.1",))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with sqlite_engine(tmp_path) as eng:
        yield eng


def count(engine: Engine, model: type[Watch] | type[Destination]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("json://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
        ("json://10.0.0.1/", "non-public address 10.0.0.1"),
        ("jsons://localhost/x", "localhost resolves to non-public address"),
        ("json://[::1]/", "non-public address ::1"),
        ("json://2130706433/", "2130706433 resolves to non-public address 127.0.0.1"),
        ("ntfy://user:pass@192.168.1.20:8080/alerts", "non-public address 192.168.1.20"),
        ("mailtos://me:pw@example.com?smtp=10.0.0.25", "non-public address 10.0.0.25"),
        ("nosuchscheme://x", "Apprise does not understand this URL"),
    ],
)
def test_internal_apprise_targets_are_refused(engine: Engine, url: str, reason: str) -> None:
    # Given a configuration that allows only 127.0.0.1
    # When a watch is added for an Apprise URL naming another internal server
    with pytest.raises(WatchError) as err, engine.begin() as conn:
        add_watch(conn, WatchSpec("apprise", url), datetime.now(UTC), LOOPBACK_ALLOWED)
    # Then it is refused with the reason, and nothing is stored
    assert reason in str(err.value)
    assert count(engine, Destination) == count(engine, Watch) == 0


def test_allowed_loopback_webhook_is_accepted_and_the_default_allows_none(engine: Engine) -> None:
    url = "json://127.0.0.1:8089/hook"
    # Given no allowed host (a caller that passes no configuration), the webhook is refused
    with pytest.raises(WatchError, match=r"Apprise URL refused: 127\.0\.0\.1"), engine.begin() as c:
        add_watch(c, WatchSpec("apprise", url), datetime.now(UTC))
    # When 127.0.0.1 is allowed, then it is stored
    with engine.begin() as conn:
        add_watch(conn, WatchSpec("apprise", url), datetime.now(UTC), LOOPBACK_ALLOWED)
    assert count(engine, Destination) == count(engine, Watch) == 1


def test_vendor_services_and_telegram_need_no_lookup(engine: Engine) -> None:
    # Given a vetter whose resolver fails every lookup: nothing may need one
    def no_dns(host: str) -> list[str]:
        raise AssertionError(f"looked up {host}")

    hosts = HostVetter(resolve=no_dns)
    with engine.begin() as conn:
        add_watch(
            conn, WatchSpec("apprise", "discord://1234567/abcdefghijk"), datetime.now(UTC), hosts
        )
        add_watch(conn, WatchSpec("telegram", "-1001234"), datetime.now(UTC), hosts)
    assert count(engine, Watch) == 2
