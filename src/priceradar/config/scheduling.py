"""Scheduling settings: priorities, beat job times, politeness, discovery and retention."""

from __future__ import annotations

import json
from typing import Annotated, Any

from celery.schedules import crontab
from pydantic import Field, field_validator
from pydantic.functional_validators import BeforeValidator
from pydantic_settings import BaseSettings, NoDecode

from priceradar.domain.discovery import DiscoverySource, parse_sources_setting
from priceradar.domain.priority import DEFAULT_BANDS, Band, PriorityWeights, validate_bands


class SchedulingSettings(BaseSettings):
    """How often what is checked, how politely, and what is kept."""

    # Where schedule_product_fetch finds new products: JSON list of DiscoverySource objects.
    discovery_sources: Annotated[
        list[DiscoverySource], NoDecode, BeforeValidator(parse_sources_setting)
    ] = Field(default_factory=list)
    # Priority 0-100 = deal*w_deal + volatility*w_vol + popularity*w_pop + recency*w_rec (seed).
    priority_weights: PriorityWeights = Field(default_factory=lambda: PriorityWeights())
    # [[min_priority, interval_s], ...] from the highest threshold down to 0.
    priority_bands: Annotated[tuple[Band, ...], NoDecode] = DEFAULT_BANDS
    # Cron lines ("minute hour day month weekday", UTC) of the seed's beat jobs.
    cron_high_priority_checks: str = "0 * * * *"
    cron_medium_priority_checks: str = "0 */6 * * *"
    cron_low_priority_checks: str = "0 3 * * *"
    cron_product_fetch: str = "0 4 * * *"
    cron_update_priorities: str = "0 */4 * * *"
    cron_cleanup: str = "0 2 * * *"
    # Politeness: requests per second per domain, shared by all workers through Redis.
    domain_rate_per_s: float = Field(default=20.0, gt=0)
    domain_burst: int = Field(default=20, ge=1)
    domain_rates: dict[str, float] = Field(default_factory=dict)
    blocked_pause_s: int = Field(default=300, ge=1)  # after a 403, leave the domain alone
    # Retention.
    history_retention_days: int = Field(default=730, ge=1)
    inactive_retention_days: int = Field(default=180, ge=1)
    notification_retention_days: int = Field(default=90, ge=1)
    deal_retention_days: int = Field(default=365, ge=1)
    cleanup_batch_rows: int = Field(default=10_000, ge=100)

    @field_validator("priority_bands", mode="before")
    @classmethod
    def _parse_bands(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value)
        if isinstance(value, list | tuple):
            bands = [b if isinstance(b, Band) else Band(int(b[0]), int(b[1])) for b in value]
            return validate_bands(bands)
        return value

    @field_validator(
        "cron_high_priority_checks",
        "cron_medium_priority_checks",
        "cron_low_priority_checks",
        "cron_product_fetch",
        "cron_update_priorities",
        "cron_cleanup",
    )
    @classmethod
    def _check_cron(cls, value: str) -> str:
        parse_cron(value)
        return value


def parse_cron(line: str) -> crontab:
    """A five-field cron line as a Celery crontab (UTC); ValueError names what is wrong."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"cron line needs 5 fields (minute hour day month weekday), got {line!r}")
    minute, hour, day, month, weekday = fields
    try:
        return crontab(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday
        )
    except Exception as exc:  # celery raises ValueError or its own ParseException
        raise ValueError(f"invalid cron line {line!r}: {exc}") from None
