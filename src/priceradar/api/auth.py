"""API keys: random secrets shown once, stored only as SHA-256 digests, compared in constant time.

A key is 32 random bytes (URL-safe base64), so a plain SHA-256 is enough: there is nothing to
brute-force that a slow password hash would protect. Writes always need a key. Reads and
/metrics need one unless configured public. With no key configured the API runs only in
development, and then lets loopback clients write (a clearly logged dev mode).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from priceradar.config import ConfigError, Environment, Settings

KEY_PREFIX = "prk_"  # makes leaked keys easy to find with secret scanners


def new_key() -> str:
    """A fresh random API key."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """The SHA-256 hex digest that goes into PRICERADAR_API_KEY_HASHES."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """Who may do what; built once from settings by `policy_for`."""

    key_hashes: tuple[str, ...]
    public_reads: bool
    public_metrics: bool
    dev_mode: bool  # no keys configured, development: loopback clients may write

    def key_matches(self, key: str | None) -> bool:
        if not key:
            return False
        digest = hash_key(key)
        # Compare against every hash (no early exit), so timing says nothing about which matched.
        matched = False
        for known in self.key_hashes:
            matched |= hmac.compare_digest(digest, known)
        return matched

    def may_write(self, key: str | None, client_host: str | None) -> bool:
        return self.key_matches(key) or (self.dev_mode and is_loopback(client_host))

    def may_read(self, key: str | None, client_host: str | None) -> bool:
        return self.public_reads or self.may_write(key, client_host)

    def may_scrape(self, key: str | None, client_host: str | None) -> bool:
        return self.public_metrics or self.may_write(key, client_host)


def policy_for(settings: Settings) -> AccessPolicy:
    """The access policy; refuses to run without keys outside development."""
    hashes = tuple(settings.api_key_hashes)
    if not hashes and settings.env is not Environment.DEVELOPMENT:
        raise ConfigError(
            "invalid configuration: PRICERADAR_API_KEY_HASHES: the API needs at least one key "
            "when PRICERADAR_ENV=production (create one with `priceradar api-key new`)"
        )
    return AccessPolicy(
        key_hashes=hashes,
        public_reads=settings.api_public_reads,
        public_metrics=settings.api_public_metrics,
        dev_mode=not hashes,
    )
