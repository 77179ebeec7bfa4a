"""Which domains are rendered in the browser: set-based reads and writes of `render_domains`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from priceradar.adapters.db.tables import products, render_domains

DETECTED = "detected"
OPERATOR = "operator"
SUCCESS_OUTCOMES = ("ok", "out_of_stock")


@dataclass(frozen=True, slots=True)
class RenderDecision:
    domain: str
    render: bool
    decided_by: str  # detected | operator (| site_rule, never stored)
    evidence_product_id: int | None
    updated_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "render": self.render,
            "decided_by": self.decided_by,
            "evidence_product_id": self.evidence_product_id,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def decisions_for(conn: Connection, domains: Iterable[str]) -> dict[str, bool]:
    """{domain: render} for the domains that have a decision; others are absent."""
    wanted = sorted(set(domains))
    if not wanted:
        return {}
    rows = conn.execute(
        select(render_domains.c.domain, render_domains.c.render).where(
            render_domains.c.domain.in_(wanted)
        )
    )
    return {r.domain: bool(r.render) for r in rows}


def list_decisions(conn: Connection) -> list[RenderDecision]:
    rows = conn.execute(select(render_domains).order_by(render_domains.c.domain))
    return [RenderDecision(**r._mapping) for r in rows]


def mark_detected(conn: Connection, product_ids: Iterable[int], now: datetime) -> list[str]:
    """Mark the domains of these products whose last check succeeded (rendered); a domain
    that already has a decision keeps it. Returns the domains newly marked."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    found = select(
        products.c.domain,
        func.min(products.c.id).label("evidence"),
    ).where(products.c.id.in_(ids), products.c.last_outcome.in_(SUCCESS_OUTCOMES))
    rows = [
        {
            "domain": r.domain,
            "render": True,
            "decided_by": DETECTED,
            "evidence_product_id": r.evidence,
            "updated_at": now,
        }
        for r in conn.execute(found.group_by(products.c.domain))
    ]
    if not rows:
        return []
    stmt = (
        _insert(conn)(render_domains)
        .on_conflict_do_nothing(index_elements=["domain"])
        .returning(render_domains.c.domain)
    )
    return sorted(d for (d,) in conn.execute(stmt, rows))


def set_decision(conn: Connection, domain: str, render: bool, now: datetime) -> None:
    """The operator's word: render this domain or never; detection will not change it."""
    values = {"render": render, "decided_by": OPERATOR, "evidence_product_id": None}
    stmt = _insert(conn)(render_domains).values(domain=domain, updated_at=now, **values)
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["domain"], set_={**values, "updated_at": now})
    )


def clear_decision(conn: Connection, domain: str) -> bool:
    """Forget any decision: the domain is fetched statically again, with shell detection."""
    return bool(
        conn.execute(delete(render_domains).where(render_domains.c.domain == domain)).rowcount
    )


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
