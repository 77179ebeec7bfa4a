"""A batch carries its lease token: a copy whose lease was lost or re-issued checks nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from priceradar.config import load_settings
from priceradar.demo_shop.server import RunningShop
from priceradar.domain.check import CheckPolicy, CheckResult
from priceradar.domain.outcome import OutcomeKind
from priceradar.domain.priority import DEFAULT_BANDS
from priceradar.services.catalog import ProductInput, add_products
from priceradar.services.check import BatchSummary, check_products, record_results
from priceradar.services.schedule import Batch, DispatchLimits, lease_batches
from priceradar.worker.runtime import Runtime
from tests.support.factories import column, make_products, set_columns

LIMITS = DispatchLimits(lease_s=60, batch_size=100, max_per_tick=1000, max_in_flight=1000)


@pytest.fixture
def runtime(shop: RunningShop) -> Iterator[Runtime]:
    host = shop.base_url.removeprefix("http://")
    settings = load_settings(
        _env_file=None,
        allowed_private_hosts=["127.0.0.1"],
        site_rules={host: {"price": "span.price", "title": "h1.product-title"}},
    )
    rt = Runtime(settings)
    yield rt
    rt.close()
    rt.loop.close()


def tracked(engine: Engine, shop: RunningShop, shop_ids: range) -> list[int]:
    items = [ProductInput(shop.product_url(i)) for i in shop_ids]
    add_products(engine, items, ("127.0.0.1",), bands=DEFAULT_BANDS)
    ids = sorted(column(engine, "id", list(range(1, 10_000))))
    set_columns(engine, ids, next_check_at=datetime.now(UTC) - timedelta(hours=1))
    return ids


def run_batch(rt: Runtime, engine: Engine, batch: Batch) -> BatchSummary:
    return check_products(
        batch.product_ids,
        engine=engine,
        fetcher=rt.fetcher,
        run=rt.run,
        policy=rt.policy,
        rules=rt.settings.site_rules,
        lease_token=batch.lease_token,
    )


def test_a_batch_whose_products_were_leased_again_checks_nothing(
    engine: Engine, shop: RunningShop, runtime: Runtime
) -> None:
    # Given a batch leased by one dispatch whose lease ran out and was re-issued to another
    ids = tracked(engine, shop, range(301, 306))
    now = datetime.now(UTC)
    (stale,), _ = lease_batches(engine, LIMITS, now - timedelta(seconds=LIMITS.lease_s + 5))
    (fresh,), _ = lease_batches(engine, LIMITS, now)
    assert stale.product_ids == fresh.product_ids == ids
    requests = len(shop.state.request_times)

    # When the stale copy is delivered (a redelivered message), then the current one
    stale_summary = run_batch(runtime, engine, stale)
    after_stale = len(shop.state.request_times)
    fresh_summary = run_batch(runtime, engine, fresh)

    # Then the stale copy fetched and stored nothing; the current one checked every product once
    assert (stale_summary.requested, stale_summary.checked) == (5, 0)
    assert after_stale == requests
    assert fresh_summary.checked == 5
    assert column(engine, "check_count", ids) == dict.fromkeys(ids, 1)
    assert column(engine, "lease_token", ids) == dict.fromkeys(ids)


def test_a_batch_whose_lease_ran_out_checks_nothing(
    engine: Engine, shop: RunningShop, runtime: Runtime
) -> None:
    # Given a batch whose lease ran out before it was delivered (the products are due again)
    ids = tracked(engine, shop, range(311, 314))
    (late,), _ = lease_batches(
        engine, LIMITS, datetime.now(UTC) - timedelta(seconds=LIMITS.lease_s + 1)
    )
    # When it runs, it checks nothing: the dispatcher hands the products out again
    assert run_batch(runtime, engine, late).checked == 0
    assert column(engine, "check_count", ids) == dict.fromkeys(ids, 0)


def test_results_of_a_lease_lost_during_the_fetch_are_not_stored(engine: Engine) -> None:
    # Given products leased, whose lease is re-issued to another dispatch while pages download
    ids = make_products(engine, 2, next_check_at=datetime.now(UTC) - timedelta(hours=1))
    now = datetime.now(UTC)
    (first,), _ = lease_batches(engine, LIMITS, now - timedelta(seconds=LIMITS.lease_s + 5))
    lease_batches(engine, LIMITS, now)
    results = [CheckResult(i, now, OutcomeKind.NOT_FOUND, http_status=404) for i in ids]

    # When the first batch writes its results
    with engine.begin() as conn:
        history_rows, _ = record_results(
            conn, results, CheckPolicy(), lease_token=first.lease_token
        )

    # Then nothing is stored: the products stay leased to the second dispatch
    assert history_rows == 0
    assert column(engine, "check_count", ids) == dict.fromkeys(ids, 0)
    assert None not in column(engine, "lease_token", ids).values()
