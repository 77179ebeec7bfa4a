"""Notification channels: Telegram Bot API and Apprise URLs behind one small protocol.

A channel turns `MessageFacts` into a request and classifies the answer into a `SendOutcome`,
which is all the outbox service needs to pick the row's next state. The classification is
where "exactly once" is won or lost: an outcome is `AMBIGUOUS` whenever the request may have
reached the service and we cannot know whether it was accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from priceradar.domain.messages import MessageFacts

MAX_DETAIL = 500


class SendOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # not delivered; safe to try again later
    RATE_LIMITED = "rate_limited"  # not delivered; wait `retry_after_s`
    BAD_MESSAGE = "bad_message"  # this message can never be delivered
    BAD_DESTINATION = "bad_destination"  # nothing can be delivered here: disable it
    AMBIGUOUS = "ambiguous"  # may or may not have been delivered


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: SendOutcome
    detail: str = ""
    retry_after_s: float | None = None
    message_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", self.detail[:MAX_DETAIL])


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` sends per `window_s` seconds under `key`, across all workers."""

    key: str
    count: int
    window_s: float


class Channel(Protocol):
    """One kind of destination (telegram, apprise)."""

    def limits(self, target: str) -> list[Limit]:
        """The rate limits a send to `target` must respect, most specific last (a 429 blocks
        the last one)."""
        ...

    async def send(self, target: str, facts: MessageFacts) -> SendResult:
        """Render and send one message; never raises for delivery problems."""
        ...

    async def close(self) -> None: ...
