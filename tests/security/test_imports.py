"""Hostile import files never answer 500 and never trace back; bad rows are reported one by one
and good rows stored exactly. A file that cannot be read as a whole (not UTF-8, not JSON, nested
too deeply) stores nothing: validation runs over the whole file before the first insert."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from priceradar.adapters.db.models import Product
from tests.api.conftest import API_KEY
from tests.support.stack import clean_environ

IMPORT = "/api/v1/products/import"
CSV = {"content-type": "text/csv"}
NDJSON = {"content-type": "application/x-ndjson"}
JSON = {"content-type": "application/json"}


def base() -> str:
    return f"http://127.0.0.1/{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def client(make_api: Callable[..., TestClient]) -> TestClient:
    return make_api(headers={"X-API-Key": API_KEY})


def stored(client: TestClient, prefix: str) -> list[str]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.scalars(select(Product.url).where(Product.url.startswith(prefix)))
        return sorted(rows)


def hostile_csv(b: str) -> bytes:
    return (
        f"\ufeffurl,priority,check_interval_s\n"
        f"{b}/ok,5,\n"
        f"{b}/sup,\u00b2,\n"  # a Unicode digit: isdigit() but not int()
        f"{b}/arabic,\u0663,\n"
        f'{b}/stray"quote,1,\n'
        f'"{b}/unclosed,2,\n'
        f"{b}/huge,1,{'9' * (130 * 1024)}\n"
        f"{b}/after,7,3600\n"
    ).encode()


def test_a_hostile_csv_over_the_api_reports_rows_and_stores_the_good_ones_exactly(
    client: TestClient,
) -> None:
    b = base()
    response = client.post(IMPORT, content=hostile_csv(b), headers=CSV)
    assert response.status_code == 200, response.text
    body = response.json()
    assert stored(client, b) == [f"{b}/after", f"{b}/ok"]
    assert body["inserted"] == 2
    assert body["invalid"] == 5
    assert all(e["reason"] for e in body["errors"])


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        ("[" * 100_000 + "]" * 100_000, JSON),
        ('[{"url": "http://127.0.0.1/x", "priority": ' + "9" * 5000 + "}]", JSON),
        ('[{"url": ' + "[" * 50_000 + "]" * 50_000 + "}]", JSON),
        ("\xff\xfe not utf-8".encode("latin-1"), CSV),
        ("\xff\xfe not utf-8".encode("latin-1"), NDJSON),
    ],
)
def test_unreadable_files_are_422_and_store_nothing(
    client: TestClient, content: str | bytes, headers: dict[str, str]
) -> None:
    response = client.post(IMPORT, content=content, headers=headers)
    assert response.status_code == 422, response.text


def test_deep_ndjson_lines_and_unicode_digits_are_row_errors(client: TestClient) -> None:
    b = base()
    lines = [
        json.dumps({"url": f"{b}/good"}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"url": f"{b}/sup", "priority": "\u00b2"}),
        '{"url": ' + "{" * 50_000,
        '{"url": "http://127.0.0.1/x", "priority": ' + "9" * 5000 + "}",
    ]
    response = client.post(IMPORT, content="\n".join(lines), headers=NDJSON)
    assert response.status_code == 200, response.text
    assert (response.json()["inserted"], response.json()["invalid"]) == (1, 4)
    assert stored(client, b) == [f"{b}/good"]


def test_a_file_broken_after_many_batches_stores_nothing(client: TestClient) -> None:
    b = base()
    good = "".join(f"{b}/{i}\n" for i in range(12_000)).encode()
    response = client.post(IMPORT, content=b"url\n" + good + b"\xff\xfe\n", headers=CSV)
    assert response.status_code == 422
    assert stored(client, b) == []


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "priceradar", *args],
        env={
            **clean_environ(),
            "PRICERADAR_DATA_DIR": str(data_dir),
            "PRICERADAR_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
            "COLUMNS": "200",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=data_dir,
    )


def cli_stored(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "priceradar.sqlite3") as conn:
        return sorted(row[0] for row in conn.execute("SELECT url FROM products"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    return tmp_path


def test_the_cli_imports_a_hostile_csv_without_a_traceback(data_dir: Path) -> None:
    b = base()
    (data_dir / "in.csv").write_bytes(hostile_csv(b))
    out = cli(data_dir, "products", "import", "in.csv")
    assert "Traceback" not in out.stderr + out.stdout
    assert out.returncode == 0, out.stderr
    assert cli_stored(data_dir) == [f"{b}/after", f"{b}/ok"]
    assert "invalid 5" in out.stdout


@pytest.mark.parametrize(
    "tail",
    [b"\xff\xfe\n", "https://x.example/\u00b2\n".encode()],
    ids=["non-utf8", "sup"],
)
def test_the_cli_refuses_an_unreadable_file_whole_and_clearly(data_dir: Path, tail: bytes) -> None:
    b = base()
    good = "".join(f"{b}/{i}\n" for i in range(12_000)).encode()
    (data_dir / "in.csv").write_bytes(good + tail)
    out = cli(data_dir, "products", "import", "in.csv")
    assert "Traceback" not in out.stderr + out.stdout
    if tail.startswith(b"\xff"):
        assert out.returncode == 1
        assert "UTF-8" in out.stderr + out.stdout
        assert cli_stored(data_dir) == []
    else:  # a valid file with one odd row: the rest is stored
        assert out.returncode == 0
        assert len(cli_stored(data_dir)) == 12_001
