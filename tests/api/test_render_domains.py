"""Rendering decisions over HTTP: listed with who decided, set and forgotten by the operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from starlette.testclient import TestClient

from priceradar.adapters.db.rendering import mark_detected
from tests.api.conftest import API_KEY
from tests.api.test_products import add


def test_the_operator_decides_and_detection_does_not_override(
    make_api: Callable[..., TestClient],
) -> None:
    # Given an API whose site rules render one domain
    client = make_api(
        headers={"X-API-Key": API_KEY},
        site_rules='{"spa.example": {"render": true}}',
    )
    assert client.get("/api/v1/render-domains").json() == [
        {
            "domain": "spa.example",
            "render": True,
            "decided_by": "site_rule",
            "evidence_product_id": None,
            "updated_at": None,
        }
    ]

    # When the operator says another domain is never rendered
    reply = client.put("/api/v1/render-domains/127.0.0.1:8123", json={"render": False})
    assert reply.status_code == 200, reply.text
    assert reply.json()["decided_by"] == "operator"

    # Then a later detection on that domain keeps the operator's word
    product_id = add(client, "http://127.0.0.1:8123/p/1")["id"]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE products SET last_outcome='ok' WHERE id={product_id}")
        assert mark_detected(conn, [product_id], datetime.now(UTC)) == []
    listed = {d["domain"]: d for d in client.get("/api/v1/render-domains").json()}
    assert listed["127.0.0.1:8123"]["render"] is False
    assert listed["127.0.0.1:8123"]["decided_by"] == "operator"

    # When the operator forgets the decision, detection may mark it again
    assert client.delete("/api/v1/render-domains/127.0.0.1:8123").status_code == 204
    assert client.delete("/api/v1/render-domains/127.0.0.1:8123").status_code == 404
    with engine.begin() as conn:
        assert mark_detected(conn, [product_id], datetime.now(UTC)) == ["127.0.0.1:8123"]
    listed = {d["domain"]: d for d in client.get("/api/v1/render-domains").json()}
    assert listed["127.0.0.1:8123"]["decided_by"] == "detected"
    assert listed["127.0.0.1:8123"]["evidence_product_id"] == product_id


def test_decisions_need_a_key_and_a_domain(make_api: Callable[..., TestClient]) -> None:
    anonymous = make_api()
    assert (
        anonymous.put("/api/v1/render-domains/a.example", json={"render": True}).status_code == 401
    )
    client = make_api(headers={"X-API-Key": API_KEY})
    reply = client.put("/api/v1/render-domains/not a domain", json={"render": True})
    assert reply.status_code == 422
