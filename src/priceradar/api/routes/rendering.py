"""Browser rendering per domain: what is rendered and why; the operator's override."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from priceradar.adapters.db.rendering import clear_decision, set_decision
from priceradar.api.deps import ConnDep, ReadAccess, WriteAccess
from priceradar.api.routes.common import NOT_FOUND, UNAUTHORIZED, UNAVAILABLE, not_found
from priceradar.api.schemas import DOMAIN_PATTERN, RenderDecisionIn, RenderDomainPublic
from priceradar.services.render import rendering_overview

router = APIRouter(
    prefix="/render-domains", tags=["rendering"], responses={**UNAUTHORIZED, **UNAVAILABLE}
)
DomainPath = Annotated[
    str, Path(pattern=DOMAIN_PATTERN, max_length=261, description="host[:port], lower case.")
]


@router.get("", dependencies=[ReadAccess])
def list_render_domains(conn: ConnDep, request: Request) -> list[RenderDomainPublic]:
    """Domains rendered in the browser (or never), with who decided it."""
    rules = request.app.state.settings.site_rules
    return [RenderDomainPublic(**d.as_dict()) for d in rendering_overview(conn, rules)]


@router.put("/{domain}", dependencies=[WriteAccess])
def decide_render_domain(
    domain: DomainPath, decision: RenderDecisionIn, conn: ConnDep
) -> RenderDomainPublic:
    """The operator's decision for a domain; detection will not change it."""
    now = datetime.now(UTC)
    set_decision(conn, domain, decision.render, now)
    return RenderDomainPublic(
        domain=domain, render=decision.render, decided_by="operator", updated_at=now
    )


@router.delete(
    "/{domain}",
    dependencies=[WriteAccess],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
def forget_render_domain(domain: DomainPath, conn: ConnDep) -> Response:
    """Forget the decision: static fetching again, with script-shell detection."""
    if not clear_decision(conn, domain):
        raise not_found("rendering decision")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
