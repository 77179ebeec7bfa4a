"""Request and response bodies, one family per entity (Create / Update / Public)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from priceradar.domain.deals import reference_label
from priceradar.domain.urls import MAX_URL_LENGTH

# PostgreSQL BIGINT: larger ids cannot exist, and binding them would be a database error.
MAX_ID = 2**63 - 1
ProductId = Annotated[int, Field(ge=1, le=MAX_ID)]
# One year; the column is a 32-bit INTEGER.
IntervalS = Annotated[int, Field(ge=1, le=31_536_000)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


class ProductCreate(_Input):
    """A product page to track."""

    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH, examples=["https://shop.example/p/1"])
    check_interval_s: IntervalS | None = Field(
        default=None, description="Check every N seconds instead of the priority's interval."
    )
    priority: int = Field(default=0, ge=0, le=100, description="0-100; higher is checked sooner.")

    _url = field_validator("url")(_no_control_chars)


class ProductUpdate(_Input):
    """Fields to change; `check_interval_s: null` removes the override."""

    check_interval_s: IntervalS | None = None
    active: bool | None = None


class ProductPublic(BaseModel):
    """A tracked product and its latest observed state."""

    id: int
    url: str
    domain: str
    title: str | None
    image_url: str | None
    category: str | None
    rating: float | None
    review_count: int
    currency: str | None
    price: Decimal | None
    price_high: Decimal | None  # set when the page offers a range of variant prices
    extraction_method: str | None  # json-ld, microdata, meta, embedded-state, rule, visible
    in_stock: bool | None
    active: bool
    last_outcome: str | None
    last_error: str | None
    http_status: int | None
    check_priority: int
    priority_band: int
    check_interval_s: int | None
    last_checked_at: datetime | None
    next_check_at: datetime
    check_count: int
    failure_count: int
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    """One page of products; pass `next_cursor` as `cursor` for the next one."""

    items: list[ProductPublic]
    next_cursor: int | None


class RejectedRow(BaseModel):
    input: str
    reason: str


class ImportReport(BaseModel):
    """What a bulk import did. Rows already tracked (by canonical URL) are not errors."""

    inserted: int
    existing: int
    invalid: int
    errors: list[RejectedRow] = Field(description="The first 100 rejected rows and why.")


class HistoryPoint(BaseModel):
    id: int
    checked_at: datetime
    price: Decimal | None
    currency: str | None
    in_stock: bool | None
    kind: str


class HistoryPage(BaseModel):
    items: list[HistoryPoint]
    next_cursor: int | None


class CheckRequest(_Input):
    """Products to check now, as one batch task."""

    product_ids: list[ProductId] = Field(min_length=1, max_length=1000)
    priority: int = Field(default=10, ge=0, le=10, description="0-10; 10 is most urgent.")


class PingRequest(_Input):
    message: str = Field(default="pong", max_length=200)


class TaskAccepted(BaseModel):
    """A task was queued; poll `status_url` for its state."""

    task_id: str
    status_url: str
    product_ids: list[int] = Field(default_factory=list)
    unknown_ids: list[int] = Field(
        default_factory=list, description="Requested ids that are not tracked (skipped)."
    )


class TaskStatus(BaseModel):
    """Celery's view of a task (AsyncResult): PENDING also means unknown or expired."""

    task_id: str
    name: str | None
    state: str
    ready: bool
    result: Any = None
    traceback: str | None = None


class Statistics(BaseModel):
    """The product table at a glance; sweeps are the seed's high (>= 80), medium, low."""

    generated_at: datetime
    total_products: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    due_now: dict[str, int]
    in_flight: int
    orphaned: int  # leases that ran out before a result was stored; these are due again
    never_checked: int
    outcomes: dict[str, int]
    most_overdue_s: float


Percent = Annotated[Decimal, Field(gt=0, lt=100, max_digits=8, decimal_places=4)]
Price = Annotated[Decimal, Field(gt=0, lt=10**10, max_digits=14, decimal_places=4)]


class DealPublic(BaseModel):
    """A detected deal; open while `ended_at` is null."""

    id: int
    product_id: int
    title: str | None
    url: str
    currency: str | None
    reference_kind: str
    reference_price: Decimal
    deal_price: Decimal
    discount_amount: Decimal
    discount_percent: Decimal
    lowest_30d: bool | None
    lowest_90d: bool | None
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    reference: str  # what the discount is measured against: "lowest price in 30 days", …
    paused: bool  # open, but the product is out of stock: it resumes when the product returns

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DealPublic:
        return cls.model_validate(
            {
                **row,
                "reference": reference_label(str(row["reference_kind"])),
                "paused": row["ended_at"] is None and row["product_in_stock"] is False,
            }
        )


class DealPage(BaseModel):
    """Newest first; pass `next_cursor` as `cursor` for older deals."""

    items: list[DealPublic]
    next_cursor: int | None


class WatchCreate(_Input):
    """Who hears about what: one product's price moves, or every deal matching filters."""

    channel: Literal["telegram", "apprise"]
    target: str = Field(
        min_length=1, max_length=2048, description="Telegram chat id / @channel, or Apprise URL."
    )
    product_id: ProductId | None = None
    min_discount_percent: Percent | None = None
    domain: str | None = Field(default=None, max_length=255)
    category: str | None = Field(default=None, max_length=120)
    target_price: Price | None = None
    drop_percent: Percent | None = None
    back_in_stock: bool = False

    _target = field_validator("target", "domain", "category")(
        lambda v: v if v is None else _no_control_chars(v)
    )


class WatchPublic(BaseModel):
    """A watch; Apprise URLs are shown masked (they may hold secrets)."""

    id: int
    destination_id: int
    destination: str
    enabled: bool
    disabled_reason: str | None
    rule: str


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    """Each dependency: "ok" or the reason it is not."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


class Problem(BaseModel):
    """An error response."""

    detail: Any


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """A 422: what was wrong and where, in FastAPI's validation-error shape."""

    detail: list[FieldError]


# host[:port] as stored in products.domain: a lower-case name or IPv4, or a bracketed IPv6.
DOMAIN_PATTERN = r"^([a-z0-9][a-z0-9.-]{0,252}|\[[0-9a-f:.]{2,45}\])(:[0-9]{1,5})?$"


class RenderDomainPublic(BaseModel):
    """Whether a domain's pages are rendered in the browser, and who decided it: `site_rule`
    (PRICERADAR_SITE_RULES, change it there), `operator` or `detected`."""

    domain: str
    render: bool
    decided_by: Literal["site_rule", "operator", "detected"]
    evidence_product_id: int | None = None
    updated_at: datetime | None = None


class RenderDecisionIn(_Input):
    """`render: true` renders every page of the domain; `false` never renders it (no shell
    re-check either). Detection never overrides an operator's decision."""

    render: StrictBool
