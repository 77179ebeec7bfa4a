"""HTTP API, auth and monitoring settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode

from priceradar.config.core import Environment
from priceradar.config.credentials import DEFAULT_CREDENTIALS


class ApiSettings(BaseSettings):
    """The HTTP API, its keys, Flower and metrics."""

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
    # Connections one API process serves at once (more are answered 503 by uvicorn).
    api_max_connections: int = Field(default=200, ge=1)
    # Body cap of every other request, checked before the body is read, parsed or authenticated.
    api_max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Bulk import body cap: 100k CSV rows of ~100 bytes are ~10 MB.
    api_import_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # DNS look-up budget of the SSRF check (product URLs on submit, Apprise hosts on store/send).
    api_dns_timeout_s: float = Field(default=3.0, gt=0)
    flower_basic_auth: str | None = None  # user:password[,user2:password2]
    flower_address: str = "127.0.0.1"
    flower_port: int = Field(default=5555, ge=1, le=65535)
    # Scrape-time gauges come from one grouped query; cache it so several scrapers or a short
    # scrape interval do not scan a million rows each time.
    metrics_cache_s: float = Field(default=10.0, ge=0)
    # The products-by-outcome-and-domain GROUP BY scans the catalogue: refresh it less often.
    metrics_catalog_cache_s: float = Field(default=300.0, ge=0)
    metrics_max_domains: int = Field(default=50, ge=1)  # the rest is labelled "other"
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Liveness without a broker round trip: the worker's event loop touches this file every
    # interval; a probe checks its age (`celery inspect ping` cost ~100 MB and 1.4 CPU-s a call).
    worker_heartbeat_file: Path | None = None
    worker_heartbeat_interval_s: float = Field(default=10.0, gt=0)
    # Web UI sessions: the key signing the session cookie (several API replicas must share
    # one); unset, a random one is kept in <data dir>/ui-session-secret.
    ui_session_secret: SecretStr | None = None
    ui_session_max_age_s: int = Field(default=12 * 3600, ge=60)

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

    @model_validator(mode="after")
    def _check_api(self) -> Self:
        env = getattr(self, "env", Environment.DEVELOPMENT)
        if (
            env is Environment.PRODUCTION
            and self.flower_basic_auth
            and any(pair in DEFAULT_CREDENTIALS for pair in self.flower_basic_auth.split(","))
        ):
            raise ValueError(
                "PRICERADAR_FLOWER_BASIC_AUTH: default credentials are refused when "
                "PRICERADAR_ENV=production"
            )
        return self
