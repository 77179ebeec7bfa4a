"""Jinja2 templates (autoescaped) and the filters pages use to show prices and times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from priceradar.domain.deals import reference_label
from priceradar.web.security import ViewerInfo, safe_next

DASH = "\u2013"  # an en dash for "no value"
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html


def money(value: Decimal | float | None, currency: str | None = None) -> str:
    if value is None:
        return DASH
    text = f"{Decimal(value):,.2f}"
    return f"{text} {currency}" if currency else text


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """'3 min ago' / 'in 2 h': short relative times for tables."""
    if value is None:
        return "never"
    seconds = ((now or datetime.now(UTC)) - value).total_seconds()
    future = seconds < 0
    s = abs(seconds)
    if s < 60:
        text = f"{int(s)} s"
    elif s < 3600:
        text = f"{int(s // 60)} min"
    elif s < 86400 * 2:
        text = f"{s / 3600:.0f} h"
    else:
        text = f"{s / 86400:.0f} d"
    return f"in {text}" if future else f"{text} ago"


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else DASH


def duration(seconds: float | None) -> str:
    if seconds is None:
        return DASH
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def query(params: dict[str, Any], **changes: Any) -> str:
    """The query string of `params` with `changes` applied (None removes a parameter)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


templates.env.filters.update(
    money=money, ago=ago, when=when, duration=duration, reference=reference_label
)
templates.env.globals.update(query=query)


def page(
    request: Request,
    name: str,
    viewer: ViewerInfo,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a page template with what every page needs (viewer, CSRF token, active nav)."""
    return templates.TemplateResponse(
        request,
        name,
        {"viewer": viewer, "csrf_token": viewer.csrf_token, **context},
        status_code=status_code,
    )


def back_to(path: str, notice: str) -> Response:
    """303 to a local page (POST-redirect-GET) with a one-line notice shown on it."""
    target = urlsplit(safe_next(path))
    params = [(k, v) for k, v in parse_qsl(target.query) if k != "notice"]
    params.append(("notice", notice))
    return RedirectResponse(f"{target.path}?{urlencode(params)}", status_code=303)
