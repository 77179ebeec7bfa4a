"""The credentials a service URL really logs in with, as its client library will send them.

Pure: no connection is made. Used by the production rule that refuses default credentials,
which must look past spelling: kombu logs into AMQP as guest:guest when the URL names nobody
(and fills an empty password with `guest`), user info is percent-decoded by every client, and
libpq and redis-py take `user`/`password` from the query string too.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

# Credentials that ship in examples and images; refused outside development.
DEFAULT_CREDENTIALS = frozenset(
    {"guest:guest", "postgres:postgres", "admin:admin", "user:password"}
)
DEFAULT_PASSWORDS = frozenset(pair.split(":", 1)[1] for pair in DEFAULT_CREDENTIALS)
AMQP_SCHEMES = frozenset({"amqp", "amqps", "pyamqp", "librabbitmq"})
USER_PARAMS = ("user", "username", "userid")
PASSWORD_PARAMS = ("password", "pass")


def effective_credentials(url: str) -> tuple[str, str]:
    """(user, password) the client will send for this URL; "" where none is sent."""
    try:
        parts = urlsplit(url.strip())
        username, password = parts.username, parts.password
    except ValueError:
        return "", ""
    scheme = parts.scheme.lower().removeprefix("db+").split("+")[0]
    user = unquote(username or "")
    secret = unquote(password or "")
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in USER_PARAMS and not user:
            user = value
        elif name.lower() in PASSWORD_PARAMS and not secret:
            secret = value
    if scheme in AMQP_SCHEMES:  # kombu's py-amqp defaults, applied to what is left empty
        user, secret = user or "guest", secret or "guest"
    return user, secret


def default_credentials_in(url: str) -> bool:
    """Whether the URL logs in with a shipped default: a known pair, or (Redis' password-only
    AUTH, a proxy) a known default password."""
    user, secret = effective_credentials(url)
    if f"{user.lower()}:{secret}" in DEFAULT_CREDENTIALS:
        return True
    return user in ("", "default") and secret in DEFAULT_PASSWORDS
