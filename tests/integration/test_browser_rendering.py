"""Script-only pages checked end to end: real workers, the browser_fetch queue, real Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select

from priceradar.adapters.db.models import Product, RenderDomain
from priceradar.demo_shop.server import RunningShop
from priceradar.services.catalog import ProductInput, add_products
from priceradar.worker.app import STATIC_QUEUES
from tests.security.canary import Canary
from tests.support.browser import require_chromium
from tests.support.script_site import Site
from tests.support.stack import Stack, wait_for

DELAYED, FETCHED = "/js/delayed/{}", "/js/fetched/{}"


def browser_stack(
    make_stack: Callable[..., Stack], flavour: str, allowed: str, **env: str
) -> Stack:
    return make_stack(
        flavour,
        PRICERADAR_ALLOWED_PRIVATE_HOSTS=allowed,  # only this host:port; other loopback ports not
        PRICERADAR_BROWSER_EXECUTABLE=require_chromium(),
        PRICERADAR_BROWSER_SETTLE_S="6",
        PRICERADAR_BROWSER_PAGE_TIMEOUT_S="20",
        **env,
    )


def start_workers(stack: Stack, separate: bool) -> None:
    """`separate`: a static worker and a browser worker, as in Compose/Kubernetes; else one
    default worker consuming every queue, as `priceradar run` starts."""
    if separate:
        stack.start_worker(concurrency=1, extra=("-Q", ",".join(STATIC_QUEUES)))
        stack.start_worker(concurrency=1, extra=("-Q", "browser_fetch"))
    else:
        stack.start_worker(concurrency=2)


def track(stack: Stack, urls: list[str], allowed: str) -> dict[str, int]:
    report = add_products(
        stack.engine,
        [ProductInput(u) for u in urls],
        (allowed,),
        bands=stack.settings.priority_bands,
    )
    assert report.inserted == len(urls), report
    with stack.engine.connect() as conn:
        rows = conn.execute(select(Product.id, Product.url).where(Product.url.in_(urls)))
        return {r.url: r.id for r in rows}


def rows(stack: Stack, ids: list[int]) -> dict[int, Product]:
    with stack.engine.connect() as conn:
        query = select(Product.__table__).where(Product.id.in_(ids))
        return {r.id: r for r in conn.execute(query)}  # type: ignore[misc]


def checked(stack: Stack, ids: list[int], times: int) -> Callable[[], bool]:
    return lambda: all(r.check_count >= times for r in rows(stack, ids).values())


def check_now(stack: Stack, ids: list[int]) -> dict[str, object]:
    result = stack.app.send_task("batch_price_check", args=[ids], kwargs={"priority": 8})
    summary: dict[str, object] = result.get(timeout=60)
    return summary


@pytest.mark.parametrize(("flavour", "separate"), [("embedded", False), ("redis", True)])
def test_script_only_pages_get_their_prices_in_the_browser(
    flavour: str, separate: bool, make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a shop's pages whose price is drawn by JavaScript (after a delay; from a fetch()),
    # one with a title hostile to HTML, and no rule telling priceradar to render them
    domain = f"127.0.0.1:{shop.port}"
    stack = browser_stack(make_stack, flavour, domain)
    start_workers(stack, separate)
    urls = [shop.base_url + DELAYED.format(11), shop.base_url + FETCHED.format(14)]
    ids = track(stack, urls, domain)

    # When the static check runs
    summary = check_now(stack, sorted(ids.values()))

    # Then it finds no price in the script shells and hands both to the browser queue
    assert summary["handed_off"] == 2 and summary["checked"] == 0, summary
    wait_for(checked(stack, list(ids.values()), 1), 120, what=f"rendered checks\n{stack.logs()}")
    stored = rows(stack, list(ids.values()))
    for url, pid in ids.items():
        row, truth = stored[pid], shop.truth(int(url.rsplit("/", 1)[1]))
        assert row.last_outcome in ("ok", "out_of_stock"), (url, row.last_outcome, row.last_error)
        assert truth.price is not None and row.price == truth.price, url
        assert row.currency == truth.currency and row.in_stock == truth.in_stock
        assert row.title == truth.title
        assert row.lease_until is None  # the browser's write released the static lease

    # and the domain is now marked as rendered, by detection (right after that write)
    def marks() -> list[RenderDomain]:
        with stack.engine.connect() as conn:
            return list(conn.execute(select(RenderDomain.__table__)))  # type: ignore[arg-type]

    (mark,) = wait_for(marks, 30, what="the domain marked as rendered")
    assert (mark.domain, mark.render, mark.decided_by) == (domain, True, "detected")

    # When the domain is checked again, an ordinary page of it included
    plain = track(stack, [shop.product_url(3)], domain)
    again = sorted([*ids.values(), *plain.values()])
    summary = check_now(stack, again)

    # Then everything goes to the browser directly, and is stored from there
    assert summary["handed_off"] == 3 and summary["checked"] == 0, summary
    wait_for(checked(stack, list(ids.values()), 2), 120, what=f"second round\n{stack.logs()}")
    wait_for(checked(stack, list(plain.values()), 1), 60, what="plain page")
    (plain_row,) = rows(stack, list(plain.values())).values()
    assert plain_row.last_outcome in ("ok", "out_of_stock") and plain_row.price is not None
    assert plain_row.price == shop.truth(3).price


@pytest.fixture
def canary() -> Iterator[Canary]:
    with Canary() as running:
        yield running


def test_a_rendered_page_reaches_no_forbidden_address_through_the_worker(
    make_stack: Callable[..., Stack], canary: Canary
) -> None:
    # Given a domain ruled {"render": true} whose pages redirect, load subresources, fetch(),
    # XHR, open WebSockets and preconnect to a loopback port that is not allowed
    with Site(f"http://127.0.0.1:{canary.port}") as site:
        domain = f"127.0.0.1:{site.port}"
        rules = {domain: {"render": True, "price": "span.price"}}
        stack = browser_stack(
            make_stack, "rabbitmq", domain, PRICERADAR_SITE_RULES=json.dumps(rules)
        )
        start_workers(stack, separate=True)
        ids = track(stack, [site.base + "/hostile", site.base + "/to-canary"], domain)

        # When both are checked
        summary = check_now(stack, sorted(ids.values()))
        assert summary["handed_off"] == 2 and summary["checked"] == 0, summary
        wait_for(checked(stack, list(ids.values()), 1), 120, what=f"rendered\n{stack.logs()}")

        # Then the page's own price is stored, the redirect to the canary is a forbidden target,
        # and the canary saw no request and no connection
        stored = rows(stack, list(ids.values()))
        hostile, redirect = (
            stored[ids[site.base + "/hostile"]],
            stored[ids[site.base + "/to-canary"]],
        )
        assert hostile.last_outcome == "ok" and hostile.price == Decimal("12.99"), (
            hostile.last_error
        )
        assert redirect.last_outcome == "forbidden_target", redirect.last_error
        assert canary.hits == [] and canary.connections == 0
        assert site.hits["/hostile"] == 1  # rendered only: the static path never fetched it


def test_rendered_checks_keep_the_dispatchers_lease(
    make_stack: Callable[..., Stack], shop: RunningShop
) -> None:
    # Given a domain ruled {"render": true} and its products due now
    domain = f"127.0.0.1:{shop.port}"
    rules = {domain: {"render": True, "price": "span.price"}}
    stack = browser_stack(make_stack, "redis", domain, PRICERADAR_SITE_RULES=json.dumps(rules))
    start_workers(stack, separate=True)
    ids = track(stack, [shop.base_url + FETCHED.format(5), shop.product_url(6)], domain)

    # When the dispatcher leases them (a token per batch) and the static worker hands them on
    stack.app.send_task("dispatch_due_checks")  # ignores its result: watch the rows

    # Then the browser task, carrying the same token, stores them and releases the lease
    wait_for(checked(stack, list(ids.values()), 1), 120, what=f"rendered\n{stack.logs()}")
    for row in rows(stack, list(ids.values())).values():
        assert row.last_outcome == "ok" and row.lease_until is None, row.last_error

    # and a stale copy of a browser message (its lease long gone) checks nothing
    stale = stack.app.send_task(
        "browser_price_check",
        args=[sorted(ids.values())],
        kwargs={"lease_token": "an-expired-token"},
        queue="browser_fetch",
    ).get(timeout=60)
    assert stale["checked"] == 0 and stale["requested"] == 2, stale
    assert all(r.check_count == 1 for r in rows(stack, list(ids.values())).values())
