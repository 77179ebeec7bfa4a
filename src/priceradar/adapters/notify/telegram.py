"""Telegram Bot API channel: `sendPhoto` with a caption when there is an image, else
`sendMessage`; HTML parse mode; every answer classified for the outbox.

Errors that happen before the request can have left this process (no connection, connect
timeout) are `RETRY`; anything after it (read timeout, dropped connection, an unreadable
answer) is `AMBIGUOUS`, because the Bot API offers no way to ask whether a message was
posted. The bot token lives only in the request path and is scrubbed from every detail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from priceradar.adapters.notify import Limit, SendOutcome, SendResult
from priceradar.domain.messages import (
    CAPTION_LIMIT,
    DEFAULT_TEMPLATE,
    TEXT_LIMIT,
    MessageFacts,
    render_telegram,
)

log = logging.getLogger(__name__)

# Descriptions meaning "nothing will ever reach this chat": the destination is disabled.
DESTINATION_ERRORS = (
    "chat not found",
    "bot was blocked",
    "bot was kicked",
    "bot is not a member",
    "user is deactivated",
    "group chat was upgraded",
    "have no rights",
    "not enough rights",
    "need administrator rights",
    "peer_id_invalid",
    "chat_write_forbidden",
    "chat_restricted",
)
# Descriptions meaning "Telegram could not use the photo": send the same alert as text.
PHOTO_ERRORS = ("http url", "file identifier", "web page", "photo_", "image_", "webpage_")
DEFAULT_RETRY_AFTER_S = 5.0
PRIVATE_CHAT_PER_S = 1  # Telegram: avoid more than one message per second to one user


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    token: str = field(repr=False)
    base_url: str = "https://api.telegram.org"
    template: str = DEFAULT_TEMPLATE
    button_text: str | None = None
    timeout_s: float = 15.0
    global_per_s: int = 30
    chat_per_min: int = 20

    @property
    def bot_id(self) -> str:
        return self.token.split(":", 1)[0]  # public: it is the bot's user id


def is_group_or_channel(chat_id: str) -> bool:
    """Group and channel ids are negative; "@name" is a public channel or supergroup."""
    return chat_id.startswith(("-", "@"))


def classify(status: int, body: Any) -> SendResult:
    """Map a Bot API answer to an outcome (pure)."""
    data = body if isinstance(body, dict) else {}
    description = str(data.get("description") or f"HTTP {status}")
    if status == 200 and data.get("ok") is True:
        result = data.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return SendResult(SendOutcome.SENT, message_id=str(message_id) if message_id else None)
    if status == 200:
        return SendResult(SendOutcome.AMBIGUOUS, f"unexpected answer: {description}")
    if status == 429:
        params = data.get("parameters")
        retry = params.get("retry_after") if isinstance(params, dict) else None
        wait = float(retry) if isinstance(retry, int | float) else DEFAULT_RETRY_AFTER_S
        return SendResult(SendOutcome.RATE_LIMITED, description, retry_after_s=wait)
    lowered = description.lower()
    if status == 403 or (status == 400 and any(e in lowered for e in DESTINATION_ERRORS)):
        return SendResult(SendOutcome.BAD_DESTINATION, f"HTTP {status}: {description}")
    if status in (401, 404):
        return SendResult(SendOutcome.RETRY, f"bot token rejected (HTTP {status}): {description}")
    if status == 400:
        return SendResult(SendOutcome.BAD_MESSAGE, f"HTTP 400: {description}")
    return SendResult(SendOutcome.RETRY, f"HTTP {status}: {description}")


class TelegramChannel:
    """Sends alerts through one bot. Create and use it on one event loop."""

    def __init__(self, config: TelegramConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None

    def limits(self, target: str) -> list[Limit]:
        prefix = f"tg:{self.config.bot_id}"
        per_chat = (
            Limit(f"{prefix}:chat:{target}", self.config.chat_per_min, 60.0)
            if is_group_or_channel(target)
            else Limit(f"{prefix}:chat:{target}", PRIVATE_CHAT_PER_S, 1.0)
        )
        return [Limit(f"{prefix}:all", self.config.global_per_s, 1.0), per_chat]

    async def send(self, target: str, facts: MessageFacts) -> SendResult:
        cfg = self.config
        chat: int | str = int(target) if target.lstrip("-").isdigit() else target
        common: dict[str, Any] = {"chat_id": chat, "parse_mode": "HTML"}
        if cfg.button_text and facts.url.startswith(("http://", "https://")):
            button = {"text": cfg.button_text, "url": facts.url}
            common["reply_markup"] = {"inline_keyboard": [[button]]}
        if facts.image_url and facts.image_url.startswith(("http://", "https://")):
            caption = render_telegram(facts, cfg.template, CAPTION_LIMIT)
            result = await self._call(
                "sendPhoto", {**common, "photo": facts.image_url, "caption": caption}
            )
            if result.outcome is not SendOutcome.BAD_MESSAGE or not _photo_problem(result):
                return result
            log.info("telegram could not use the photo; sending text", extra={"chat": target})
        text = render_telegram(facts, cfg.template, TEXT_LIMIT)
        return await self._call("sendMessage", {**common, "text": text})

    async def _call(self, method: str, payload: dict[str, Any]) -> SendResult:
        session = self._session
        if session is None or session.closed:
            timeout = aiohttp.ClientTimeout(total=self.config.timeout_s, connect=5.0)
            session = self._session = aiohttp.ClientSession(timeout=timeout)
        url = f"{self.config.base_url}/bot{self.config.token}/{method}"
        try:
            async with session.post(url, json=payload) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                    if response.status == 200:
                        return SendResult(SendOutcome.AMBIGUOUS, "HTTP 200 without JSON")
                return classify(response.status, body)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            # The connection never opened: nothing was sent.
            return SendResult(SendOutcome.RETRY, self._scrub(f"cannot connect: {exc}"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Sent, or partly sent: Telegram may have posted it.
            name = type(exc).__name__
            return SendResult(SendOutcome.AMBIGUOUS, self._scrub(f"{name} after sending: {exc}"))

    def _scrub(self, text: str) -> str:
        return text.replace(self.config.token, "<token>")

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _photo_problem(result: SendResult) -> bool:
    lowered = result.detail.lower()
    return any(p in lowered for p in PHOTO_ERRORS)
