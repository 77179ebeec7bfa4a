"""URL canonicalization and target classification: pure functions, no DNS."""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign, not a product: dropped so one product is one row.
TRACKING_PARAMS = frozenset(
    {"gclid", "fbclid", "msclkid", "yclid", "dclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_"}
)
MAX_URL_LENGTH = 2048


class InvalidProductURL(ValueError):
    """The URL cannot be tracked; the message says why."""


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters."""
    raw = url.strip()
    if len(raw) > MAX_URL_LENGTH:
        raise InvalidProductURL(f"URL longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidProductURL(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidProductURL(
            f"only http and https URLs are tracked, not {scheme or 'no scheme'!r}"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidProductURL("URL has no host")
    if parts.username or parts.password:
        raise InvalidProductURL("URLs with credentials are refused")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidProductURL(f"invalid host name {host!r}") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[scheme]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def domain_of(url: str) -> str:
    """The rate-limit and site-rule key of a canonical URL: host[:port]."""
    return urlsplit(url).netloc.lower()


def hostname_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses; private, loopback, link-local etc. are not."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_allowed_private(host: str, allowed: list[str] | tuple[str, ...]) -> bool:
    """Whether config lets this host resolve to a non-public address."""
    host = host.lower().strip("[]")
    return "*" in allowed or host in allowed
