"""Egress routes (proxies) a fetcher rotates over, each with its own politeness lane.

A route is a proxy URL, or "" for a direct connection. Requests rotate over the routes; each
(domain, route) is its own lane in the limiter, so five routes carry five budgets to one
marketplace. A route whose proxy cannot be reached is cooled down for everyone (all domains);
a 403 or 429 through a route pauses only that route's lane for that domain (in the limiter).
Both are reported (`report`), logged, and told to a listener (`EgressListener`: the worker
exports them as `priceradar_egress_events_total`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# (event, route name): "cooled" when a route's proxy could not be reached, "blocked" for a
# 403/429 answer through it.
EgressListener = Callable[[str, str], None]


def load_routes(proxies: Sequence[str], proxies_file: Path | None = None) -> tuple[str, ...]:
    """Proxy URLs from a list and/or a file (one a line, # comments); none: direct only."""
    routes = [p.strip() for p in proxies if p.strip()]
    if proxies_file is not None:
        for line in proxies_file.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                routes.append(line)
    for route in routes:
        parts = urlsplit(route)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"egress proxy must be an http(s) URL, not {route!r}")
    return tuple(dict.fromkeys(routes)) or ("",)


def route_name(route: str) -> str:
    """How a route is shown and keyed (no credentials): host:port, or "direct"."""
    if not route:
        return "direct"
    parts = urlsplit(route)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


class EgressPool:
    """Round-robin over the routes that are not cooling down."""

    def __init__(
        self,
        routes: Sequence[str],
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        listener: EgressListener | None = None,
    ) -> None:
        self.routes = tuple(routes) or ("",)
        self.listener = listener
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._next = 0
        self._cool_until: dict[str, float] = {}
        self.lane_events: dict[str, int] = {}  # route name -> 403/429 answers seen

    def order(self) -> list[str]:
        """Routes to try for the next request: rotation order, cooling routes left out (all
        of them, soonest back first, if every route is cooling)."""
        start = self._next
        self._next = (self._next + 1) % len(self.routes)
        rotated = [*self.routes[start:], *self.routes[:start]]
        now = self._clock()
        ready = [r for r in rotated if self._cool_until.get(r, 0.0) <= now]
        return ready or sorted(rotated, key=lambda r: self._cool_until.get(r, 0.0))

    def cool(self, route: str, reason: str) -> None:
        if not route:
            return  # the direct route has no proxy to be down
        until = self._clock() + self.cooldown_s
        if self._cool_until.get(route, 0.0) < until:
            log.warning(
                "egress route cooled down",
                extra={
                    "egress": route_name(route),
                    "reason": reason[:200],
                    "for_s": self.cooldown_s,
                },
            )
            self._cool_until[route] = until
            if self.listener is not None:
                self.listener("cooled", route_name(route))

    def blocked(self, route: str) -> None:
        """A 403/429 through this route (its lane for that domain is paused in the limiter)."""
        name = route_name(route)
        self.lane_events[name] = self.lane_events.get(name, 0) + 1
        if self.listener is not None:
            self.listener("blocked", name)

    def report(self) -> dict[str, dict[str, float]]:
        """Per route: seconds of cooldown left and 403/429 answers seen."""
        now = self._clock()
        return {
            route_name(r): {
                "cooling_s": round(max(0.0, self._cool_until.get(r, 0.0) - now), 1),
                "blocked_answers": float(self.lane_events.get(route_name(r), 0)),
            }
            for r in self.routes
        }
