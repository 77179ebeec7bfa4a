"""Watches: list, create, edit, delete, and send a test message (through the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from priceradar.adapters.http.targets import HostVetter
from priceradar.api.deps import CeleryDep, ConnDep, EngineDep, SettingsDep
from priceradar.api.routes.watches import WatchIdPath
from priceradar.config import Settings
from priceradar.services import watches as service
from priceradar.web.render import back_to, page
from priceradar.web.security import CsrfChecked, Viewer

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
FIELDS = (
    "scope", "product_id", "channel", "target", "min_discount_percent", "domain", "category",
    "target_price", "drop_percent", "back_in_stock",
)  # fmt: skip


class FormError(ValueError):
    pass


def _decimal(name: str, text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FormError(f"{name.replace('_', ' ')}: not a number: {text[:40]!r}") from None


def _spec(form: dict[str, str]) -> service.WatchSpec:
    product_text = form["product_id"].strip()
    product_id = None
    if form["scope"] == "product":
        if not product_text.isdigit():
            raise FormError("give the product id to watch")
        product_id = int(product_text)
    return service.WatchSpec(
        channel=form["channel"],
        target=form["target"].strip(),
        product_id=product_id,
        min_discount_percent=_decimal("min discount", form["min_discount_percent"]),
        domain=form["domain"].strip() or None,
        category=form["category"].strip() or None,
        target_price=_decimal("target price", form["target_price"]),
        drop_percent=_decimal("drop percent", form["drop_percent"]),
        back_in_stock=form["back_in_stock"] == "on",
    )


def _form_of(spec: service.WatchSpec | None) -> dict[str, str]:
    if spec is None:
        return {name: "" for name in FIELDS} | {"scope": "deals", "channel": "telegram"}

    def text(value: Any) -> str:
        return "" if value is None else (f"{value.normalize():f}" if isinstance(value, Decimal)
                                         else str(value))  # fmt: skip

    return {
        "scope": "product" if spec.product_id is not None else "deals",
        "product_id": text(spec.product_id),
        "channel": spec.channel,
        "target": spec.target,
        "min_discount_percent": text(spec.min_discount_percent),
        "domain": text(spec.domain),
        "category": text(spec.category),
        "target_price": text(spec.target_price),
        "drop_percent": text(spec.drop_percent),
        "back_in_stock": "on" if spec.back_in_stock else "",
    }


def _hosts(settings: Settings) -> HostVetter:
    return HostVetter(tuple(settings.allowed_private_hosts), settings.api_dns_timeout_s)


def _render(
    request: Request,
    viewer: Any,
    conn: Any,
    form: dict[str, str],
    editing: int | None = None,
    error: str | None = None,
    notice: str | None = None,
) -> Response:
    return page(
        request,
        "watches.html",
        viewer,
        status_code=422 if error else 200,
        nav="watches",
        watches=service.list_watches(conn),
        form=form,
        editing=editing,
        error=error,
        notice=notice,
    )


@router.get("/watches")
def watches_page(
    request: Request,
    viewer: Viewer,
    conn: ConnDep,
    edit: Annotated[int | None, Query(ge=1)] = None,
    product: Annotated[int | None, Query(ge=1)] = None,
    notice: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """Every watch, and the form to create one (or edit `edit`)."""
    spec = service.get_watch(conn, edit) if edit else None
    form = _form_of(spec)
    if product and spec is None:
        form |= {"scope": "product", "product_id": str(product)}
    return _render(request, viewer, conn, form, edit if spec else None, notice=notice)


@router.post("/watches", dependencies=[CsrfChecked])
def save_watch(
    request: Request,
    viewer: Viewer,
    conn: ConnDep,
    settings: SettingsDep,
    scope: Annotated[str, Form(pattern="^(product|deals)$")] = "deals",
    product_id: Text = "",
    channel: Annotated[str, Form(pattern="^(telegram|apprise)$")] = "telegram",
    target: Text = "",
    min_discount_percent: Text = "",
    domain: Text = "",
    category: Text = "",
    target_price: Text = "",
    drop_percent: Text = "",
    back_in_stock: Text = "",
    watch_id: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """Create a watch, or replace `watch_id` with the edited one."""
    form = {
        "scope": scope, "product_id": product_id, "channel": channel, "target": target,
        "min_discount_percent": min_discount_percent, "domain": domain, "category": category,
        "target_price": target_price, "drop_percent": drop_percent,
        "back_in_stock": back_in_stock,
    }  # fmt: skip
    try:
        spec = _spec(form)
        now = datetime.now(UTC)
        if watch_id is None:
            new_id = service.add_watch(conn, spec, now, _hosts(settings))
            message = f"watch {new_id} created"
        else:
            new_id = service.replace_watch(conn, watch_id, spec, now, _hosts(settings))
            message = f"watch {watch_id} saved (now watch {new_id})"
    except (FormError, service.WatchError) as exc:
        return _render(request, viewer, conn, form, watch_id, error=str(exc))
    return back_to("/watches", message)


@router.post("/watches/{watch_id}/delete", dependencies=[CsrfChecked])
def delete_watch(viewer: Viewer, conn: ConnDep, watch_id: WatchIdPath) -> Response:
    found = service.delete_watch(conn, watch_id)
    return back_to("/watches", f"watch {watch_id} deleted" if found else f"no watch {watch_id}")


@router.post("/watches/{watch_id}/test", dependencies=[CsrfChecked])
def send_test(
    request: Request, viewer: Viewer, engine: EngineDep, celery: CeleryDep, watch_id: WatchIdPath
) -> Response:
    """Queue a test message to the watch's destination; the notification worker sends it."""
    link = str(request.url_for("products_page"))
    # Committed before the task is sent: the worker must find the row.
    with engine.begin() as conn:
        queued = service.queue_test_message(conn, watch_id, link, datetime.now(UTC))
    if not queued:
        return back_to("/watches", f"no watch {watch_id}")
    celery.send_task("send_notifications")
    return back_to("/watches", f"test message to watch {watch_id} queued")
