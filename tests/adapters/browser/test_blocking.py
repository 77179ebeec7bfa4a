"""What a rendered page may not load: heavy resource types and known trackers (pure)."""

from __future__ import annotations

import pytest

from priceradar.adapters.browser.blocking import should_block


@pytest.mark.parametrize(
    ("resource_type", "host", "blocked"),
    [
        ("image", "shop.example", True),
        ("font", "fonts.gstatic.com", True),
        ("media", "cdn.shop.example", True),
        ("script", "www.googletagmanager.com", True),
        ("xhr", "region1.google-analytics.com", True),
        ("script", "connect.facebook.net", True),
        ("script", "tracker.custom.example", True),  # configured
        ("script", "shop.example", False),
        ("fetch", "api.shop.example", False),
        ("document", "notgoogle-analytics.com", False),  # a suffix match needs a dot
        ("stylesheet", "shop.example", False),
    ],
)
def test_heavy_resources_and_trackers_are_blocked(
    resource_type: str, host: str, blocked: bool
) -> None:
    assert should_block(resource_type, host, frozenset({"custom.example"})) is blocked
