"""Worker-side metrics: task durations and check outcomes recorded from Celery's signals."""

from __future__ import annotations

from types import SimpleNamespace

from priceradar.observability import worker_metrics


def sample(name: str, **labels: str) -> float:
    value = worker_metrics.REGISTRY.get_sample_value(name, labels)
    return value or 0.0


def test_a_finished_batch_records_its_duration_and_outcomes() -> None:
    # Given the counters before a batch task runs
    before_runs = sample(
        "priceradar_task_duration_seconds_count", task="batch_price_check", state="success"
    )
    before_ok = sample("priceradar_worker_checks_total", outcome="ok")

    # When Celery signals the start and the successful end of a batch of three checks
    worker_metrics._task_started(task_id="t-1")
    worker_metrics._task_finished(
        task_id="t-1",
        task=SimpleNamespace(name="batch_price_check"),
        retval={"checked": 3, "outcomes": {"ok": 2, "not_found": 1}},
        state="SUCCESS",
    )

    # Then one duration and the outcomes are counted
    after_runs = sample(
        "priceradar_task_duration_seconds_count", task="batch_price_check", state="success"
    )
    assert after_runs == before_runs + 1
    assert sample("priceradar_worker_checks_total", outcome="ok") == before_ok + 2
    assert sample("priceradar_worker_checks_total", outcome="not_found") >= 1
