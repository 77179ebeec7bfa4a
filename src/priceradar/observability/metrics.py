"""Scrape-time metrics: gauges computed from the database and the broker when Prometheus asks.

No worker has to push anything, and the numbers are right however many workers ran: products by
outcome and domain, checks and failures per domain (sums of the per-product counters), how
overdue the most overdue products are, what is in flight, and queue lengths including Redis's
priority sub-lists.

Everything here is a gauge: table sums go down when products are deleted, and Prometheus would
read a falling counter as a reset. The monotonic check counters are emitted where checks happen
(`worker_metrics`, correct under prefork). Cheap, index-backed queries (staleness, in flight,
deals, outbox) run every `metrics_cache_s`; the catalogue-wide GROUP BY over all products
(outcome x domain) is cached for `metrics_catalog_cache_s`, since at 1M products it scans the
table and its answer moves slowly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import redis
from kombu import Connection as BrokerConnection
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine

from priceradar.adapters.db.metrics import catalog_by_domain, open_deals
from priceradar.adapters.db.outbox import status_counts
from priceradar.adapters.db.schedule import lateness
from priceradar.config import Settings

log = logging.getLogger(__name__)

# Kombu's Redis transport keeps priority levels in separate lists: `name` for step 0 and
# `name:1` … `name:9` (priority_steps=range(10), sep=":"). A queue's length is their sum.
REDIS_PRIORITY_STEPS = range(10)
QueueLengths = Callable[[], dict[tuple[str, str], int]]


def redis_list_names(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}:{step}" for step in REDIS_PRIORITY_STEPS]


def broker_queue_lengths(settings: Settings, queues: Iterable[str]) -> QueueLengths:
    """A function reading the broker's queue lengths, keyed (queue, list or queue)."""
    names = list(queues)
    if settings.broker_transport == "redis":
        client = redis.Redis.from_url(
            settings.broker_url, socket_timeout=2, socket_connect_timeout=2
        )

        def redis_lengths() -> dict[tuple[str, str], int]:
            pipe = client.pipeline(transaction=False)
            keys = [(q, name) for q in names for name in redis_list_names(q)]
            for _, name in keys:
                pipe.llen(name)
            return {key: int(n) for key, n in zip(keys, pipe.execute(), strict=True)}

        return redis_lengths
    if settings.broker_transport == "amqp":

        def amqp_lengths() -> dict[tuple[str, str], int]:
            out: dict[tuple[str, str], int] = {}
            with BrokerConnection(settings.broker_url, connect_timeout=2) as conn:
                channel: Any = conn.channel()
                for q in names:
                    # passive: report, never create (a missing queue has no messages)
                    try:
                        out[(q, q)] = int(channel.queue_declare(q, passive=True).message_count)
                    except Exception:
                        channel = conn.channel()
                        out[(q, q)] = 0
            return out

        return amqp_lengths
    return dict  # the embedded file-system broker has no cheap length


