"""Infrastructure errors are retried within a budget that outlasts a 2-minute outage."""

from __future__ import annotations

from celery.utils.time import get_exponential_backoff_interval

from priceradar.worker.tasks import RETRY, retry_delays_s


def test_a_batch_outlasts_a_two_minute_database_outage() -> None:
    # Celery's own formula, with the options every task is declared with
    waits = [
        get_exponential_backoff_interval(
            RETRY["retry_backoff"], n, RETRY["retry_backoff_max"], RETRY["retry_jitter"]
        )
        for n in range(RETRY["max_retries"])
    ]
    assert waits == retry_delays_s()
    # Every draw, not just the average, sums past 2 minutes: no full jitter that may draw zeros
    assert RETRY["retry_jitter"] is False
    assert sum(waits) >= 3 * 60
