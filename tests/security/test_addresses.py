"""Every spelling of an internal address is classified as what it denotes (pure, no network)."""

from __future__ import annotations

import pytest

from priceradar.adapters.http.guard import ForbiddenTarget, check_literal_host
from priceradar.domain.urls import is_public_address, parse_ip_host
from tests.security.spellings import HOSTS


@pytest.mark.parametrize("host", HOSTS)
def test_no_internal_spelling_is_public(host: str) -> None:
    assert not is_public_address(host)


@pytest.mark.parametrize("host", [h for h in HOSTS if parse_ip_host(h) is not None])
def test_every_internal_literal_is_refused_without_dns(host: str) -> None:
    with pytest.raises(ForbiddenTarget):
        check_literal_host(host)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1%2599]", "::1"),
        ("[::ffff:127.0.0.1%251]", "::ffff:7f00:1"),
        ("08.0.0.1", None),  # not octal: a name, which will not resolve
        ("shop.example", None),
        ("1.2.3.4.5", None),
    ],
)
def test_literal_spellings_parse_as_the_resolver_reads_them(host: str, address: str | None) -> None:
    parsed = parse_ip_host(host)
    assert (str(parsed) if parsed else None) == address


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"],
)
def test_public_addresses_stay_public_in_every_form(address: str) -> None:
    assert is_public_address(address)
