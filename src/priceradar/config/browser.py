"""Browser rendering settings: the system Chromium, its limits, and the shell re-check."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode


class BrowserSettings(BaseSettings):
    """How script-only pages are rendered on the `browser_fetch` queue."""

    # The operating system's Chromium (Debian: apt-get install chromium); Playwright's own
    # browser download is never used.
    browser_executable: str = "/usr/bin/chromium"
    # Whole page (navigation, scripts, waiting) and, within it, the wait for the price to appear.
    browser_page_timeout_s: float = Field(default=30.0, gt=0)
    browser_settle_s: float = Field(default=8.0, gt=0)
    # Pages rendered at once per worker process (each is a browser context: ~20-60 MB).
    browser_concurrency: int = Field(default=4, ge=1, le=64)
    # Products per browser_fetch task: a rendered page takes seconds, not milliseconds.
    browser_batch_size: int = Field(default=20, ge=1, le=500)
    # Memory bound: relaunch the browser after this many pages or above this resident size.
    browser_max_pages: int = Field(default=200, ge=1)
    browser_max_rss_mb: int = Field(default=1024, ge=64)
    # Extra tracker domains to abort (comma separated), on top of the built-in list.
    browser_block_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # A page whose static HTML has no price and looks like a script shell is re-checked once in
    # the browser; a price found there marks its domain as rendered. False: never re-check.
    browser_detect_shells: bool = True

    @field_validator("browser_block_hosts", mode="before")
    @classmethod
    def _split_block_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value
