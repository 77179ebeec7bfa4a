"""Typed Core handles on the mapped tables, for the set-based queries of the hot paths."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from priceradar.adapters.db.models import (
    Deal,
    Destination,
    Heartbeat,
    Notification,
    PriceHistory,
    Product,
    ProductSearch,
    RenderDomain,
    Watch,
)

products = cast(Table, Product.__table__)
product_search = cast(Table, ProductSearch.__table__)
history = cast(Table, PriceHistory.__table__)
deals = cast(Table, Deal.__table__)
destinations = cast(Table, Destination.__table__)
notifications = cast(Table, Notification.__table__)
watches = cast(Table, Watch.__table__)
render_domains = cast(Table, RenderDomain.__table__)
heartbeats = cast(Table, Heartbeat.__table__)
