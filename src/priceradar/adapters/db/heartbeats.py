"""Heartbeats of singleton jobs: one upserted row per job, read by the System page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from priceradar.adapters.db.deals import dialect_insert
from priceradar.adapters.db.tables import heartbeats

DISPATCHER = "dispatcher"


@dataclass(frozen=True, slots=True)
class Beat:
    name: str
    at: datetime
    detail: dict[str, Any]


def record(engine: Engine, name: str, at: datetime, detail: dict[str, Any]) -> None:
    """Upsert the job's row in its own small transaction (one row: no growth, no cleanup)."""
    values = {"name": name, "at": at, "detail": json.dumps(detail, default=str)}
    with engine.begin() as conn:
        conn.execute(
            dialect_insert(conn, heartbeats)
            .values(values)
            .on_conflict_do_update(index_elements=["name"], set_=values)
        )


def read(conn: Connection) -> dict[str, Beat]:
    out = {}
    for row in conn.execute(select(heartbeats)):
        try:
            detail = json.loads(row.detail) if row.detail else {}
        except ValueError:
            detail = {}
        out[row.name] = Beat(row.name, row.at, detail)
    return out
