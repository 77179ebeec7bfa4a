"""The SSRF guard for blocking clients we do not control (Apprise: requests/urllib3, smtplib).

`run_guarded(allowed, fn, *args)` runs `fn` with every TCP connection it opens through
urllib3 or `socket.create_connection` resolved here, each address checked by the guard, and
the connection made to that checked address (so a DNS answer cannot change in between).
requests follows no redirects meanwhile: a 3xx is returned as is, so a 307/308 never re-POSTs
an alert and no hop goes anywhere unchecked. Outside `run_guarded` nothing changes.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import requests
import urllib3.util.connection

from priceradar.adapters.http.guard import ForbiddenTarget, check_address

T = TypeVar("T")
_ALLOWED: ContextVar[tuple[str, ...] | None] = ContextVar("priceradar_blocking_guard", default=None)
_installed = False


def run_guarded(allowed: tuple[str, ...], fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn` (in this thread) with outbound connections guarded and redirects refused."""
    _install()
    token = _ALLOWED.set(allowed)
    try:
        return fn(*args, **kwargs)
    finally:
        _ALLOWED.reset(token)


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    urllib3.util.connection.create_connection = _guard(urllib3.util.connection.create_connection)  # type: ignore[assignment]
    socket.create_connection = _guard(socket.create_connection)  # type: ignore[assignment]
    original_send = requests.Session.send

    def send(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        if _ALLOWED.get() is not None:
            kwargs["allow_redirects"] = False
        return original_send(self, request, **kwargs)

    requests.Session.send = send  # type: ignore[method-assign]


def _guard(connect: Callable[..., socket.socket]) -> Callable[..., socket.socket]:
    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        allowed = _ALLOWED.get()
        if allowed is None:
            return connect(address, *args, **kwargs)
        host, port = str(address[0]), int(address[1])
        infos = socket.getaddrinfo(host.strip("[]"), port, 0, socket.SOCK_STREAM)
        refusal: ForbiddenTarget | None = None
        error: OSError | None = None
        for *_, sockaddr in infos:
            try:
                check_address(host, str(sockaddr[0]), allowed, port)
            except ForbiddenTarget as exc:
                refusal = exc
                continue
            try:
                return connect((str(sockaddr[0]), port), *args, **kwargs)
            except OSError as exc:
                error = exc
        raise refusal or error or OSError(f"{host} does not resolve")

    return guarded
