"""Session cookies and CSRF tokens: signed, expiring, bound to one session (no browser)."""

from __future__ import annotations

from pathlib import Path

from priceradar.web.security import safe_next
from priceradar.web.session import SessionSigner, load_secret

NOW = 1_800_000_000.0


def test_a_session_survives_its_cookie_and_nothing_else_does() -> None:
    signer = SessionSigner(b"secret", max_age_s=3600)
    session = signer.new(NOW, key_hash="ab" * 32)
    cookie = signer.dumps(session)
    assert signer.loads(cookie, NOW + 10) == session
    assert signer.loads(cookie, NOW + 3601) is None  # expired
    body, signature = cookie.split(".")
    assert signer.loads(body + "." + signature[:-2] + "AA", NOW) is None  # forged
    assert SessionSigner(b"other", 3600).loads(cookie, NOW) is None  # another secret
    assert signer.loads("garbage", NOW) is None and signer.loads(None, NOW) is None


def test_csrf_tokens_belong_to_one_session() -> None:
    signer = SessionSigner(b"secret", max_age_s=3600)
    mine, theirs = signer.new(NOW), signer.new(NOW)
    token = signer.csrf_token(mine)
    assert signer.csrf_ok(mine, token)
    assert not signer.csrf_ok(theirs, token)
    assert not signer.csrf_ok(mine, None) and not signer.csrf_ok(mine, "")


def test_the_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = load_secret(None, tmp_path)
    assert load_secret(None, tmp_path) == first and len(first) >= 48
    assert (tmp_path / "ui-session-secret").stat().st_mode & 0o077 == 0
    assert load_secret("configured", tmp_path) == b"configured"


def test_only_local_paths_are_redirect_targets() -> None:
    assert safe_next("/products?q=x") == "/products?q=x"
    for bad in ("//evil.example", "/\\evil.example", "https://evil.example", "", None):
        assert safe_next(bad) == "/"
