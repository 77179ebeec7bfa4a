"""Core settings: environment, service URLs, logging, fetching, checking and task limits."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode

from priceradar.config.credentials import default_credentials_in
from priceradar.domain.extraction import SiteRule


class ConfigError(Exception):
    """The configuration is wrong; the message names the variable and is fit to show as is."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _env(name: str) -> Any:
    """Accept both the bare name the seed documents use and the PRICERADAR_ prefixed one."""
    return Field(default=None, validation_alias=AliasChoices(name, f"PRICERADAR_{name}"))


BARE_NAMES = frozenset({"database_url", "celery_broker_url", "celery_result_backend", "redis_url"})


class CoreSettings(BaseSettings):
    """Where things are and how pages are fetched and checked."""

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
    # Egress pool: proxies rotated over, each with its own politeness budget per domain (a
    # comma-separated list and/or a file with one URL a line). A route whose proxy cannot be
    # reached rests `egress_cooldown_s`.
    fetch_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fetch_proxies_file: Path | None = None
    egress_cooldown_s: float = Field(default=60.0, gt=0)
    # SSRF guard: product URLs may not reach private, loopback or link-local addresses unless
    # their host is listed here (or "*" allows all; tests and the demo use loopback).
    allowed_private_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Checking and scheduling.
    check_batch_size: int = Field(default=100, ge=1, le=5000)
    # Results of a batch are written as pages arrive: every N results or after this age.
    check_write_group: int = Field(default=25, ge=1, le=5000)
    check_write_max_age_s: float = Field(default=0.5, gt=0)
    # A batch task returns once at most this many of its pages still load; they finish in the
    # background of the pool process (at most `check_max_background` such batches at once).
    check_detach_pending: int = Field(default=50, ge=0)
    check_max_background: int = Field(default=100, ge=0)
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

    @field_validator("site_rules", mode="before")
    @classmethod
    def _parse_rules(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else {}
        if isinstance(value, dict):
            return {host: _rule(host, spec) for host, spec in value.items()}
        return value

    @field_validator("fetch_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
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
    def _check_core(self) -> Self:
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
            self._refuse_default_credentials()
        return self

    def _refuse_default_credentials(self) -> None:
        """Every URL-valued setting (including ones other sections add), by what its client
        would send: see `config.credentials`."""
        for name, value in self:
            urls = value if isinstance(value, list | tuple) else [value]
            for url in urls:
                if isinstance(url, str) and "://" in url and default_credentials_in(url):
                    shown = name.upper() if name in BARE_NAMES else f"PRICERADAR_{name.upper()}"
                    raise ValueError(
                        f"{shown}: default credentials are refused when PRICERADAR_ENV=production"
                    )

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


def _rule(host: str, spec: Any) -> SiteRule:
    if isinstance(spec, SiteRule):
        return spec
    if isinstance(spec, str):
        return SiteRule(price=spec)
    if not isinstance(spec, dict) or not ("price" in spec or spec.get("render") is True):
        raise ValueError(
            f"site rule for {host!r} needs at least a 'price' selector or \"render\": true"
        )
    unknown = set(spec) - set(SiteRule.__dataclass_fields__)
    if unknown:
        raise ValueError(f"site rule for {host!r}: unknown keys {sorted(unknown)}")
    return SiteRule(**spec)
