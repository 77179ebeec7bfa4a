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


def port_of(url: str) -> int | None:
    """The port a connection to `url` goes to (the scheme's default when none is written)."""
    parts = urlsplit(url)
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None


def hostname_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges that carry an IPv4 address in their last 32 bits: the embedded address decides.
_EMBEDDING_V4 = (
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated, still routed by some stacks)
)
# Never a public destination whatever follows: local-use NAT64, Teredo, discard-only.
_NEVER_PUBLIC_V6 = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("2001::/32"),
    ipaddress.IPv6Network("100::/64"),
)


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal in any spelling a resolver or
    socket accepts, else None (a name).

    Handles brackets, zone ids (`::1%2599`, percent-encoded or not), a trailing dot, and the
    inet_aton forms of IPv4: `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`.
    """
    bare = host.strip().lower()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    bare = bare.split("%", 1)[0].rstrip(".")  # zone id: `%25…` encoded or a raw `%…`
    if not bare:
        return None
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return _inet_aton(bare)


def _inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """IPv4 as the C library's inet_aton reads it: 1 to 4 parts, each decimal, 0-octal or 0x-hex,
    the last part filling the remaining bytes."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        try:
            if part.startswith("0x"):
                values.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part[1:], 8))
            elif part.isascii() and part.isdigit():
                values.append(int(part))
            else:
                return None
        except ValueError:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = last
    for index, value in enumerate(head):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    for network in _EMBEDDING_V4:
        if ip in network:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str | IPAddress) -> bool:
    """True for globally routable unicast addresses; private, loopback, link-local etc. are not.

    Every spelling counts as what it denotes: zone ids are dropped, IPv6 forms that embed an
    IPv4 address are judged by that address, and names (anything not a literal) are not public.
    """
    ip = parse_ip_host(address) if isinstance(address, str) else address
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _NEVER_PUBLIC_V6):
            return False
        if ip in _EMBEDDING_V4[3]:
            return False  # IPv4-compatible, `::` and `::1`: deprecated or local, never public
        ip = embedded_ipv4(ip) or ip
    return bool(ip.is_global) and not ip.is_multicast


def host_allowed_private(
    host: str, allowed: list[str] | tuple[str, ...], port: int | None = None
) -> bool:
    """Whether config lets this host resolve to a non-public address.

    An entry `host` allows every port of it; `host:port` (`[v6]:port`) only that port, when the
    caller knows the port it connects to.
    """
    host = host.lower().strip("[]")
    if "*" in allowed or host in allowed:
        return True
    if port is None:
        return False
    return (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") in allowed
