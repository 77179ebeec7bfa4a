"""Login (an API key for a signed session cookie) and logout."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from priceradar.api.auth import AccessPolicy, hash_key
from priceradar.web.render import templates
from priceradar.web.security import CsrfChecked, logged_in, safe_next, session_of, signer_of

router = APIRouter(include_in_schema=False)


def _login_page(request: Request, next_path: str, error: str | None, status_code: int) -> Response:
    session = session_of(request)
    policy: AccessPolicy = request.app.state.policy
    return templates.TemplateResponse(
        request,
        "login.html",
        {
            "viewer": None,
            "csrf_token": signer_of(request).csrf_token(session),
            "next": next_path,
            "error": error,
            "no_keys": not policy.key_hashes,
        },
        status_code=status_code,
    )


@router.get("/login")
def login_form(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    policy: AccessPolicy = request.app.state.policy
    if logged_in(policy, session_of(request)):
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next), None, 200)


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    api_key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Exchange a valid API key for a fresh session (a new id: no session fixation)."""
    policy: AccessPolicy = request.app.state.policy
    key = api_key.strip()
    if not policy.key_matches(key):
        return _login_page(request, safe_next(next), "That API key is not valid.", 401)
    request.state.ui_set_session = signer_of(request).new(time.time(), hash_key(key))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    request.state.ui_set_session = signer_of(request).new(time.time())
    return RedirectResponse("/login", status_code=303)
