"""Browser adapter: Playwright on the system Chromium, behind an SSRF-guarding proxy."""
