"""Deal detection inside the check's write transaction (filled in by the deals issue)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from priceradar.domain.check import AppliedCheck


def after_checks(conn: Connection, applied: Sequence[AppliedCheck], now: datetime) -> int:
    """Detect deals and queue alerts for these stored checks; returns new outbox rows."""
    return 0
