"""The seed guide's beat jobs. Each is a thin shell over a service.

The continuous dispatcher (`dispatch_due_checks`, every few seconds) does the real scheduling;
the three sweeps keep the guide's names and times and run the same leasing path for their
priority range, so they never double-dispatch what the dispatcher already leased.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from priceradar.services.batching import SWEEPS, bands_between
from priceradar.services.cleanup import cleanup_old_data as run_cleanup
from priceradar.services.discovery import discover
from priceradar.services.priorities import update_product_priorities as run_priorities
from priceradar.services.schedule import dispatch_due, dispatch_limits
from priceradar.worker.app import app, settings
from priceradar.worker.runtime import get_runtime
from priceradar.worker.tasks import RETRY, enqueue_batch

log = logging.getLogger(__name__)


def _sweep(name: str) -> dict[str, int]:
    bands = bands_between(settings.priority_bands, *SWEEPS[name])
    limits = dispatch_limits(settings)
    stats = dispatch_due(
        get_runtime(settings).engine, enqueue_batch, limits, datetime.now(UTC), bands
    )
    log.info("%s sweep", name, extra={"leased": stats.leased, "batches": stats.batches})
    return {"leased": stats.leased, "batches": stats.batches}


@app.task(name="schedule_high_priority_checks", ignore_result=True, **RETRY)
def schedule_high_priority_checks() -> dict[str, int]:
    """Hourly: due products with priority >= 80 (active deals)."""
    return _sweep("high")


@app.task(name="schedule_medium_priority_checks", ignore_result=True, **RETRY)
def schedule_medium_priority_checks() -> dict[str, int]:
    """Every 6 hours: due products with priority 40-79."""
    return _sweep("medium")


@app.task(name="schedule_low_priority_checks", ignore_result=True, **RETRY)
def schedule_low_priority_checks() -> dict[str, int]:
    """Daily 03:00: due products with priority below 40."""
    return _sweep("low")


@app.task(name="schedule_product_fetch", **RETRY)
def schedule_product_fetch() -> dict[str, Any]:
    """Daily 04:00: discover new products from the configured sitemaps and listing pages."""
    rt = get_runtime(settings)
    reports = discover(
        rt.engine,
        rt.fetcher,
        rt.run,
        settings.discovery_sources,
        tuple(settings.allowed_private_hosts),
        bands=settings.priority_bands,
    )
    log.info(
        "discovery", extra={"sources": len(reports), "inserted": sum(r.inserted for r in reports)}
    )
    return {"sources": [r.as_dict() for r in reports]}


@app.task(name="update_product_priorities", **RETRY)
def update_product_priorities() -> dict[str, Any]:
    """Every 4 hours: recompute all priorities set-based; bands move next checks."""
    stats = run_priorities(
        get_runtime(settings).engine, settings.priority_weights, settings.priority_bands
    )
    log.info("priorities updated", extra={"scanned": stats.scanned, "updated": stats.updated})
    return {
        "scanned": stats.scanned,
        "updated": stats.updated,
        "elapsed_s": round(stats.elapsed_s, 3),
    }


@app.task(name="cleanup_old_data", **RETRY)
def cleanup_old_data() -> dict[str, int]:
    """Daily 02:00: retention for price history and long-inactive products, in small batches."""
    return run_cleanup(
        get_runtime(settings).engine,
        history_days=settings.history_retention_days,
        inactive_days=settings.inactive_retention_days,
        notification_days=settings.notification_retention_days,
        deal_days=settings.deal_retention_days,
        batch_rows=settings.cleanup_batch_rows,
    )
