"""Settings for deals, watches and notifications: defaults, validation, and what they build."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from priceradar.config import ConfigError, Settings, load_settings
from priceradar.domain.deals import ReferenceKind
from priceradar.worker.app import celery_config
from priceradar.worker.notify_tasks import channels, delivery_options
from priceradar.worker.runtime import deal_rules

TOKEN = "123456789:AAH-secret_token_value_0123456789ab"


def settings(**kw: Any) -> Settings:
    return load_settings(_env_file=None, **kw)


def test_defaults_build_rules_options_and_channels() -> None:
    s = settings()
    rules = deal_rules(s)
    assert rules.reference is ReferenceKind.ESTABLISHED and rules.window_days == 30
    assert rules.min_discount_percent == Decimal("15.0") and rules.min_history_days == 7
    assert delivery_options(s).max_attempts == 5 and not delivery_options(s).resend_unknown
    assert set(channels(s)) == {"apprise"}  # Telegram only with a bot token
    beat = celery_config(s)["beat_schedule"]["schedule-notifications"]
    assert beat["task"] == "schedule_notifications" and beat["schedule"] == 1800


def test_configured_values_reach_the_domain() -> None:
    s = settings(
        deal_reference="lowest",
        deal_thresholds='{"domain:Shop.Example": 30, "category:books": 40}',
        telegram_bot_token=TOKEN,
        notifications_interval_s="60",
    )
    rules = deal_rules(s)
    assert rules.reference is ReferenceKind.LOWEST
    assert rules.threshold_percent("www.shop.example") == Decimal(30)
    assert rules.threshold_percent("other.example", "books") == Decimal(40)
    assert set(channels(s)) == {"apprise", "telegram"}
    assert celery_config(s)["beat_schedule"]["schedule-notifications"]["schedule"] == 60


def test_bot_token_is_never_shown() -> None:
    s = settings(telegram_bot_token=TOKEN)
    assert TOKEN not in repr(s) and TOKEN not in str(s.model_dump())
    with pytest.raises(ConfigError) as err:
        settings(telegram_bot_token="12345:short-secret")
    assert "PRICERADAR_TELEGRAM_BOT_TOKEN" in str(err.value)
    assert "short-secret" not in str(err.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"telegram_message_template": "<b>$title"}, "TEMPLATE: Telegram would reject it"),
        ({"telegram_message_template": "$nope"}, "unknown placeholder $nope"),
        ({"deal_thresholds": "{oops"}, "PRICERADAR_DEAL_THRESHOLDS: not JSON"),
        ({"deal_thresholds": '{"shop.example": 20}'}, "PRICERADAR_DEAL_THRESHOLDS: expected"),
        ({"deal_thresholds": '{"domain:a": 120}'}, "PRICERADAR_DEAL_THRESHOLDS: expected"),
        ({"deal_reference": "average"}, "PRICERADAR_DEAL_REFERENCE"),
        ({"telegram_api_base_url": "ftp://x"}, "PRICERADAR_TELEGRAM_API_BASE_URL"),
        ({"notify_lease_s": "20", "notify_timeout_s": "10"}, "PRICERADAR_NOTIFY_LEASE_S"),
    ],
)
def test_broken_settings_give_one_clear_line(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings(**overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_template_newlines_may_be_written_as_backslash_n() -> None:
    s = settings(telegram_message_template="$headline\\n<b>$title</b>")
    assert s.telegram_message_template == "$headline\n<b>$title</b>"
