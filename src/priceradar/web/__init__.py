"""The web UI: server-rendered pages (Jinja2 + htmx) on the API's own FastAPI app.

Pages read through the same database adapters and CRUD functions as the API; every script,
stylesheet and font is a vendored file under `static/` (no CDN), including the Swagger UI
behind `/docs`. `mount_web` adds it all to an app built by `priceradar.api.create_app`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from priceradar.config import Settings
from priceradar.web.render import HERE
from priceradar.web.security import LoginRequired, WebSecurityMiddleware, login_url
from priceradar.web.session import SessionSigner, load_secret


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Add the UI pages, the static files, the offline /docs and the security middleware."""
    from priceradar.web.pages import auth, deals, docs, imports, products, system, watches

    secret = settings.ui_session_secret.get_secret_value() if settings.ui_session_secret else None
    signer = SessionSigner(load_secret(secret, settings.data_dir), settings.ui_session_max_age_s)
    app.state.ui_signer = signer
    app.state.ui_system_cache = {}  # the System page's last snapshot (pages/system.py)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (docs, auth, products, deals, watches, imports, system):
        app.include_router(module.router)
    app.add_middleware(WebSecurityMiddleware, signer=signer)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = login_url(exc.next_path)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
