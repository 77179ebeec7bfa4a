"""Deal, watch and notification settings."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode


class NotificationSettings(BaseSettings):
    """When a price is a deal, and how alerts are delivered."""

    # What a discount is measured against: "established" = the lowest of the lowest price held
    # for a day in the last N days, the lowest held 3 days in 90, and the time-weighted 90- and
    # 180-day medians (fake discounts and high-low pricing do not pass); the time-weighted
    # median of the last N days; the lowest price of the prior N days (EU Omnibus); or the
    # previous price.
    deal_reference: Literal["established", "median", "lowest", "previous"] = "established"
    deal_reference_days: int = Field(default=30, ge=1, le=180)
    deal_min_discount_percent: float = Field(default=15.0, gt=0, lt=100)
    # Per domain or category, as JSON: {"domain:shop.example": 25, "category:books": 30}.
    deal_thresholds: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)
    deal_min_history_days: float = Field(default=7.0, ge=0)
    deal_realert_on_deeper_drop: bool = True
    deal_realert_step_percent: float = Field(default=5.0, ge=0)  # deeper by >= N points
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_message_template: str | None = None  # None = domain/messages.DEFAULT_TEMPLATE
    telegram_button_text: str | None = None  # an inline "open" button under each alert
    # Telegram's documented limits: ~30 messages/s per bot, 20/min per group or channel; sends
    # are spaced evenly (window / count apart), never in bursts.
    telegram_global_per_s: int = Field(default=30, ge=1)
    telegram_chat_per_min: int = Field(default=20, ge=1)
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    notify_retry_base_s: float = Field(default=30.0, gt=0)
    notify_retry_max_s: float = Field(default=3600.0, gt=0)
    notify_lease_s: int = Field(default=120, ge=5)
    notify_timeout_s: float = Field(default=15.0, gt=0)
    notify_batch_size: int = Field(default=50, ge=1, le=1000)
    notify_resend_unknown: bool = False  # True = at-least-once after a crash mid-send
    notify_run_budget_s: float = Field(default=60.0, gt=0)
    notifications_interval_s: float = Field(default=1800.0, gt=0)  # seed: every 30 minutes

    @field_validator("deal_thresholds", mode="before")
    @classmethod
    def _parse_thresholds(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError as exc:
                raise ValueError(f"PRICERADAR_DEAL_THRESHOLDS: not JSON: {exc}") from None
        if isinstance(value, dict):
            for key, percent in value.items():
                ok_key = str(key).startswith(("domain:", "category:"))
                if not ok_key or not isinstance(percent, int | float) or not 0 < percent < 100:
                    raise ValueError(
                        "PRICERADAR_DEAL_THRESHOLDS: expected "
                        '{"domain:<host>": <percent>, "category:<name>": <percent>}, '
                        f"percent in (0, 100); got {key!r}"
                    )
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _check_bot_token(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw in (None, ""):
            return None
        # The token itself never appears in the message: it is a credential.
        if not isinstance(raw, str) or not re.fullmatch(r"\d{3,}:[A-Za-z0-9_-]{20,}", raw):
            raise ValueError(
                "PRICERADAR_TELEGRAM_BOT_TOKEN: not a bot token (expected <bot id>:<secret> "
                "as BotFather prints it)"
            )
        return raw

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_bot_api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("PRICERADAR_TELEGRAM_API_BASE_URL: expected an http(s) URL")
        return value.rstrip("/")

    @field_validator("telegram_message_template")
    @classmethod
    def _check_template(cls, value: str | None) -> str | None:
        from priceradar.domain.messages import validate_template

        if value is None or not value.strip():
            return None
        value = value.replace("\\n", "\n")  # one-line env values may spell newlines as \n
        try:
            validate_template(value)
        except ValueError as exc:
            raise ValueError(f"PRICERADAR_TELEGRAM_MESSAGE_TEMPLATE: {exc}") from None
        return value

    @model_validator(mode="after")
    def _check_notify(self) -> Self:
        # A photo that Telegram cannot fetch is re-sent as text: two requests in one lease.
        if self.notify_lease_s < 2 * self.notify_timeout_s + 5:
            raise ValueError(
                "PRICERADAR_NOTIFY_LEASE_S must be at least 2 x PRICERADAR_NOTIFY_TIMEOUT_S + 5"
            )
        return self
