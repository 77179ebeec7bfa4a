"""Static and rendered batches get their deadline and write plan from one place."""

from __future__ import annotations

from dataclasses import replace

from priceradar.worker.app import settings
from priceradar.worker.tasks import WRITE_MARGIN_S, batch_limits


def test_rendered_batches_share_the_static_limits_but_never_detach() -> None:
    # When both fetch paths ask for their limits
    static_deadline_s, static = batch_limits(detach=True)
    rendered_deadline_s, rendered = batch_limits(detach=False)

    # Then they share the deadline, leaving time to write before the soft limit
    expected_s = max(5.0, settings.task_soft_time_limit_s - WRITE_MARGIN_S)
    assert static_deadline_s == rendered_deadline_s == expected_s
    # and the static plan detaches as configured, the rendered one waits for every page
    assert static.group_size == settings.check_write_group
    assert static.max_age_s == settings.check_write_max_age_s
    assert static.detach_pending == settings.check_detach_pending
    assert rendered == replace(static, detach_pending=0)
