from __future__ import annotations

import pytest

from priceradar.domain.urls import InvalidProductURL, canonicalize, domain_of, is_public_address


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Shop.Example.COM/p/1", "https://shop.example.com/p/1"),
        ("https://shop.example.com:443/p/1#reviews", "https://shop.example.com/p/1"),
        ("http://shop.example.com:8080/p/1", "http://shop.example.com:8080/p/1"),
        (
            "https://shop.example.com/p/1?utm_source=x&color=red&gclid=1",
            "https://shop.example.com/p/1?color=red",
        ),
        ("https://shop.example.com", "https://shop.example.com/"),
        ("  https://bücher.example/p  ", "https://xn--bcher-kva.example/p"),
    ],
)
def test_canonicalize(raw: str, canonical: str) -> None:
    assert canonicalize(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://x.example/a",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "//x.example/a",
        "https://user:pw@x.example/",
        "http://x.example:99999/",
        "https://x.example/" + "a" * 3000,
    ],
)
def test_canonicalize_refuses(raw: str) -> None:
    with pytest.raises(InvalidProductURL):
        canonicalize(raw)


def test_domain_keeps_port() -> None:
    assert domain_of("http://127.0.0.1:8080/p/1") == "127.0.0.1:8080"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("2606:4700::1111", True),
        ("0.0.0.0", False),
        ("100.64.0.1", False),
        ("not-an-ip", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public