class PriceradarCollector(Collector):
    """Computes priceradar's gauges on scrape; failures show as `priceradar_source_up 0`."""

    def __init__(
        self,
        engine: Engine,
        queue_lengths: QueueLengths,
        cache_s: float = 10.0,
        max_domains: int = 50,
        catalog_cache_s: float = 300.0,
        bands: int = 5,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        lane_rates: Callable[[], dict[str, float]] | None = None,
    ) -> None:
        self._engine = engine
        self._lane_rates = lane_rates
        self._queue_lengths = queue_lengths
        self._cache_s = cache_s
        self._max_domains = max_domains
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None
        self._catalog_cache_s = catalog_cache_s
        self._bands = bands  # the configured priority bands: the ones the dispatcher leases
        self._catalog: tuple[float, list[Metric]] | None = None

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] >= self._cache_s:
                self._cached = (time.monotonic(), self._compute())
            families = self._cached[1]
        yield from families

    def _compute(self) -> list[Metric]:
        up = GaugeMetricFamily(
            "priceradar_source_up", "Whether the source answered this scrape.", labels=["source"]
        )
        families: list[Metric] = [up]
        try:
            with self._engine.connect() as conn:
                families += self._database_metrics(conn, self._clock())
            up.add_metric(["database"], 1)
        except Exception:
            log.warning("metrics: database query failed", exc_info=True)
            up.add_metric(["database"], 0)
        if self._lane_rates is not None:
            try:
                families.append(self._rate_metric(self._lane_rates()))
                up.add_metric(["limiter"], 1)
            except Exception:
                log.warning("metrics: limiter state unreadable", exc_info=True)
                up.add_metric(["limiter"], 0)
        try:
            families.append(self._queue_metric(self._queue_lengths()))
            up.add_metric(["broker"], 1)
        except Exception:
            log.warning("metrics: broker query failed", exc_info=True)
            up.add_metric(["broker"], 0)
        return families

    def _database_metrics(self, conn: Connection, now: datetime) -> list[Metric]:
        return [*self._catalog_metrics(conn), *self._staleness(conn, now), *self._alerts(conn)]

    def _catalog_metrics(self, conn: Connection) -> list[Metric]:
        if self._catalog is None or time.monotonic() - self._catalog[0] >= self._catalog_cache_s:
            self._catalog = (time.monotonic(), self._by_domain(conn))
        return self._catalog[1]

    @staticmethod
    def _alerts(conn: Connection) -> list[Metric]:
        active = GaugeMetricFamily(
            "priceradar_active_deals", "Open deals (one per product at most)."
        )
        active.add_metric([], open_deals(conn))
        outbox = GaugeMetricFamily(
            "priceradar_notifications",
            "Notification outbox rows by status (sent, failed, pending, …): the outbox as it is "
            "now, which cleanup prunes, not a lifetime total.",
            labels=["status"],
        )
        for name, n in status_counts(conn).items():
            outbox.add_metric([name], n)
        return [active, outbox]

    def _by_domain(self, conn: Connection) -> list[Metric]:
        rows = catalog_by_domain(conn)
        sizes: dict[str, int] = defaultdict(int)
        for domain, _, n, _, _ in rows:
            sizes[domain] += int(n)
        # Bound label cardinality: the busiest domains by name, the long tail as "other".
        kept = set(sorted(sizes, key=lambda d: (-sizes[d], d))[: self._max_domains])
        by_outcome: dict[tuple[str, str], int] = defaultdict(int)
        checks: dict[str, int] = defaultdict(int)
        failures: dict[str, int] = defaultdict(int)
        for domain, result, n, checked, failed in rows:
            label = domain if domain in kept else "other"
            by_outcome[(label, str(result))] += int(n)
            checks[label] += int(checked)
            failures[label] += int(failed)
        products_g = GaugeMetricFamily(
            "priceradar_products",
            "Tracked products by domain and last check outcome ('never' = not checked yet).",
            labels=["domain", "outcome"],
        )
        for (domain, result), n in sorted(by_outcome.items()):
            products_g.add_metric([domain, result], n)
        checks_c = GaugeMetricFamily(
            "priceradar_product_checks",
            "Sum of the check counters of the products tracked now, per domain (a gauge: it drops "
            "when products are deleted; rate() the workers' priceradar_worker_checks_total).",
            labels=["domain"],
        )
        failures_c = GaugeMetricFamily(
            "priceradar_product_check_failures",
            "Sum of the failure counters of the products tracked now, per domain (a gauge).",
            labels=["domain"],
        )
        for domain in sorted(checks):
            checks_c.add_metric([domain], checks[domain])
            failures_c.add_metric([domain], failures[domain])
        return [products_g, checks_c, failures_c]

    def _staleness(self, conn: Connection, now: datetime) -> list[Metric]:
        late = lateness(conn, now, self._bands)
        overdue = GaugeMetricFamily(
            "priceradar_overdue_products",
            "Active products due and not in flight, by priority band (0 = urgent).",
            labels=["band"],
        )
        oldest = GaugeMetricFamily(
            "priceradar_max_overdue_seconds",
            "How long the most overdue active product has waited past its check time.",
            labels=["band"],
        )
        for band, (n_due, first_due) in sorted(late.due_by_band.items()):
            overdue.add_metric([str(band)], n_due)
            waited = (now - _aware(first_due)).total_seconds() if first_due is not None else 0.0
            oldest.add_metric([str(band)], max(0.0, waited))
        in_flight = GaugeMetricFamily(
            "priceradar_in_flight_products", "Products leased to a queued or running check."
        )
        in_flight.add_metric([], late.in_flight)
        lost = GaugeMetricFamily(
            "priceradar_orphaned_products",
            "Products whose lease ran out before a result was stored (due again, not yet leased).",
        )
        lost.add_metric([], late.orphaned)
        return [overdue, oldest, in_flight, lost]

    def _rate_metric(self, rates: dict[str, float]) -> Metric:
        """The rate each (domain, egress) lane may send at now, after AIMD; the lowest
        `max_domains` lanes only (a bounded label set)."""
        gauge = GaugeMetricFamily(
            "priceradar_domain_rate_per_s",
            "Requests/s a domain (through an egress route) may get now, adapted after 429s.",
            labels=["lane"],
        )
        for name, rate in list(rates.items())[: self._max_domains]:
            gauge.add_metric([name], rate)
        return gauge

    @staticmethod
    def _queue_metric(lengths: dict[tuple[str, str], int]) -> Metric:
        gauge = GaugeMetricFamily(
            "priceradar_queue_length",
            "Messages waiting in a broker queue; Redis priority sub-lists are listed separately "
            "(sum by queue for the total).",
            labels=["queue", "list"],
        )
        for (queue, name), n in sorted(lengths.items()):
            gauge.add_metric([queue, name], n)
        return gauge


def _aware(value: Any) -> datetime:
    # MIN() over a TypeDecorator column comes back raw on some dialects (naive on SQLite).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return cast(datetime, value if value.tzinfo else value.replace(tzinfo=UTC))
