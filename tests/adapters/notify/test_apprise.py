"""The Apprise channel end to end against a JSON webhook receiver on localhost."""

from __future__ import annotations

import asyncio

from priceradar.adapters.http.targets import HostVetter
from priceradar.adapters.notify import SendOutcome, SendResult
from priceradar.adapters.notify.apprise_channel import AppriseChannel, describe, is_valid_url
from tests.support.factories import message_facts
from tests.support.webhook import WebhookReceiver

FACTS = message_facts(title='<b>Acme</b> & "Sons"', currency="EUR", discount_amount=None)


def send(url: str) -> SendResult:
    # The receiver listens on loopback, allowed as PRICERADAR_ALLOWED_PRIVATE_HOSTS would.
    channel = AppriseChannel(timeout_s=5, hosts=HostVetter(("127.0.0.1",)))
    return asyncio.run(channel.send(url, FACTS))


def test_json_webhook_receives_the_alert_as_plain_text() -> None:
    # Given a json:// destination on a local receiver
    with WebhookReceiver() as hook:
        # When an alert is sent
        result = send(hook.url())
        # Then it arrives once, with the hostile title verbatim and no HTML
        assert result.outcome is SendOutcome.SENT
        (post,) = hook.posts
    assert hook.paths == ["/hook"]
    assert post["title"] == '🔥 Deal: <b>Acme</b> & "Sons"'
    assert '<b>Acme</b> & "Sons"' in post["message"]
    assert "100.00 EUR → 70.00 EUR (-30%)" in post["message"]
    assert "shop.example (https://shop.example/p/7)" in post["message"]


def test_failing_webhook_is_retryable() -> None:
    with WebhookReceiver(status=500) as hook:
        result = send(hook.url())
    assert result.outcome is SendOutcome.RETRY and "delivery failed" in result.detail


def test_unusable_url_is_a_bad_destination() -> None:
    assert not is_valid_url("nosuchscheme://x")
    assert send("nosuchscheme://x").outcome is SendOutcome.BAD_DESTINATION


def test_describe_masks_credentials() -> None:
    url = "jsons://user:s3cr3t-pass@hooks.example/path"
    assert is_valid_url(url)
    assert "s3cr3t-pass" not in describe(url)


def test_default_channel_refuses_a_loopback_webhook_before_connecting() -> None:
    # Given a channel built without configuration: no private host is allowed
    with WebhookReceiver() as hook:
        result = asyncio.run(AppriseChannel(timeout_s=5).send(hook.url(), FACTS))
        posts = list(hook.posts)
    # Then nothing reaches the receiver and the destination is reported unusable
    assert posts == [] and result.outcome is SendOutcome.BAD_DESTINATION
    assert "non-public address 127.0.0.1" in result.detail
