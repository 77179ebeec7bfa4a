"""The Grafana dashboard only charts metrics that priceradar really exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from priceradar.observability import worker_metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "priceradar.json"


def exposed_names(client: TestClient) -> set[str]:
    """Every series name the API's /metrics and a worker's metrics port can carry."""
    families = [
        *text_string_to_metric_families(client.get("/metrics").text),
        *worker_metrics.REGISTRY.collect(),
    ]
    names: set[str] = set()
    for family in families:
        names |= {family.name, *(s.name for s in family.samples)}
        # Series exist from the first sample on; a fresh database or worker has none yet.
        if family.type == "counter":
            names.add(f"{family.name}_total")
        if family.type == "histogram":
            names |= {f"{family.name}{suffix}" for suffix in ("_bucket", "_count", "_sum")}
    return names


def test_every_dashboard_query_uses_an_exposed_metric(client: TestClient) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"\bpriceradar_\w+", expr)}
    assert used, "the dashboard charts nothing"
    assert used <= exposed_names(client), used - exposed_names(client)
