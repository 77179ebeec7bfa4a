"""Security around the UI: headers on every response, the session cookie, login and CSRF checks.

`WebSecurityMiddleware` (pure ASGI, so streaming responses pass through untouched) adds the
security headers to every response of the app and, for UI paths, loads the session cookie into
`request.state` and sets a new one when a route asked for it. Routes use `Viewer` (who is
looking, may they) and `require_csrf` (on every state-changing form).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from priceradar.api.auth import AccessPolicy, is_loopback
from priceradar.web.session import (
    COOKIE_NAME,
    CSRF_FIELD,
    CSRF_HEADER,
    Session,
    SessionSigner,
)

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
# Paths that are not the UI: the API and monitoring need no session cookie.
NON_UI_PREFIXES = ("/api/", "/health", "/ready", "/metrics", "/static/", "/openapi.json")


class WebSecurityMiddleware:
    def __init__(self, app: ASGIApp, signer: SessionSigner) -> None:
        self.app = app
        self.signer = signer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        if not scope["path"].startswith(NON_UI_PREFIXES):
            now = time.time()
            session = self.signer.loads(_cookie(scope), now)
            if session is None:
                session = self.signer.new(now)
                state["ui_set_session"] = session
            state["ui_session"] = session

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                new: Session | None = state.get("ui_set_session")
                if new is not None:
                    headers.append("set-cookie", self._cookie_header(new, scope))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _cookie_header(self, session: Session, scope: Scope) -> str:
        parts = [
            f"{COOKIE_NAME}={self.signer.dumps(session)}",
            "Path=/",
            f"Max-Age={self.signer.max_age_s}",
            "HttpOnly",
            "SameSite=Lax",
        ]
        if scope.get("scheme") == "https":
            parts.append("Secure")
        return "; ".join(parts)


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            morsel = jar.get(COOKIE_NAME)
            if morsel is not None:
                return morsel.value
    return None


class LoginRequired(Exception):
    """Raised by `current_viewer`; answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


@dataclass(frozen=True, slots=True)
class ViewerInfo:
    session: Session
    csrf_token: str
    logged_in: bool  # False: open development mode on loopback
    dev_mode: bool


def signer_of(request: Request) -> SessionSigner:
    return request.app.state.ui_signer  # type: ignore[no-any-return]


def session_of(request: Request) -> Session:
    session: Session | None = getattr(request.state, "ui_session", None)
    if session is None:  # the middleware always sets one on UI paths
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, "no session")
    return session


def logged_in(policy: AccessPolicy, session: Session) -> bool:
    """A session whose key is still configured (removing the hash ends its sessions)."""
    return session.key_hash is not None and session.key_hash in policy.key_hashes


def current_viewer(request: Request) -> ViewerInfo:
    """Who is looking; raises LoginRequired unless logged in or in open development mode."""
    policy: AccessPolicy = request.app.state.policy
    session = session_of(request)
    signed_in = logged_in(policy, session)
    client = request.client.host if request.client else None
    if not signed_in and not (policy.dev_mode and is_loopback(client)):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return ViewerInfo(session, signer_of(request).csrf_token(session), signed_in, policy.dev_mode)


Viewer = Annotated[ViewerInfo, Depends(current_viewer)]


async def require_csrf(request: Request) -> None:
    """Refuse a state-changing request without its session's CSRF token (form field or header)."""
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not signer_of(request).csrf_ok(session_of(request), token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "missing or invalid CSRF token: reload the page and retry"
        )


CsrfChecked = Depends(require_csrf)


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


def safe_next(value: str | None) -> str:
    """Only a local path is a redirect target after login (no open redirect)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"
