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
    # and it said where its web UI was and how long it would run
    assert re.search(r"web UI: http://127\.0\.0\.1:\d+", out.stdout), out.stdout[:2000]
    assert "The demo runs for 20 s" in out.stdout
    # and every stored price was verified against the shop's truth, real-shop page kinds included
    verdict = re.search(
        r"verified (\d+) stored prices.*?\((\d+) on real-shop page.*?: (\d+) wrong prices",
        out.stdout,
        re.S,
    )
    assert verdict is not None, out.stdout[-3000:]
    checked, real, wrong = map(int, verdict.groups())
    assert checked >= 3 and real >= 3 and wrong == 0, verdict.group(0)
