"""Redirects followed by hand, so every hop is vetted before its request goes out.

aiohttp's own following checks nothing between hops and counts its limit off by one; here a
limit of N follows at most N redirects (0: none) and each next URL must be http(s) and, if an
IP literal, a public one, before the (guarded) connector is even asked for a connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import aiohttp
from yarl import URL

from priceradar.adapters.http.guard import ForbiddenTarget, check_literal_host

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class TooManyRedirects(Exception):
    """The chain is longer than the configured limit."""


def next_hop(current: URL, location: str) -> URL:
    """The absolute URL a Location header points to from `current`; only http(s)."""
    target = current.join(URL(location))
    if target.scheme not in ("http", "https") or not target.host:
        raise ForbiddenTarget(f"redirect to a non-http(s) URL refused: {location[:200]!r}")
    if target.user or target.password:
        raise ForbiddenTarget("redirect to a URL with credentials refused")
    return target.with_fragment(None)


@asynccontextmanager
async def get_following(
    session: aiohttp.ClientSession,
    url: str,
    *,
    max_redirects: int,
    allowed_private_hosts: tuple[str, ...],
    proxy: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> AsyncIterator[aiohttp.ClientResponse]:
    """GET `url`, following up to `max_redirects` redirects; yields the final response.

    Raises ForbiddenTarget (a hop is not allowed) or TooManyRedirects.
    """
    current = URL(url)
    for hop in range(max_redirects + 1):
        check_literal_host(current.host or "", allowed_private_hosts, current.port)
        async with session.get(
            current, allow_redirects=False, proxy=proxy, headers=headers
        ) as resp:
            location = resp.headers.get("Location") if resp.status in REDIRECT_STATUSES else None
            if location is None:
                yield resp
                return
        if hop == max_redirects:
            break
        current = next_hop(current, location)
    raise TooManyRedirects(f"more than {max_redirects} redirects")
