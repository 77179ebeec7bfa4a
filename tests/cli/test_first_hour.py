"""The first hour's traps: commands that did nothing must say so and fail (issue 10, point 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.test_commands import priceradar
from tests.support.stack import Stack


def test_products_add_fails_when_every_url_is_rejected(tmp_path: Path) -> None:
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0
    out = priceradar(tmp_path, "products", "add", "ftp://nope/1", "http://10.0.0.1/p/2")
    assert out.returncode == 1, out.stdout
    assert "added 0, already tracked 0, invalid 2" in out.stdout
    assert "no product was added" in out.stdout


def test_products_import_fails_when_every_row_is_rejected(tmp_path: Path) -> None:
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0
    csv = tmp_path / "bad.csv"
    csv.write_text("url\nnot a url\nftp://x/y\n")
    out = priceradar(tmp_path, "products", "import", str(csv))
    assert out.returncode == 1, out.stdout
    assert "no product was added" in out.stdout


def test_products_add_of_only_known_urls_is_fine(tmp_path: Path) -> None:
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0
    assert priceradar(tmp_path, "products", "add", "https://shop.test/p/1").returncode == 0
    again = priceradar(tmp_path, "products", "add", "https://shop.test/p/1")
    assert again.returncode == 0 and "already tracked 1" in again.stdout


def test_check_of_a_missing_product_fails_and_enqueues_nothing(tmp_path: Path) -> None:
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0
    assert priceradar(tmp_path, "products", "add", "https://shop.test/p/1").returncode == 0
    out = priceradar(tmp_path, "check", "--product", "1", "--product", "999")
    assert out.returncode == 1, out.stdout
    assert "no product with id 999" in out.stdout + out.stderr
    assert "enqueued check" not in out.stdout
    broker = tmp_path / "broker"
    assert not broker.exists() or not any(p.is_file() for p in broker.rglob("*.msg"))


def test_check_product_price_of_a_missing_product_fails_clearly(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack("embedded")
    stack.start_worker(concurrency=1)
    result = stack.app.send_task("check_product_price", args=[999_999])
    result.get(timeout=60, propagate=False)
    assert result.state == "FAILURE"
    assert "no product with id 999999" in str(result.result)
