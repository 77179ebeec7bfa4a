"""Login with an API key, logout, CSRF on forms, and the open development mode on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from priceradar.adapters.db.tables import products
from tests.web.conftest import UiServer, Watched, running_server


def test_pages_need_a_login_and_logout_ends_it(browser: Any, ui: UiServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{ui.base_url}/products/{ui.ids['grinder']}")
    assert page.url.startswith(f"{ui.base_url}/login")
    page.fill("#api_key", "prk_wrong")
    page.click("form[action='/login'] button[type=submit]")
    assert "not valid" in page.inner_text("[role=alert]")
    assert ui.key is not None
    page.fill("#api_key", ui.key)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{ui.base_url}/products/{ui.ids['grinder']}")  # back where it was going
    cookie = next(c for c in context.cookies() if c["name"] == "priceradar_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert ui.key not in cookie["value"]
    page.click("text=Log out")
    page.wait_for_url(f"{ui.base_url}/login")
    page.goto(f"{ui.base_url}/products")
    assert page.url.startswith(f"{ui.base_url}/login")
    context.close()


def test_a_form_without_its_csrf_token_is_refused(session: Watched, ui: UiServer) -> None:
    kettle = ui.ids["kettle"]
    request = session.page.request  # shares the logged-in session cookie
    refused = request.post(
        f"{ui.base_url}/products/actions",
        form={"action": "deactivate", "ids": str(kettle)},
        max_redirects=0,
    )
    assert refused.status == 403
    forged = request.post(
        f"{ui.base_url}/products/actions",
        form={"action": "deactivate", "ids": str(kettle), "csrf_token": "forged"},
        max_redirects=0,
    )
    assert forged.status == 403
    with ui.engine.connect() as conn:
        status = conn.execute(select(products.c.status).where(products.c.id == kettle))
        assert status.scalar_one() == "active"


def test_login_itself_needs_the_csrf_token(browser: Any, ui: UiServer) -> None:
    context = browser.new_context()
    response = context.request.post(
        f"{ui.base_url}/login", form={"api_key": ui.key or ""}, max_redirects=0
    )
    assert response.status == 403
    context.close()


def test_login_does_not_redirect_off_site(browser: Any, ui: UiServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    assert ui.key is not None
    page.goto(f"{ui.base_url}/login?next=//evil.example/x")
    page.fill("#api_key", ui.key)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{ui.base_url}/products")
    context.close()


@pytest.fixture(scope="module")
def open_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """No key configured, development: open to loopback clients, like the API."""
    with running_server(Path(tmp_path_factory.mktemp("open")), None) as server:
        yield server


def test_development_without_keys_is_open_on_loopback(browser: Any, open_ui: UiServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{open_ui.base_url}/products")
    assert response is not None and response.status == 200
    assert page.url == f"{open_ui.base_url}/products"
    assert "development" in page.inner_text("header")
    context.close()


def test_login_page_is_clean_and_keyboard_usable(browser: Any, ui: UiServer) -> None:
    context = browser.new_context()
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(f"{ui.base_url}/login")
    assert ui.key is not None
    # The key field has autofocus; from the top of the page Tab reaches it too.
    page.evaluate("document.activeElement.blur()")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "api_key":
            break
    assert page.evaluate("document.activeElement.id") == "api_key"
    page.keyboard.type(ui.key)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{ui.base_url}/products")
    assert watched.errors == [] and watched.foreign_requests() == []
    context.close()
