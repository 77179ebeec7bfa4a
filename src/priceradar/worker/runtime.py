"""Per-process resources of a worker: engine, event loop, fetcher. Built lazily after fork.

Database engines and sockets must not cross a fork, so each prefork child builds its own on
first use; `reset_runtime` runs in `worker_process_init`.

The event loop runs in its own thread for the life of the process. A task hands it coroutines
(`run`) and waits for them, so work a batch leaves behind (pages still loading when most of the
batch is done, see services.check) keeps going while the process takes its next batch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import Engine

from priceradar.adapters.browser.renderer import BrowserConfig, BrowserRenderer
from priceradar.adapters.db.engine import make_engine
from priceradar.adapters.http.egress import load_routes
from priceradar.adapters.http.fetcher import FetchConfig, Fetcher
from priceradar.adapters.ratelimit import DomainLimiter, LocalLimiter, RedisLimiter, rate_table
from priceradar.config import Settings
from priceradar.domain.check import CheckPolicy
from priceradar.domain.deals import DealRules, ReferenceKind
from priceradar.observability import worker_metrics
from priceradar.services.check import drain_background
from priceradar.services.render import price_ready, wait_selector

T = TypeVar("T")
log = logging.getLogger(__name__)
# At shutdown, how long work left running in the background may take to finish.
BACKGROUND_GRACE_S = 30.0


def egress_routes(settings: Settings) -> tuple[str, ...]:
    """PRICERADAR_FETCH_PROXIES (and its file); empty: the single proxy or direct."""
    if not settings.fetch_proxies and settings.fetch_proxies_file is None:
        return ()
    return load_routes(settings.fetch_proxies, settings.fetch_proxies_file)


def fetch_config(settings: Settings) -> FetchConfig:
    return FetchConfig(
        timeout_s=settings.fetch_timeout_s,
        connect_timeout_s=settings.fetch_connect_timeout_s,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        user_agent=settings.fetch_user_agent,
        concurrency=settings.fetch_concurrency,
        per_domain_concurrency=settings.fetch_per_domain_concurrency,
        proxy=settings.fetch_proxy,
        proxies=egress_routes(settings),
        egress_cooldown_s=settings.egress_cooldown_s,
        allowed_private_hosts=tuple(settings.allowed_private_hosts),
        blocked_pause_s=settings.blocked_pause_s,
    )


def browser_renderer(settings: Settings) -> BrowserRenderer:
    """The browser fetcher: the static fetch settings with the browser's page timeout."""
    fetch_cfg = replace(
        fetch_config(settings),
        timeout_s=settings.browser_page_timeout_s,
        concurrency=settings.browser_concurrency,
    )
    browser = BrowserConfig(
        executable=settings.browser_executable,
        settle_s=settings.browser_settle_s,
        max_pages=settings.browser_max_pages,
        max_rss_mb=settings.browser_max_rss_mb,
        extra_trackers=frozenset(settings.browser_block_hosts),
    )
    return BrowserRenderer(
        fetch_cfg,
        browser,
        domain_limiter(settings),
        wait_selector=wait_selector(settings.site_rules),
        ready=price_ready(settings.site_rules),
    )


def domain_limiter(settings: Settings) -> DomainLimiter:
    """Shared through Redis when REDIS_URL is set; per process on the embedded default."""
    rate_for = rate_table(settings.domain_rate_per_s, settings.domain_burst, settings.domain_rates)
    if settings.redis_url:
        return RedisLimiter(settings.redis_url, rate_for)
    return LocalLimiter(rate_for)


def deal_rules(s: Settings) -> DealRules:
    def pct(value: float) -> Decimal:
        return Decimal(str(value))

    thresholds = s.deal_thresholds
    return DealRules(
        reference=ReferenceKind(s.deal_reference),
        window_days=s.deal_reference_days,
        min_discount_percent=pct(s.deal_min_discount_percent),
        domain_percent={
            k.removeprefix("domain:").lower(): pct(v)
            for k, v in thresholds.items()
            if k.startswith("domain:")
        },
        category_percent={
            k.removeprefix("category:"): pct(v)
            for k, v in thresholds.items()
            if k.startswith("category:")
        },
        min_history_days=s.deal_min_history_days,
        realert_on_deeper_drop=s.deal_realert_on_deeper_drop,
        realert_step_percent=pct(s.deal_realert_step_percent),
    )


def check_policy(settings: Settings) -> CheckPolicy:
    return CheckPolicy(
        deactivate_after_not_found=settings.not_found_deactivate_after,
        retry_base_s=settings.retry_base_s,
        retry_max_s=settings.retry_max_s,
        bands=settings.priority_bands,
        deal_rules=deal_rules(settings),
    )


@dataclass
class Runtime:
    settings: Settings
    _loop_thread: threading.Thread | None = field(default=None, init=False, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.db_url)

    @cached_property
    def loop(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(
            target=loop.run_forever, name="priceradar-loop", daemon=True
        )
        self._loop_thread.start()
        return loop

    @cached_property
    def fetcher(self) -> Fetcher:
        fetcher = Fetcher(
            fetch_config(self.settings),
            domain_limiter(self.settings),
            egress_listener=worker_metrics.egress_event,
        )
        self.run(fetcher.open())
        return fetcher

    @cached_property
    def renderer(self) -> BrowserRenderer:
        """Launched on the first browser_fetch task, so static-only processes never start one."""
        return browser_renderer(self.settings)

    @cached_property
    def policy(self) -> CheckPolicy:
        return check_policy(self.settings)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this process's loop (kept, so HTTP connections are reused).

        If the caller is interrupted (Celery's soft time limit), the coroutine is cancelled.
        """
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def close(self) -> None:
        if "loop" in self.__dict__:
            try:
                self.run(drain_background(BACKGROUND_GRACE_S))
            except (concurrent.futures.CancelledError, RuntimeError):
                log.warning("background checks left to their lease at shutdown")
        for name in ("fetcher", "renderer"):
            if name in self.__dict__:
                fetcher: Fetcher = self.__dict__[name]
                self.run(fetcher.close())
                if fetcher.limiter is not None:
                    self.run(fetcher.limiter.close())
        if "loop" in self.__dict__:
            self.loop.call_soon_threadsafe(self.loop.stop)
            if self._loop_thread is not None:
                self._loop_thread.join(timeout=10)
            if not self.loop.is_running():
                self.loop.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


_runtime: Runtime | None = None


def get_runtime(settings: Settings) -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = Runtime(settings)
    return _runtime


def reset_runtime() -> None:
    """Forget the parent's resources in a fresh child (closing them would close the parent's)."""
    global _runtime
    _runtime = None
