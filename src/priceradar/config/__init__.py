"""Settings, read once at the edges (CLI, Celery app, API) from the environment and `.env`.

With nothing set, the embedded default is used: SQLite plus a file-system broker under one data
directory, so `priceradar demo` needs no server. Production is the same code with
`DATABASE_URL=postgresql+psycopg://…` and `CELERY_BROKER_URL=redis://…` or `amqp://…`.

One `Settings` class, composed of a section per concern (core, scheduling, notifications, API).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from priceradar.config.api import ApiSettings
from priceradar.config.browser import BrowserSettings
from priceradar.config.core import ConfigError, CoreSettings, Environment
from priceradar.config.notifications import NotificationSettings
from priceradar.config.scheduling import SchedulingSettings, parse_cron

__all__ = ["ConfigError", "Environment", "Settings", "load_settings", "parse_cron"]


class Settings(
    ApiSettings, NotificationSettings, SchedulingSettings, BrowserSettings, CoreSettings
):
    """Everything priceradar can be told. Each field maps to `PRICERADAR_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="PRICERADAR_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )


# Docker/Kubernetes secrets: one file per setting, named like its variable (`database_url`,
# `priceradar_api_key_hashes`, …), so passwords need not sit in every container's environment.
SECRETS_DIR_VAR = "PRICERADAR_SECRETS_DIR"


def load_settings(**overrides: Any) -> Settings:
    """Read settings; on bad input raise ConfigError with one line per offending variable.

    Sources, strongest first: arguments, environment, `.env`, then the files in
    `PRICERADAR_SECRETS_DIR` when it is set.
    """
    secrets_dir = os.environ.get(SECRETS_DIR_VAR)
    if secrets_dir and "_secrets_dir" not in overrides:
        if not Path(secrets_dir).is_dir():
            raise ConfigError(
                f"invalid configuration: {SECRETS_DIR_VAR}: {secrets_dir} is not a directory"
            )
        overrides["_secrets_dir"] = secrets_dir
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
