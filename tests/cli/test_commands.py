"""The `priceradar` command as a user runs it: a real subprocess on the embedded default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.stack import clean_environ


def priceradar(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "priceradar", *args],
        env={**clean_environ(), "PRICERADAR_DATA_DIR": str(data_dir), "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=data_dir,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PRICERADAR_FETCH_TIMEOUT_S": "soon"}, "PRICERADAR_FETCH_TIMEOUT_S"),
        ({"PRICERADAR_SITE_RULES": '{"shop.test": {"title": "h1"}}'}, "shop.test"),
        ({"PRICERADAR_CRON_CLEANUP": "0 2 * *"}, "PRICERADAR_CRON_CLEANUP"),
        ({"PRICERADAR_PRIORITY_BANDS": "[[50, 60]]"}, "PRICERADAR_PRIORITY_BANDS"),
        (
            {"PRICERADAR_ENV": "production", "CELERY_BROKER_URL": "amqp://guest:guest@mq//"},
            "CELERY_BROKER_URL",
        ),
    ],
)
def test_broken_config_is_one_clear_line(tmp_path: Path, env: dict[str, str], named: str) -> None:
    out = priceradar(tmp_path, "status", **env)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert named in lines[0] and "Traceback" not in out.stderr


def test_broken_config_stops_the_worker_with_the_same_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "priceradar.worker", "inspect", "ping"],
        env={**clean_environ(), "PRICERADAR_DATA_DIR": str(tmp_path), "PRICERADAR_LEASE_S": "-1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode != 0
    assert "PRICERADAR_LEASE_S" in out.stderr and "Traceback" not in out.stderr


def test_first_hour_on_the_embedded_default(tmp_path: Path) -> None:
    # Given a fresh data directory
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0

    # When products are added one by one and from a CSV with duplicates and junk
    added = priceradar(
        tmp_path,
        "products",
        "add",
        "https://shop.test/p/1?utm_source=x",
        "ftp://nope/1",
        "http://10.0.0.1/p/2",
        "--interval",
        "600",
    )
    csv = tmp_path / "products.csv"
    csv.write_text(
        "url,check_interval_s,priority\n"
        + "".join(f"https://shop.test/p/{i},3600,{i % 101}\n" for i in range(1, 2001))
        + "not a url,,\n"
    )
    imported = priceradar(tmp_path, "products", "import", str(csv))
    status = priceradar(tmp_path, "status")

    # Then valid ones are tracked once, invalid ones are named with the reason
    assert added.returncode == 0, added.stderr
    assert "added 1, already tracked 0, invalid 2" in added.stdout
    assert "only http and https" in added.stdout and "non-public address" in added.stdout
    assert imported.returncode == 0, imported.stderr
    assert "added 1999, already tracked 1, invalid 1" in imported.stdout
    assert "total 2000, due now 2000, in flight 0" in status.stdout


def test_new_products_get_a_configured_band_and_are_dispatched(tmp_path: Path) -> None:
    # Given two configured priority bands (the built-in table has five)
    from sqlalchemy import select

    from priceradar.adapters.db.engine import make_engine
    from priceradar.adapters.db.models import Product

    bands = {"PRICERADAR_PRIORITY_BANDS": "[[50, 600], [0, 3600]]"}
    assert priceradar(tmp_path, "db", "upgrade", **bands).returncode == 0
    # When a product is added with priority 10
    out = priceradar(
        tmp_path, "products", "add", "https://shop.example/p/2", "--priority", "10", **bands
    )
    assert out.returncode == 0, out.stderr
    # Then it is in the last configured band, which the dispatcher walks
    engine = make_engine(f"sqlite:///{tmp_path / 'priceradar.sqlite3'}")
    with engine.connect() as conn:
        band = conn.execute(
            select(Product.priority_band).where(Product.url == "https://shop.example/p/2")
        ).scalar_one()
    engine.dispose()
    assert band == 1
