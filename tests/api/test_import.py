"""Bulk import over HTTP: CSV, JSON and NDJSON, streamed, with per-row reasons for rejects."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

from sqlalchemy import func, select
from starlette.testclient import TestClient

from priceradar.adapters.db.models import Product
from tests.api.conftest import API_KEY
from tests.api.test_products import shop_urls

IMPORT = "/api/v1/products/import"


def count_on(client: TestClient, domain: str) -> int:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(Product.domain == domain)).scalar_one())


def test_a_100k_row_csv_streams_in_and_every_row_is_stored(client: TestClient) -> None:
    # Given a 100,000-row CSV (about 4 MB) with a duplicate and a broken row
    urls = shop_urls(100_000)
    lines = ["url,check_interval_s,priority", *(f"{u},3600,50" for u in urls)]
    lines += [urls[0], "ftp://127.0.0.1/file"]
    body = ("\n".join(lines) + "\n").encode()

    # When it is posted as a stream of chunks
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    started = time.monotonic()
    response = client.post(IMPORT, content=chunks(), headers={"content-type": "text/csv"})
    elapsed_s = time.monotonic() - started

    # Then all rows are tracked, the duplicate counted and the broken row explained
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["inserted"] == 100_000
    assert report["existing"] == 1
    assert report["invalid"] == 1
    assert "only http and https" in report["errors"][0]["reason"]
    assert count_on(client, urls[0].split("/")[2]) == 100_000
    assert elapsed_s < 120, f"100k-row import took {elapsed_s:.0f} s"


def test_json_and_ndjson_rows_are_validated_one_by_one(client: TestClient) -> None:
    # Given rows of every kind: objects, bare strings, bad fields and internal targets
    good = shop_urls(3)
    rows = [
        {"url": good[0], "priority": 90},
        good[1],
        {"url": good[2], "check_interval_s": 0},
        {"url": "http://10.0.0.1/admin"},
        {"url": "http://localhost/admin"},
        42,
    ]

    # When they come as a JSON array, and again as NDJSON with a line that is not JSON
    as_json = client.post(IMPORT, json=rows).json()
    ndjson = "\n".join([*map(json.dumps, rows), "{not json"]) + "\n"
    as_ndjson = client.post(
        IMPORT, content=ndjson, headers={"content-type": "application/x-ndjson"}
    ).json()

    # Then the two good rows are added once, and every other row says why it was refused
    assert (as_json["inserted"], as_json["existing"], as_json["invalid"]) == (2, 0, 4)
    assert (as_ndjson["inserted"], as_ndjson["existing"], as_ndjson["invalid"]) == (0, 2, 5)
    reasons = " | ".join(e["reason"] for e in as_ndjson["errors"])
    for expected in ("check_interval_s", "10.0.0.1", "localhost resolves to", "not JSON"):
        assert expected in reasons


def test_a_body_over_the_cap_is_refused_before_anything_is_stored(
    make_api: Callable[..., TestClient],
) -> None:
    client = make_api(headers={"X-API-Key": API_KEY}, api_import_max_bytes=2048)
    urls = shop_urls(100)
    response = client.post(IMPORT, content="\n".join(urls), headers={"content-type": "text/csv"})
    assert response.status_code == 413
    assert count_on(client, urls[0].split("/")[2]) == 0


def test_unreadable_bodies_are_422(client: TestClient) -> None:
    latin1 = "url\nhttp://127.0.0.1/caf\xe9\n".encode("latin-1")
    assert (
        client.post(IMPORT, content=latin1, headers={"content-type": "text/csv"}).status_code == 422
    )
    broken = client.post(IMPORT, content="[{", headers={"content-type": "application/json"})
    assert broken.status_code == 422
    scalar = client.post(IMPORT, json={"url": "http://127.0.0.1/x"})
    assert scalar.status_code == 422
