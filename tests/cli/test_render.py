"""`priceradar render …` and `priceradar status` as an operator runs them (embedded default)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_commands import priceradar


def test_the_operator_turns_rendering_on_off_and_back_to_detection(tmp_path: Path) -> None:
    rules = '{"spa.example": {"render": true}}'
    assert priceradar(tmp_path, "db", "upgrade").returncode == 0

    # When a domain is switched on by hand
    out = priceradar(tmp_path, "render", "on", "Shop.Example:8080")
    assert out.returncode == 0, out.stderr

    # Then status and the list show it next to the site rule's domain
    status = priceradar(tmp_path, "status", PRICERADAR_SITE_RULES=rules).stdout
    assert (
        "rendered in the browser: spa.example (site_rule), shop.example:8080 (operator)" in status
    )
    listed = priceradar(tmp_path, "render", "list", PRICERADAR_SITE_RULES=rules).stdout
    assert "shop.example:8080" in listed and "operator" in listed and "site_rule" in listed

    # When it is switched off, then back to detection
    assert priceradar(tmp_path, "render", "off", "shop.example:8080").returncode == 0
    assert "never rendered (operator): shop.example:8080" in priceradar(tmp_path, "status").stdout
    out = priceradar(tmp_path, "render", "auto", "shop.example:8080")
    assert "back to detection" in out.stdout
    assert "rendered in the browser: none" in priceradar(tmp_path, "status").stdout

    # And nonsense is refused with a clear message
    bad = priceradar(tmp_path, "render", "on", "not a domain")
    assert bad.returncode != 0 and "host[:port]" in bad.stderr + bad.stdout
