"""Statistics: the seed's `SmartBatchProcessor().get_statistics()` (one grouped query)."""

from __future__ import annotations

from fastapi import APIRouter

from priceradar.api.deps import EngineDep, ReadAccess, SettingsDep
from priceradar.api.routes.common import UNAUTHORIZED, UNAVAILABLE
from priceradar.api.schemas import Statistics
from priceradar.services.batching import SmartBatchProcessor

router = APIRouter(
    tags=["stats"], dependencies=[ReadAccess], responses={**UNAUTHORIZED, **UNAVAILABLE}
)


@router.get("/stats")
def statistics(engine: EngineDep, settings: SettingsDep) -> Statistics:
    """Products by status, priority sweep and outcome; due, in flight and most overdue."""
    processor = SmartBatchProcessor(engine=engine, settings=settings)
    return Statistics.model_validate(processor.get_statistics())
