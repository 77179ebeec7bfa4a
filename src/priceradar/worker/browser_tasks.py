"""The browser_fetch task: check products by rendering their pages in Chromium."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from priceradar.adapters.browser.renderer import renderer_stats
from priceradar.services.render import check_rendered
from priceradar.worker.app import app, settings
from priceradar.worker.runtime import get_runtime
from priceradar.worker.tasks import RETRY, batch_limits

log = logging.getLogger(__name__)


@app.task(name="browser_price_check", throws=(SoftTimeLimitExceeded,), **RETRY)
def browser_price_check(
    product_ids: list[int],
    recheck_ids: list[int] | None = None,
    priority: int | None = None,
    lease_token: str | None = None,
) -> dict[str, Any]:
    """Check products in the browser; `recheck_ids` are script shells the static path passed on
    (a price found for one marks its domain as rendered). With the dispatcher's `lease_token`,
    only products still leased to it are rendered and written, as on the static path."""
    rt = get_runtime(settings)
    deadline_s, plan = batch_limits(detach=False)
    summary, marked = check_rendered(
        [int(i) for i in product_ids],
        [int(i) for i in recheck_ids or []],
        engine=rt.engine,
        renderer=rt.renderer,
        run=rt.run,
        policy=rt.policy,
        rules=settings.site_rules,
        deadline_s=deadline_s,
        plan=plan,
        lease_token=lease_token,
    )
    stats = renderer_stats(rt.renderer)
    log.info("rendered batch", extra={**summary.as_dict(), **stats, "marked_domains": marked})
    if summary.notifications:
        app.send_task("send_notifications")
    return {**summary.as_dict(), "marked_domains": marked, "browser": stats}
