"""The HTTP API: `create_app(settings)`; `priceradar api` serves it with uvicorn."""

from __future__ import annotations

from fastapi import FastAPI

from priceradar.api.app import create_app
from priceradar.config import load_settings
from priceradar.observability.logging import configure_logging

__all__ = ["app_from_env", "create_app"]


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory priceradar.api:app_from_env` (settings from env/.env)."""
    settings = load_settings()
    configure_logging(settings)  # each uvicorn worker process is a fresh interpreter
    return create_app(settings)
