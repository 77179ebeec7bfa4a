"""The extraction method and a variant range are stored per product; a failure says what was
tried and keeps both (SQLite and PostgreSQL, real page server)."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import Engine

from tests.services.test_check_stream import add, run_check, stored
from tests.support.pages import PageServer


def _ranged_page() -> bytes:
    offers = [{"@type": "Offer", "price": p, "priceCurrency": "EUR"} for p in ("30.00", "25.00")]
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Shirt", "offers": offers}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>".encode()


VISIBLE = (
    b"<html><body><h1>Kettle</h1><div class='product-price'>\xe2\x82\xac39,99</div>"
    b"<form action='/cart/add'><button>Add to cart</button></form></body></html>"
)


def test_method_and_range_are_stored_and_survive_a_failed_check(engine: Engine) -> None:
    with PageServer() as pages:
        ids = add(engine, pages, {"/range": _ranged_page(), "/visible": VISIBLE})
        run_check(engine, sorted(ids.values()))
        rows = stored(engine)
        ranged, visible = rows[ids["/range"]], rows[ids["/visible"]]
        assert (ranged.price, ranged.price_high, ranged.extraction_method) == (
            Decimal("25.00"), Decimal("30.00"), "json-ld"
        )  # fmt: skip
        assert (visible.price, visible.price_high, visible.extraction_method) == (
            Decimal("39.99"), None, "visible"
        )  # fmt: skip

        # When the pages lose their prices
        pages.pages["/range"] = b"<html><body><h1>Shirt</h1></body></html>"
        pages.pages["/visible"] = b"<html><body><h1>Kettle</h1></body></html>"
        run_check(engine, sorted(ids.values()))

    rows = stored(engine)
    ranged = rows[ids["/range"]]
    assert ranged.last_outcome == "no_price"
    assert "json-ld" in ranged.last_error.lower() and "visible" in ranged.last_error
    assert (ranged.price_high, ranged.extraction_method) == (Decimal("30.00"), "json-ld")
