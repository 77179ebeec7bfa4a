"""The Celery worker: `celery -A priceradar.worker worker` (app, queues, routes, tasks)."""

from priceradar.worker.app import app
from priceradar.worker.tasks import (
    batch_price_check,
    check_product_price,
    dispatch_due_checks,
    ping,
)

celery = app

__all__ = [
    "app",
    "batch_price_check",
    "celery",
    "check_product_price",
    "dispatch_due_checks",
    "ping",
]
