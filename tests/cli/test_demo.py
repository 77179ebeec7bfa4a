"""The README's first command, as a newcomer runs it (shortened)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.test_commands import priceradar


def test_demo_checks_real_prices_on_the_embedded_default(tmp_path: Path) -> None:
    # When the demo runs for a short while with three shop products and the broken pages
    out = priceradar(tmp_path, "demo", "--duration", "20", "--products", "3", "--interval", "3")

    # Then it exits cleanly, having checked the products and stored their prices
    assert out.returncode == 0, out.stderr[-3000:]
    rows = re.findall(
        r"│ (\d+)\s+│ ([\d.]+ (?:TRY|USD|EUR))\s+│ (yes|no)\s+│ (ok|out_of_stock)", out.stdout
    )
    assert {r[0] for r in rows} >= {"1", "2", "3"}, out.stdout[-3000:]
    # and the broken pages are classified, not crashed on
    for outcome in ("not_found", "rate_limited", "no_price", "invalid_response"):
        assert outcome in out.stdout
    assert (tmp_path / "demo" / "priceradar.sqlite3").exists()
