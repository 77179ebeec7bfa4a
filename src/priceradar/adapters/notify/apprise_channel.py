"""Apprise channel: Discord, Slack, email, ntfy, `json://`/`jsons://` webhooks and ~100 more,
each addressed by one URL (which may carry credentials: shown only through `describe`).

Apprise reports success or failure, not *where* a failure happened, so a failed send is
treated as not delivered and retried: at-least-once for these channels (docs/notifications.md).
"""

from __future__ import annotations

import asyncio
import logging

import apprise

from priceradar.adapters.notify import Limit, SendOutcome, SendResult
from priceradar.domain.messages import DEFAULT_TEMPLATE, MessageFacts, plain_title, render_plain

log = logging.getLogger(__name__)


def is_valid_url(url: str) -> bool:
    """True when Apprise knows the scheme and can parse the URL."""
    return apprise.Apprise.instantiate(url) is not None


def describe(url: str) -> str:
    """The URL with secrets masked, fit for listings and logs."""
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return "<invalid apprise url>"
    return str(plugin.url(privacy=True))  # type: ignore[no-untyped-call]


class AppriseChannel:
    """Plain-text alerts through Apprise; its blocking I/O runs in a worker thread."""

    def __init__(self, template: str = DEFAULT_TEMPLATE, timeout_s: float = 15.0) -> None:
        self.template = template
        self.timeout_s = timeout_s

    def limits(self, target: str) -> list[Limit]:
        return []  # Apprise's plugins throttle themselves per service

    async def send(self, target: str, facts: MessageFacts) -> SendResult:
        notifier = apprise.Apprise()
        if not notifier.add(target):
            return SendResult(SendOutcome.BAD_DESTINATION, "apprise cannot use this URL")
        body, title = render_plain(facts, self.template), plain_title(facts)
        result = await asyncio.to_thread(
            notifier.notify,
            body=body,
            title=title,
            body_format=apprise.NotifyFormat.TEXT,
            timeout=self.timeout_s,
        )
        if result:
            return SendResult(SendOutcome.SENT)
        return SendResult(SendOutcome.RETRY, f"apprise: delivery failed to {describe(target)}")

    async def close(self) -> None:
        return None
