"""What CLI commands share: settings read once, an engine built on demand."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine

from priceradar.adapters.db.engine import make_engine
from priceradar.config import Settings, load_settings


@cache
def settings() -> Settings:
    return load_settings()


@cache
def engine() -> Engine:
    return make_engine(settings().db_url)
