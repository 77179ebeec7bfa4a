"""Products list (search, filters, sort, keyset pages, bulk actions) and one product's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from priceradar.adapters.db import crud, views
from priceradar.adapters.db.deals import load_history
from priceradar.api.deps import CeleryDep, ConnDep, EngineDep, SettingsDep
from priceradar.api.routes.checks import send_check
from priceradar.api.routes.common import ProductIdPath
from priceradar.api.routes.history import price_history_csv
from priceradar.domain.outcome import OutcomeKind
from priceradar.web import chart
from priceradar.web.render import back_to, page
from priceradar.web.security import CsrfChecked, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
OUTCOMES = ["never", *(o.value for o in OutcomeKind)]
MAX_SELECTED = 500  # ids one bulk action may name (a page shows 50)


def _tristate(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("/")
def home() -> Response:
    return RedirectResponse("/products", status_code=303)


@router.get("/products")
def products_page(
    request: Request,
    viewer: Viewer,
    conn: ConnDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    outcome: Annotated[str | None, Query(max_length=24)] = None,
    domain: Annotated[str | None, Query(max_length=255)] = None,
    category: Annotated[str | None, Query(max_length=120)] = None,
    in_stock: Annotated[str | None, Query(pattern="^(yes|no)?$")] = None,
    has_deal: Annotated[str | None, Query(pattern="^(yes|no)?$")] = None,
    active: Annotated[str | None, Query(pattern="^(yes|no)?$")] = None,
    sort: Annotated[str, Query(pattern="^(newest|changed|checked|priority)$")] = "newest",
    cursor: Annotated[str | None, Query(max_length=80)] = None,
    notice: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """Search and filter tracked products."""
    params: dict[str, Any] = {
        "q": q,
        "outcome": outcome,
        "domain": domain,
        "category": category,
        "in_stock": in_stock,
        "has_deal": has_deal,
        "active": active,
        "sort": sort,
    }
    query = views.ProductQuery(
        q=q or None,
        outcome=outcome if outcome in OUTCOMES else None,
        domain=domain or None,
        category=category or None,
        in_stock=_tristate(in_stock),
        has_deal=_tristate(has_deal),
        active=_tristate(active),
        sort=sort,
    )
    try:
        rows, next_cursor = views.search_products(conn, query, cursor, PAGE_SIZE)
    except ValueError:
        rows, next_cursor = views.search_products(conn, query, None, PAGE_SIZE)
    return page(
        request,
        "products.html",
        viewer,
        nav="products",
        rows=rows,
        params=params,
        next_cursor=next_cursor,
        first_page=not cursor,
        outcomes=OUTCOMES,
        sorts=views.SORTS,
        notice=notice,
        now=datetime.now(UTC),
    )


@router.post("/products/actions", dependencies=[CsrfChecked])
def bulk_action(
    viewer: Viewer,
    conn: ConnDep,
    celery: CeleryDep,
    settings: SettingsDep,
    action: Annotated[str, Form(pattern="^(check|deactivate|activate)$")],
    ids: Annotated[list[int] | None, Form(max_length=MAX_SELECTED)] = None,
    back: Annotated[str, Form(max_length=2000)] = "/products",
) -> Response:
    """Check now, deactivate or activate the selected products."""
    selected = sorted(set(ids or []))
    known = sorted(crud.existing_ids(conn, selected)) if selected else []
    if not known:
        message = "select at least one product"
    elif action == "check":
        send_check(celery, settings, known, priority=10)
        message = f"check of {len(known)} product(s) queued"
    else:
        now = datetime.now(UTC)
        for product_id in known:
            crud.update_product(conn, product_id, {"active": action == "activate"}, now)
        message = f"{len(known)} product(s) {action}d"
    return back_to(back, message)


@router.get("/products/{product_id}")
def product_page(
    request: Request,
    viewer: Viewer,
    conn: ConnDep,
    settings: SettingsDep,
    product_id: ProductIdPath,
    range_: Annotated[str, Query(alias="range", pattern="^(7d|30d|90d|365d|all)$")] = "90d",
    notice: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """A product: price chart, changes, last outcome, actions."""
    product = views.product_row(conn, product_id)
    if product is None:
        return page(request, "not_found.html", viewer, status_code=404, what="product")
    now = datetime.now(UTC)
    days = chart.RANGES_DAYS[range_]
    since = now - timedelta(days=days) if days is not None else None
    points = views.chart_history(conn, product_id, since)
    deals = views.product_deals(conn, product_id, since)
    window = settings.deal_reference_days
    recent = load_history(conn, [product_id], now - timedelta(days=window + 2)).get(product_id, [])
    data = chart.chart_data(
        points,
        deals,
        chart.reference_lines(recent, now, window),
        window,
        product.currency,
        now,
    )
    return page(
        request,
        "product.html",
        viewer,
        nav="products",
        p=product,
        # Shown once the column exists (migration 0007); a dash until a check has read a price.
        has_extraction_method="extraction_method" in product._mapping,
        extraction_method=product._mapping.get("extraction_method"),
        chart=data,
        changes=chart.changes(points),
        deals=deals[::-1],
        range=range_,
        ranges=list(chart.RANGES_DAYS),
        notice=notice,
        now=now,
    )


@router.get("/products/{product_id}/history.csv")
def history_csv(viewer: Viewer, engine: EngineDep, product_id: ProductIdPath) -> Response:
    """The product's history as CSV for a logged-in UI user (the API's export, same code)."""
    return price_history_csv(product_id, engine)


@router.post("/products/{product_id}/check", dependencies=[CsrfChecked])
def check_now(
    viewer: Viewer,
    conn: ConnDep,
    celery: CeleryDep,
    settings: SettingsDep,
    product_id: ProductIdPath,
) -> Response:
    """Queue a check of this product at top priority."""
    if not crud.existing_ids(conn, [product_id]):
        return back_to("/products", f"product {product_id} not found")
    task_id = send_check(celery, settings, [product_id], priority=10)
    return back_to(f"/products/{product_id}", f"check queued (task {task_id})")


@router.post("/products/{product_id}/settings", dependencies=[CsrfChecked])
def edit_product(
    viewer: Viewer,
    conn: ConnDep,
    product_id: ProductIdPath,
    interval: Annotated[str, Form(max_length=12)] = "",
    active: Annotated[str, Form(pattern="^(yes|no)$")] = "yes",
) -> Response:
    """Set the check interval override (empty: by priority) and switch the product on or off."""
    text = interval.strip()
    if text and (not text.isdigit() or not 60 <= int(text) <= 365 * 86400):
        return back_to(
            f"/products/{product_id}", "interval: whole seconds between 60 and 31536000, or empty"
        )
    changes = {"check_interval_s": int(text) if text else None, "active": active == "yes"}
    if not crud.update_product(conn, product_id, changes, datetime.now(UTC)):
        return back_to("/products", f"product {product_id} not found")
    return back_to(f"/products/{product_id}", "saved")
