"""Forms in a real browser: add products (list and CSV), watches, the System page, keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from priceradar.adapters.db.tables import notifications, products, watches
from tests.web.conftest import UiServer, Watched

# Every control a keyboard user must reach; radio groups count once (arrows move inside one).
FOCUSABLE_JS = """() => {
  const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const els = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0);
  const keys = new Set();
  els.forEach((e, i) => keys.add(e.type === 'radio' ? 'radio:' + e.name : 'el:' + i));
  window.__controls = els;
  return [...keys];
}"""
FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (e.type === 'radio') return 'radio:' + e.name;
  const i = window.__controls.indexOf(e);
  return i < 0 ? null : 'el:' + i;
}"""


def count(ui: UiServer, stmt: Any) -> int:
    with ui.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def test_add_products_from_a_url_list(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/add")
    page.fill(
        "#urls",
        "http://127.0.0.1:9/p/ui-added-1\nhttp://127.0.0.1:9/p/ui-added-2\n"
        "ftp://nope.example/x\nhttp://10.1.2.3/private",
    )
    page.fill("#add-interval", "3600")
    page.click("form[action='/add/urls'] button[type=submit]")
    page.wait_for_selector("#import-report .report-ok")
    assert "Added 2" in page.inner_text("#import-report")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "ftp://nope.example/x" in page.inner_text("#import-errors")
    added = count(
        ui,
        select(func.count()).where(
            products.c.url.like("http://127.0.0.1:9/p/ui-added-%"),
            products.c.check_interval_s == 3600,
        ),
    )
    assert added == 2
    assert session.errors == []


def test_csv_upload_reports_every_rejected_row(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/add")
    body = (
        "url,check_interval_s,priority\n"
        "http://127.0.0.1:9/p/csv-1,600,50\n"
        "http://127.0.0.1:9/p/csv-2,,\n"
        "not a url,,\n"
    )
    page.set_input_files(
        "#csv-file", files=[{"name": "p.csv", "mimeType": "text/csv", "buffer": body.encode()}]
    )
    page.click("form[action='/add/csv'] button[type=submit]")
    page.wait_for_selector("#import-report .report-ok")
    assert "Added 2" in page.inner_text("#import-report")
    assert "not a url" in page.inner_text("#import-errors")
    assert page.eval_on_selector("#upload-progress", "e => e.value") == 100
    priority = count(
        ui, select(products.c.check_priority).where(products.c.url == "http://127.0.0.1:9/p/csv-1")
    )
    assert priority == 50
    assert session.errors == []


def test_create_edit_test_and_delete_a_watch(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/watches")
    page.check("input[name=scope][value=deals]")
    page.fill("#w-target", "@deals_channel")
    page.fill("#w-min", "20")
    page.click("#watch-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert "created" in page.inner_text(".notice")
    assert "@deals_channel" in page.inner_text("#watches-table")
    assert "discount >= 20%" in page.inner_text("#watches-table")
    watch_id = count(ui, select(watches.c.id).where(watches.c.min_discount_percent == 20))
    # Edit: a product watch with a target price.
    page.goto(f"{ui.base_url}/watches?edit={watch_id}")
    page.check("input[name=scope][value=product]")
    page.fill("#w-product", str(ui.ids["grinder"]))
    page.fill("#w-min", "")
    page.fill("#w-target-price", "70")
    page.click("#watch-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert f"product {ui.ids['grinder']}, price <= 70" in page.inner_text("#watches-table")
    row = page.locator("#watches-table tbody tr", has_text="price <= 70")
    # Send a test message: an outbox row for the worker to deliver.
    row.locator("button", has_text="Send test").click()
    page.wait_for_selector(".notice")
    assert "test message" in page.inner_text(".notice")
    assert count(ui, select(func.count()).where(notifications.c.kind == "test")) == 1
    row = page.locator("#watches-table tbody tr", has_text="price <= 70")
    row.locator("button", has_text="Delete").click()
    page.wait_for_selector(".notice")
    assert "deleted" in page.inner_text(".notice")
    assert count(ui, select(func.count()).select_from(watches)) == 0
    assert session.errors == []


def test_a_watch_the_service_refuses_shows_why(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/watches")
    page.fill("#w-target", "not a chat")
    page.click("#watch-form button[type=submit]")
    assert "Telegram chat" in page.inner_text("[role=alert]")
    assert page.input_value("#w-target") == "not a chat"  # nothing typed is lost


def test_check_now_queues_a_task(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/products/{ui.ids['grinder']}")
    page.click("form[action$='/check'] button")
    page.wait_for_selector(".notice")
    assert "check queued (task " in page.inner_text(".notice")


def test_system_page_shows_freshness_and_refreshes_itself(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/system")
    text = page.inner_text("#system-panel").lower()
    assert "due now" in text and "lateness p99" in text
    assert "not found" in page.inner_text("#outcomes-table")
    assert "s ago" in page.inner_text("#dispatcher-tick")
    with page.expect_response(lambda r: r.url.endswith("/system/panel"), timeout=20_000):
        pass
    assert session.errors == []


@pytest.mark.parametrize(
    "path", ["/products", "/products/{grinder}", "/deals", "/watches", "/add", "/system"]
)
def test_keyboard_reaches_every_control(session: Watched, ui: UiServer, path: str) -> None:
    page = session.page
    page.goto(ui.base_url + path.format(**ui.ids))
    wanted = set(page.evaluate(FOCUSABLE_JS))
    reached = set()
    for _ in range(len(wanted) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused:
            reached.add(focused)
    assert wanted - reached == set()


def test_deals_say_what_the_discount_is_measured_against(session: Watched, ui: UiServer) -> None:
    page = session.page
    page.goto(f"{ui.base_url}/deals")
    row = page.inner_text("#deals-table tbody tr")
    assert "Burr grinder <b>Pro</b> & co" in row
    assert "median price" in row and "16.8%" in row
    page.goto(f"{ui.base_url}/deals?show=past")
    assert "price rose" in page.inner_text("#deals-table")
