"""The system Chromium starts under Playwright and renders a page (script included)."""

from __future__ import annotations

from tests.support.browser import chromium_browser


def test_system_chromium_renders_script_output() -> None:
    with chromium_browser() as browser:
        page = browser.new_page()
        page.set_content(
            "<div id=x></div><script>document.getElementById('x').textContent='42'</script>"
        )
        assert page.text_content("#x") == "42"
