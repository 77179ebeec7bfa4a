"""What a rendered product page may not load: heavy resources and known trackers.

A price is text in the DOM; images, fonts and media only cost bandwidth and memory, and
analytics/ad scripts cost CPU and send our visits to third parties.
"""

from __future__ import annotations

BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "imageset", "texttrack"})

# Registrable domains of common analytics, ad and tag-manager hosts (subdomains match too).
TRACKER_DOMAINS = frozenset(
    {
        "google-analytics.com",
        "googletagmanager.com",
        "googletagservices.com",
        "doubleclick.net",
        "googlesyndication.com",
        "googleadservices.com",
        "facebook.net",
        "connect.facebook.net",
        "analytics.tiktok.com",
        "hotjar.com",
        "clarity.ms",
        "segment.com",
        "segment.io",
        "mixpanel.com",
        "amplitude.com",
        "criteo.com",
        "criteo.net",
        "taboola.com",
        "outbrain.com",
        "scorecardresearch.com",
        "newrelic.com",
        "nr-data.net",
        "optimizely.com",
        "yandex.ru",
        "mc.yandex.ru",
        "bat.bing.com",
        "ads-twitter.com",
        "adnxs.com",
        "pinimg.com",
        "quantserve.com",
    }
)


def is_tracker(host: str, extra: frozenset[str] = frozenset()) -> bool:
    """True when `host` or one of its parent domains is a known (or configured) tracker."""
    parts = host.lower().rstrip(".").split(".")
    return any(
        ".".join(parts[i:]) in TRACKER_DOMAINS or ".".join(parts[i:]) in extra
        for i in range(len(parts) - 1)
    )


def should_block(
    resource_type: str, host: str, extra_trackers: frozenset[str] = frozenset()
) -> bool:
    return resource_type in BLOCKED_RESOURCE_TYPES or is_tracker(host, extra_trackers)
