"""UI sessions: a signed cookie, and CSRF tokens derived from it.

The cookie carries a random session id, the SHA-256 hash of the API key that logged in (None
before login) and an expiry, signed with HMAC-SHA256. Nothing secret is in it: the key itself
never leaves the login form. Removing a key's hash from PRICERADAR_API_KEY_HASHES ends every
session it opened. A CSRF token is HMAC(secret, session id): forms carry it, and a request
without the token of its own session is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

COOKIE_NAME = "priceradar_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    key_hash: str | None  # the API key that logged in; None: anonymous
    expires_at: int  # unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """Creates, signs and verifies sessions with one secret."""

    def __init__(self, secret: bytes, max_age_s: int) -> None:
        self._secret = secret
        self.max_age_s = max_age_s

    def new(self, now: float, key_hash: str | None = None) -> Session:
        """A fresh session (a new id on every login, so a planted cookie gains nothing)."""
        return Session(secrets.token_urlsafe(18), key_hash, int(now) + self.max_age_s)

    def dumps(self, session: Session) -> str:
        body = _b64(
            json.dumps(
                {"sid": session.sid, "key": session.key_hash, "exp": session.expires_at},
                separators=(",", ":"),
            ).encode()
        )
        return f"{body}.{self._sign(body)}"

    def loads(self, cookie: str | None, now: float) -> Session | None:
        """The session in a cookie, or None when it is missing, forged, malformed or expired."""
        if not cookie or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            data = json.loads(_unb64(body))
            session = Session(str(data["sid"]), data["key"], int(data["exp"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires_at > now else None

    def csrf_token(self, session: Session) -> str:
        return self._sign(f"csrf:{session.sid}")

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def _sign(self, text: str) -> str:
        return _b64(hmac.new(self._secret, text.encode(), hashlib.sha256).digest())


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else one kept in `<data_dir>/ui-session-secret` (made once, 0600)."""
    if configured:
        return configured.encode()
    path = data_dir / "ui-session-secret"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secret)
    return secret
