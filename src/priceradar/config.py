"""Settings, read once at the edges (CLI, Celery app, API) from the environment and `.env`.

With nothing set, the embedded default is used: SQLite plus a file-system broker under one data
directory, so `priceradar demo` needs no server. Production is the same code with
`DATABASE_URL=postgresql+psycopg://…` and `CELERY_BROKER_URL=redis://…` or `amqp://…`.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from celery.schedules import crontab
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.functional_validators import BeforeValidator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from priceradar.domain.discovery import DiscoverySource, parse_sources_setting
from priceradar.domain.extraction import SiteRule
from priceradar.domain.priority import DEFAULT_BANDS, Band, PriorityWeights, validate_bands


class ConfigError(Exception):
    """The configuration is wrong; the message names the variable and is fit to show as is."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _env(name: str) -> Any:
    """Accept both the bare name the seed documents use and the PRICERADAR_ prefixed one."""
    return Field(default=None, validation_alias=AliasChoices(name, f"PRICERADAR_{name}"))


# Credentials that ship in examples and images; refused outside development.
_DEFAULT_CREDENTIALS = {"guest:guest", "postgres:postgres", "admin:admin", "user:password"}


class Settings(BaseSettings):
    """Everything priceradar can be told. Each field maps to `PRICERADAR_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="PRICERADAR_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")

    database_url: str | None = _env("DATABASE_URL")
    celery_broker_url: str | None = _env("CELERY_BROKER_URL")
    celery_result_backend: str | None = _env("CELERY_RESULT_BACKEND")
    redis_url: str | None = _env("REDIS_URL")

    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "PRICERADAR_LOG_LEVEL")
    )
    log_json: bool = False

    # HTTP fetching. Timeouts are per request; the body cap protects worker memory.
    fetch_timeout_s: float = Field(default=20.0, gt=0)
    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    fetch_max_bytes: int = Field(default=5_000_000, gt=1024)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_user_agent: str = "priceradar/0.1 (+https://github.com/priceradar/priceradar)"
    fetch_concurrency: int = Field(default=100, ge=1, le=2000)
    fetch_per_domain_concurrency: int = Field(default=16, ge=1, le=1000)
    fetch_proxy: str | None = None
    # SSRF guard: product URLs may not reach private, loopback or link-local addresses unless
    # their host is listed here (or "*" allows all; tests and the demo use loopback).
    allowed_private_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Checking and scheduling.
    check_batch_size: int = Field(default=100, ge=1, le=5000)
    lease_s: int = Field(default=600, ge=5)
    dispatch_interval_s: float = Field(default=5.0, gt=0)
    dispatch_max_per_tick: int = Field(default=20_000, ge=1)
    dispatch_max_in_flight: int = Field(default=10_000, ge=1)
    not_found_deactivate_after: int = Field(default=3, ge=1)
    retry_base_s: int = Field(default=60, ge=1)
    retry_max_s: int = Field(default=3600, ge=1)
    site_rules: dict[str, SiteRule] = Field(default_factory=dict)
    site_rules_file: Path | None = None

    # Celery task limits: a batch of 100 pages at 20 s timeout fits well inside these.
    task_soft_time_limit_s: int = Field(default=240, ge=10)
    task_time_limit_s: int = Field(default=300, ge=15)
    result_expires_s: int = Field(default=86_400, ge=60)
    worker_concurrency: int | None = Field(default=None, ge=1)

    # --- scheduling: priorities, beat jobs, politeness, discovery, retention ---
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

    # --- deals, watches and notifications ---
    # What a discount is measured against: the time-weighted median of the last N days (robust
    # to "raise, then discount"), the lowest price of the prior N days (EU Omnibus), or the
    # previous price.
    deal_reference: Literal["median", "lowest", "previous"] = "median"
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
    # Telegram's documented limits: ~30 messages/s per bot, 20/min per group or channel.
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
    def _check_notify(self) -> Settings:
        # A photo that Telegram cannot fetch is re-sent as text: two requests in one lease.
        if self.notify_lease_s < 2 * self.notify_timeout_s + 5:
            raise ValueError(
                "PRICERADAR_NOTIFY_LEASE_S must be at least 2 x PRICERADAR_NOTIFY_TIMEOUT_S + 5"
            )
        return self

    # --- HTTP API, auth and monitoring ---
    # API keys as SHA-256 hex digests (`priceradar api-key new` prints a key and its hash), so
    # the configuration never holds a usable key. Writes always need one.
    api_key_hashes: Annotated[list[str], NoDecode] = Field(default_factory=list)
    api_public_reads: bool = False  # lists, history, task status and stats without a key
    api_public_metrics: bool = False  # /metrics without a key (Prometheus can send a Bearer key)
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    # Per API process (sync routes run in a 40-thread pool): 5+5 connections keep a few API
    # replicas plus the workers inside PostgreSQL's default max_connections of 100.
    api_db_pool_size: int = Field(default=5, ge=1, le=100)
    # Bulk import body cap: 100k CSV rows of ~100 bytes are ~10 MB.
    api_import_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    api_dns_timeout_s: float = Field(default=3.0, gt=0)  # submit-time SSRF check per host
    flower_basic_auth: str | None = None  # user:password[,user2:password2]
    flower_address: str = "127.0.0.1"
    flower_port: int = Field(default=5555, ge=1, le=65535)
    # Scrape-time gauges come from one grouped query; cache it so several scrapers or a short
    # scrape interval do not scan a million rows each time.
    metrics_cache_s: float = Field(default=10.0, ge=0)
    metrics_max_domains: int = Field(default=50, ge=1)  # the rest is labelled "other"
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("api_key_hashes", mode="before")
    @classmethod
    def _split_key_hashes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [h.strip() for h in value.split(",") if h.strip()]
        if isinstance(value, list):
            for digest in value:
                if not (isinstance(digest, str) and re.fullmatch(r"[0-9a-fA-F]{64}", digest)):
                    raise ValueError(
                        "PRICERADAR_API_KEY_HASHES: every entry must be a SHA-256 hex digest "
                        "(`priceradar api-key new` prints one), never the key itself"
                    )
            return [d.lower() for d in value]
        return value

    @field_validator("flower_basic_auth")
    @classmethod
    def _check_flower_auth(cls, value: str | None) -> str | None:
        if value is not None and not all(
            ":" in pair and pair.split(":", 1)[0] and pair.split(":", 1)[1]
            for pair in value.split(",")
        ):
            raise ValueError("PRICERADAR_FLOWER_BASIC_AUTH: expected user:password[,user:password]")
        return value

    @field_validator("site_rules", mode="before")
    @classmethod
    def _parse_rules(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else {}
        if isinstance(value, dict):
            return {host: _rule(host, spec) for host, spec in value.items()}
        return value

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

    @field_validator("allowed_private_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.task_time_limit_s <= self.task_soft_time_limit_s:
            raise ValueError(
                "PRICERADAR_TASK_TIME_LIMIT_S must exceed PRICERADAR_TASK_SOFT_TIME_LIMIT_S"
            )
        if self.site_rules_file is not None:
            try:
                raw = json.loads(self.site_rules_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ValueError(
                    f"PRICERADAR_SITE_RULES_FILE: cannot read {self.site_rules_file}: {exc}"
                ) from exc
            self.site_rules = {**{h: _rule(h, s) for h, s in raw.items()}, **self.site_rules}
        if self.env is Environment.PRODUCTION:
            for name, url in (
                ("DATABASE_URL", self.database_url),
                ("CELERY_BROKER_URL", self.celery_broker_url),
                ("CELERY_RESULT_BACKEND", self.celery_result_backend),
                ("REDIS_URL", self.redis_url),
            ):
                if url and _userinfo(url) in _DEFAULT_CREDENTIALS:
                    raise ValueError(
                        f"{name}: default credentials are refused when PRICERADAR_ENV=production"
                    )
            if self.flower_basic_auth and any(
                pair in _DEFAULT_CREDENTIALS for pair in self.flower_basic_auth.split(",")
            ):
                raise ValueError(
                    "PRICERADAR_FLOWER_BASIC_AUTH: default credentials are refused when "
                    "PRICERADAR_ENV=production"
                )
        return self

    # Derived values: the embedded default fills in what production sets explicitly.
    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'priceradar.sqlite3').resolve()}"

    @cached_property
    def broker_url(self) -> str:
        return self.celery_broker_url or "filesystem://"

    @cached_property
    def result_backend(self) -> str:
        return self.celery_result_backend or f"file://{(self.data_dir / 'results').resolve()}"

    @property
    def broker_transport(self) -> str:
        """`redis`, `amqp` or `filesystem`: decides how message priorities are expressed."""
        scheme = urlsplit(self.broker_url).scheme.split("+")[0]
        return {"rediss": "redis", "pyamqp": "amqp", "amqps": "amqp"}.get(scheme, scheme)

    @property
    def embedded(self) -> bool:
        return self.broker_transport == "filesystem"

    @property
    def broker_dir(self) -> Path:
        return (self.data_dir / "broker").resolve()


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


def _rule(host: str, spec: Any) -> SiteRule:
    if isinstance(spec, SiteRule):
        return spec
    if isinstance(spec, str):
        return SiteRule(price=spec)
    if not isinstance(spec, dict) or "price" not in spec:
        raise ValueError(f"site rule for {host!r} needs at least a 'price' selector")
    return SiteRule(**spec)


def _userinfo(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.username or ''}:{parts.password or ''}"


def load_settings(**overrides: Any) -> Settings:
    """Read settings; on bad input raise ConfigError with one line per offending variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        name = f"PRICERADAR_{loc[0].upper()}" if loc else "configuration"
        if loc and loc[0] in (
            "database_url",
            "celery_broker_url",
            "celery_result_backend",
            "redis_url",
        ):
            name = loc[0].upper()
        message = str(err["msg"]).removeprefix("Value error, ")
        if message.startswith(("PRICERADAR_", "DATABASE_URL", "CELERY_", "REDIS_URL")):
            lines.append(f"invalid configuration: {message}")
        else:
            got = err.get("input")
            shown = (
                f" (got {got!r})"
                if isinstance(got, str | int | float) and repr(got) not in message
                else ""
            )
            lines.append(f"invalid configuration: {name}: {message}{shown}")
    return "\n".join(lines)
