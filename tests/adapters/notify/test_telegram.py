"""The Telegram channel against a fake Bot API on localhost: requests, limits and outcomes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from priceradar.adapters.notify import SendOutcome, SendResult
from priceradar.adapters.notify.telegram import TelegramChannel, TelegramConfig, classify
from priceradar.domain.messages import MessageFacts, html_problem, visible_length
from tests.support.factories import message_facts
from tests.support.fake_telegram import (
    BAD_PHOTO,
    BLOCKED,
    CHAT_NOT_FOUND,
    SERVER_ERROR,
    TOKEN,
    FakeTelegram,
    Reply,
    too_many,
)

FACTS = message_facts(title="<b>Acme</b> & Sons 🎧")


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def send(config: TelegramConfig, target: str, facts: MessageFacts = FACTS) -> SendResult:
    async def go() -> SendResult:
        channel = TelegramChannel(config)
        try:
            return await channel.send(target, facts)
        finally:
            await channel.close()

    return asyncio.run(go())


def config(tg: FakeTelegram, **kw: Any) -> TelegramConfig:
    return TelegramConfig(token=TOKEN, base_url=tg.base_url, **kw)


def test_text_message_is_html_with_escaped_title(tg: FakeTelegram) -> None:
    # Given a product without an image, when an alert is sent
    result = send(config(tg, button_text="Open"), "-1001")
    # Then it is one sendMessage in HTML mode with the title escaped and an inline button
    assert result.outcome is SendOutcome.SENT and result.message_id
    (req,) = tg.to("-1001")
    assert req.method == "sendMessage" and req.token == TOKEN
    assert req.payload["parse_mode"] == "HTML" and req.payload["chat_id"] == -1001
    assert "<b>&lt;b&gt;Acme&lt;/b&gt; &amp; Sons 🎧</b>" in req.html
    assert html_problem(req.html) is None
    button = req.payload["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "Open", "url": "https://shop.example/p/7"}


def test_photo_with_caption_within_1024(tg: FakeTelegram) -> None:
    # Given a product with an image and a very long hostile title
    facts = replace(FACTS, image_url="https://shop.example/i/7.jpg", title="<i>x</i>&" * 900)
    # When sent, then it is a sendPhoto whose caption fits Telegram's 1024 limit
    assert send(config(tg), "@deals_channel", facts).outcome is SendOutcome.SENT
    (req,) = tg.to("@deals_channel")
    assert req.method == "sendPhoto" and req.payload["photo"] == facts.image_url
    assert visible_length(req.html) <= 1024 and html_problem(req.html) is None
    assert "reply_markup" not in req.payload


def test_unusable_photo_falls_back_to_text(tg: FakeTelegram) -> None:
    # Given Telegram cannot fetch the image
    tg.script("-1002", BAD_PHOTO)
    facts = replace(FACTS, image_url="https://shop.example/i/broken.jpg")
    # When sent, then the same alert goes out as text
    assert send(config(tg), "-1002", facts).outcome is SendOutcome.SENT
    assert [r.method for r in tg.to("-1002")] == ["sendPhoto", "sendMessage"]


@pytest.mark.parametrize(
    ("chat", "reply", "outcome", "detail"),
    [
        ("-2001", too_many(3), SendOutcome.RATE_LIMITED, "Too Many Requests"),
        ("-2002", CHAT_NOT_FOUND, SendOutcome.BAD_DESTINATION, "chat not found"),
        ("-2003", BLOCKED, SendOutcome.BAD_DESTINATION, "bot was blocked"),
        ("-2004", SERVER_ERROR, SendOutcome.RETRY, "HTTP 500"),
        ("-2005", Reply(400, "Bad Request: can't parse entities"), SendOutcome.BAD_MESSAGE,
         "parse entities"),
    ],
)  # fmt: skip
def test_error_answers_are_classified(
    tg: FakeTelegram, chat: str, reply: Reply, outcome: SendOutcome, detail: str
) -> None:
    tg.script(chat, reply)
    result = send(config(tg), chat)
    assert result.outcome is outcome and detail in result.detail
    if outcome is SendOutcome.RATE_LIMITED:
        assert result.retry_after_s == 3


def test_rejected_token_is_retryable_and_never_shown(tg: FakeTelegram) -> None:
    bad = "999999:WRONG-token-abcdefghijklmnopqrstuv"
    result = send(TelegramConfig(token=bad, base_url=tg.base_url), "-3001")
    assert result.outcome is SendOutcome.RETRY and "token rejected" in result.detail
    assert bad not in result.detail and bad not in repr(TelegramConfig(token=bad))


def test_no_connection_is_retryable() -> None:
    # Given a port nobody listens on, then nothing can have been sent: retry
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = send(TelegramConfig(token=TOKEN, base_url=f"http://127.0.0.1:{port}"), "-1")
    assert result.outcome is SendOutcome.RETRY and "cannot connect" in result.detail


def test_timeout_after_sending_is_ambiguous(tg: FakeTelegram) -> None:
    # Given Telegram received the request but answers after our timeout
    tg.script("-4001", Reply(delay_s=2.0))
    result = send(config(tg, timeout_s=0.5), "-4001")
    # Then we cannot know whether it was posted
    assert result.outcome is SendOutcome.AMBIGUOUS
    assert len(tg.to("-4001")) == 1


def test_limits_per_bot_and_chat(tg: FakeTelegram) -> None:
    channel = TelegramChannel(config(tg, global_per_s=30, chat_per_min=20))
    group, private = channel.limits("-100123"), channel.limits("42")
    assert [(x.count, x.window_s) for x in group] == [(30, 1.0), (20, 60.0)]
    assert [(x.count, x.window_s) for x in private] == [(30, 1.0), (1, 1.0)]
    assert group[0].key == private[0].key == "tg:123456789:all"
    assert TOKEN.split(":")[1] not in "".join(x.key for x in group)


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (200, {"ok": True, "result": {"message_id": 5}}, SendOutcome.SENT),
        (200, {"ok": False}, SendOutcome.AMBIGUOUS),
        (200, None, SendOutcome.AMBIGUOUS),
        (429, {"ok": False, "parameters": {"retry_after": 9}}, SendOutcome.RATE_LIMITED),
        (429, None, SendOutcome.RATE_LIMITED),
        (400, {"description": "Bad Request: chat not found"}, SendOutcome.BAD_DESTINATION),
        (400, {"description": "Bad Request: group chat was upgraded to a supergroup chat"},
         SendOutcome.BAD_DESTINATION),
        (403, {"description": "Forbidden: bot was kicked from the group chat"},
         SendOutcome.BAD_DESTINATION),
        (403, {"description": "Forbidden: user is deactivated"}, SendOutcome.BAD_DESTINATION),
        (400, {"description": "Bad Request: message is too long"}, SendOutcome.BAD_MESSAGE),
        (401, {"description": "Unauthorized"}, SendOutcome.RETRY),
        (502, None, SendOutcome.RETRY),
    ],
)  # fmt: skip
def test_classify_table(status: int, body: Any, outcome: SendOutcome) -> None:
    assert classify(status, body).outcome is outcome
