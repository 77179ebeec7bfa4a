"""Refresh the UI screenshots in docs/screenshots/: `.venv/bin/python -m tests.web.screenshots`.

The same seeded server the browser tests use, the system Chromium, a 1280-pixel-wide window.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.browser import chromium_browser
from tests.web.conftest import API_KEY, login, running_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "products": "/products",
    "product": "/products/{grinder}?range=90d",
    "deals": "/deals",
    "watches": "/watches",
    "add-products": "/add",
    "system": "/system",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp), API_KEY) as ui,
        chromium_browser() as browser,
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        login(page, ui.base_url, API_KEY)
        for name, path in PAGES.items():
            page.goto(ui.base_url + path.format(**ui.ids))
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=name == "product")
            print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
