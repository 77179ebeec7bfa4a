"""Rendered checks: which pages go to the browser, and checking them there.

The static path (`price_check`) hands two kinds of products to the `browser_fetch` queue:
products of a domain that renders (a site rule `{"render": true}`, or a stored decision), and,
once, a page whose static HTML has no price and looks like a script shell. The browser task
runs the very same `check_products` (leases, outcomes, rate limits, write transaction) with
the browser as its fetcher; when a re-checked shell yields a price there, its domain is marked
as rendered so later checks go to the browser directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from priceradar.adapters.db.products import Target
from priceradar.adapters.db.rendering import (
    RenderDecision,
    decisions_for,
    list_decisions,
    mark_detected,
)
from priceradar.adapters.http.fetcher import Fetcher
from priceradar.domain.check import CheckPolicy, CheckResult, FetchedPage
from priceradar.domain.extraction import SiteRule, extract_product
from priceradar.domain.outcome import ExtractedProduct, OutcomeKind
from priceradar.domain.rendering import looks_like_script_shell
from priceradar.domain.urls import domain_of
from priceradar.services.check import BatchSummary, Runner, WritePlan, check_products, rule_for

SITE_RULE = "site_rule"
# (product ids to render, those among them that are shell re-checks)
EnqueueRender = Callable[[list[int], list[int]], None]


class BrowserHandOff:
    """One static batch's hand-off to the browser queue (see `services.check.HandOff`)."""

    def __init__(
        self,
        rules: Mapping[str, SiteRule],
        enqueue: EnqueueRender,
        *,
        detect_shells: bool = True,
        batch_size: int = 20,
    ) -> None:
        self.rules = rules
        self.enqueue = enqueue
        self.detect_shells = detect_shells
        self.batch_size = batch_size
        self.rendered: list[int] = []
        self.rechecks: list[int] = []
        self._decided: dict[str, bool] = {}

    def route(self, conn: Connection, targets: list[Target]) -> list[Target]:
        rule_render = {t.domain for t in targets if _rule_renders(rule_for(t.domain, self.rules))}
        self._decided = decisions_for(conn, {t.domain for t in targets} - rule_render)
        static = []
        for t in targets:
            if t.domain in rule_render or self._decided.get(t.domain):
                self.rendered.append(t.id)
            else:
                static.append(t)
        return static

    def take(self, product_id: int, domain: str, page: FetchedPage, result: CheckResult) -> bool:
        if (
            not self.detect_shells
            or result.outcome is not OutcomeKind.NO_PRICE
            or domain in self._decided  # the operator said no, or it is decided
            or not looks_like_script_shell(page.body)
        ):
            return False
        self.rechecks.append(product_id)
        return True

    def send(self) -> int:
        """Enqueue what was routed or taken since the last call (pages a batch left to the
        background are taken after its task returned)."""
        ids = sorted(self.rendered + self.rechecks)
        rechecks = set(self.rechecks)
        self.rendered, self.rechecks = [], []
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start : start + self.batch_size]
            self.enqueue(chunk, [i for i in chunk if i in rechecks])
        return len(ids)


def _rule_renders(rule: SiteRule | None) -> bool:
    return rule is not None and rule.render


def wait_selector(rules: Mapping[str, SiteRule]) -> Callable[[str], str | None]:
    """The CSS price selector of the page's site rule: the browser waits for it to appear."""

    def selector(url: str) -> str | None:
        rule = rule_for(domain_of(url), rules)
        price = rule.price if rule is not None else None
        return price if price and not price.startswith("xpath:") else None

    return selector


def price_ready(rules: Mapping[str, SiteRule]) -> Callable[[str, str], bool]:
    """Whether the rendered DOM already shows a product (the extraction says so)."""

    def ready(html: str, url: str) -> bool:
        rule = rule_for(domain_of(url), rules)
        return isinstance(extract_product(html, url, rule), ExtractedProduct)

    return ready


def check_rendered(
    product_ids: Sequence[int],
    recheck_ids: Sequence[int],
    *,
    engine: Engine,
    renderer: Fetcher,
    run: Runner[None],
    policy: CheckPolicy,
    rules: Mapping[str, SiteRule],
    deadline_s: float | None = None,
    plan: WritePlan | None = None,
    lease_token: str | None = None,
) -> tuple[BatchSummary, list[str]]:
    """Check products in the browser; returns the summary and the domains newly marked."""
    summary = check_products(
        product_ids,
        engine=engine,
        fetcher=renderer,
        run=run,
        policy=policy,
        rules=rules,
        deadline_s=deadline_s,
        plan=plan,
        lease_token=lease_token,
    )
    marked: list[str] = []
    if recheck_ids:
        with engine.begin() as conn:
            marked = mark_detected(conn, recheck_ids, datetime.now(UTC))
    return summary, marked


def rendering_overview(conn: Connection, rules: Mapping[str, SiteRule]) -> list[RenderDecision]:
    """Every domain with a rendering decision: site rules first (they win), then the stored ones."""
    ruled = {
        domain: RenderDecision(domain, True, SITE_RULE, None, None)
        for domain, rule in sorted(rules.items())
        if rule.render
    }
    stored = [d for d in list_decisions(conn) if d.domain not in ruled]
    return [*ruled.values(), *stored]
