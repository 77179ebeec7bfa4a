"""Apprise destinations: internal servers are refused whatever the spelling, redirects are
never followed (a 307/308 would re-POST the alert), and the connection itself is guarded."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import urlsplit

import pytest

from priceradar.adapters.http.targets import HostVetter
from priceradar.adapters.notify import SendOutcome, SendResult
from priceradar.adapters.notify.apprise_channel import AppriseChannel
from tests.security.canary import SHOP_HOST, Canary, Shop
from tests.security.spellings import canary_urls
from tests.support.factories import message_facts


def send_all(targets: Sequence[str]) -> list[SendResult]:
    channel = AppriseChannel(timeout_s=5, hosts=HostVetter((SHOP_HOST,)))

    async def go() -> list[SendResult]:
        return list(await asyncio.gather(*(channel.send(t, message_facts()) for t in targets)))

    return asyncio.run(go())


def as_json_destination(url: str) -> str:
    return "json://" + url.split("://", 1)[1]


def test_webhooks_to_every_internal_spelling_are_refused(canary: Canary) -> None:
    results = send_all([as_json_destination(u) for u in canary_urls(canary.port)])
    assert canary.hits == []
    assert all(r.outcome is not SendOutcome.SENT for r in results)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_from_an_allowed_webhook_are_not_followed(
    canary: Canary, tracked: Shop, status: int
) -> None:
    first = len(tracked.targets)
    tracked.targets.extend(canary_urls(canary.port))
    destinations = [
        f"json://{SHOP_HOST}:{tracked.port}/hook/{status}/{i}"
        for i in range(first, len(tracked.targets))
    ]
    results = send_all(destinations)
    assert canary.hits == []
    assert {r.outcome for r in results} == {SendOutcome.RETRY}


def test_a_redirect_to_a_public_looking_name_is_not_followed_either(tracked: Shop) -> None:
    before = len(tracked.requests)
    tracked.targets.append(f"http://{SHOP_HOST}:{tracked.port}/landing")
    [result] = send_all([f"json://{SHOP_HOST}:{tracked.port}/hook/308/{len(tracked.targets) - 1}"])
    assert result.outcome is SendOutcome.RETRY
    assert [urlsplit(p).path for p in tracked.requests[before:]] == [
        f"/hook/308/{len(tracked.targets) - 1}"
    ]
