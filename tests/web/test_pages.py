"""Every page in a real browser: loads clean, stays on localhost, shows the stored data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from priceradar.adapters.db.tables import history, products
from tests.web.conftest import UiServer, Watched

PAGES = [
    "/products",
    "/products?sort=changed",
    "/products/{grinder}",
    "/products/{broken}",
    "/docs",
    "/deals",
    "/deals?show=past",
    "/watches",
    "/add",
    "/system",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors_or_foreign_requests(
    session: Watched, ui: UiServer, path: str
) -> None:
    response = session.page.goto(ui.base_url + path.format(**ui.ids))
    assert response is not None and response.status == 200
    session.page.wait_for_load_state("networkidle")
    assert session.errors == []
    assert session.foreign_requests() == []
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_docs_render_the_api_from_vendored_files(session: Watched, ui: UiServer) -> None:
    session.page.goto(ui.base_url + "/docs")
    session.page.wait_for_selector(
        ".opblock-summary-path[data-path='/api/v1/products']", timeout=15_000
    )
    assert session.errors == []
    assert session.foreign_requests() == []


def test_user_strings_are_escaped(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/products/{ui.ids['grinder']}")
    assert page.inner_text("h1") == "Burr grinder <b>Pro</b> & co"
    assert page.inner_text("#extraction-method") == "json-ld"
    page.goto(f"{ui.base_url}/products/{ui.ids['broken']}")
    assert "<script>alert(1)</script>" in page.inner_text(".error-box")
    assert session.errors == []


def test_chart_is_given_the_stored_points(session: Watched, ui: UiServer) -> None:
    page = session.page
    product_id = ui.ids["grinder"]
    page.goto(f"{ui.base_url}/products/{product_id}?range=all")
    page.wait_for_function("window.priceradarChart && window.priceradarChart.plot")
    given: dict[str, Any] = page.evaluate("window.priceradarChart.given")
    plotted = page.evaluate("window.priceradarChart.plot.data")
    with ui.engine.connect() as conn:
        rows = conn.execute(
            select(history.c.checked_at, history.c.price, history.c.in_stock)
            .where(history.c.product_id == product_id)
            .order_by(history.c.checked_at)
        ).all()
    stored = [[int(r.checked_at.timestamp()), float(r.price), r.in_stock] for r in rows]
    assert given["points"] == stored
    # uPlot draws those points, then holds the last price until now.
    assert plotted[0][: len(stored)] == [p[0] for p in stored]
    assert plotted[1][: len(stored)] == [p[1] for p in stored]
    assert plotted[1][-1] == stored[-1][1]
    # Reference lines over the last 30 days, time-weighted as deal detection does it:
    # 95 for 10 days, (5 days out of stock: not counted), 99 for 9 days, 79 for 6 days.
    assert given["lowest"] == 79.0
    assert given["median"] == 95.0
    assert [d["price"] for d in given["deals"]] == [80.0, 79.0]  # ended, then open
    assert len(given["out_of_stock"]) == 1


def test_chart_range_limits_the_points(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/products/{ui.ids['grinder']}?range=7d")
    page.wait_for_function("window.priceradarChart && window.priceradarChart.plot")
    points = page.evaluate("window.priceradarChart.given.points")
    week_ago = (datetime.now(UTC) - timedelta(days=7)).timestamp()
    # The row in effect at the start of the range, then the rows inside it.
    assert points[0][0] < week_ago <= points[1][0]
    assert len(points) == 3


def test_products_search_filter_and_keyset_pages(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/products?q=grinder")
    assert page.locator("#products-table tbody tr").count() == 1
    page.goto(f"{ui.base_url}/products?has_deal=yes")
    assert page.locator("#products-table tbody tr").count() == 1
    page.goto(f"{ui.base_url}/products?outcome=not_found")
    assert page.locator("#products-table tbody tr").count() == 1
    page.goto(f"{ui.base_url}/products?domain=other.test&sort=priority")
    first = page.locator("input[name=ids]").evaluate_all("els => els.map(e => e.value)")
    page.click("a[rel=next]")
    second = page.locator("input[name=ids]").evaluate_all("els => els.map(e => e.value)")
    assert len(first) == 50 and len(second) == 10
    assert not set(first) & set(second)


def test_bulk_deactivate_and_activate(session: Watched, ui: UiServer) -> None:
    page = session.page
    kettle = ui.ids["kettle"]
    page.goto(f"{ui.base_url}/products?q=other.test/p/100")
    page.check(f"input[name=ids][value='{kettle}']")
    page.click("button[value=deactivate]")
    page.wait_for_selector(".notice")
    assert "1 product(s) deactivated" in page.inner_text(".notice")
    with ui.engine.connect() as conn:
        status = conn.execute(select(products.c.status).where(products.c.id == kettle))
        assert status.scalar_one() == "inactive"
    page.check(f"input[name=ids][value='{kettle}']")
    page.click("button[value=activate]")
    with ui.engine.connect() as conn:
        status = conn.execute(select(products.c.status).where(products.c.id == kettle))
        assert status.scalar_one() == "active"


def test_edit_interval(session: Watched, ui: UiServer) -> None:
    page = session.page
    product_id = ui.ids["kettle"]
    page.goto(f"{ui.base_url}/products/{product_id}")
    page.fill("#interval", "7200")
    page.click("form[action$='/settings'] button[type=submit]")
    page.wait_for_selector(".notice")
    with ui.engine.connect() as conn:
        interval = conn.execute(
            select(products.c.check_interval_s).where(products.c.id == product_id)
        ).scalar_one()
    assert interval == 7200


def test_history_csv_export_works_with_the_ui_session(session: Watched, ui: UiServer) -> None:
    product_id = ui.ids["grinder"]
    response = session.page.request.get(f"{ui.base_url}/products/{product_id}/history.csv")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text().strip().splitlines()
    assert lines[0] == "id,checked_at,price,currency,in_stock,kind"
    with ui.engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).where(history.c.product_id == product_id)
        ).scalar_one()
    assert len(lines) == stored + 1
