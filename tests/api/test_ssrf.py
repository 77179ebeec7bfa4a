"""SSRF at submit time: only http(s), no internal targets unless allowed, DNS resolved; the
same rule for the servers an Apprise watch destination names."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.api.conftest import API_KEY

PRODUCTS = "/api/v1/products"
WATCHES = "/api/v1/watches"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "non-public address 169.254.169.254"),
        ("http://10.0.0.1/", "non-public address 10.0.0.1"),
        ("http://192.168.1.1:8080/admin", "non-public address 192.168.1.1"),
        ("http://localhost/", "localhost resolves to non-public address 127.0.0.1"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "only http and https"),
        ("http://[::1]/", "non-public address ::1"),
        ("http://[::ffff:169.254.169.254]/", "non-public address"),
        ("http://2130706433/", "non-public address 127.0.0.1"),
        ("http://user:pass@example.com/", "credentials"),
        ("http://name.invalid/", "does not resolve"),
    ],
)
def test_internal_targets_are_refused(client: TestClient, url: str, reason: str) -> None:
    response = client.post(PRODUCTS, json={"url": url})
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"][0]["msg"]


def test_a_name_resolving_to_loopback_is_refused_unless_allowed(
    make_api: Callable[..., TestClient],
) -> None:
    # Given a host name that resolves to a loopback address on this machine
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, None)}
    if not any(a.startswith("127.") or a == "::1" for a in addresses):
        name = "localhost"

    # When it is submitted with only the loopback address allowed, then with the name allowed
    strict = make_api(headers={"X-API-Key": API_KEY}, allowed_private_hosts="127.0.0.1")
    lenient = make_api(headers={"X-API-Key": API_KEY}, allowed_private_hosts=f"127.0.0.1,{name}")
    refused = strict.post(PRODUCTS, json={"url": f"http://{name}:9/ssrf-check"})
    accepted = lenient.post(PRODUCTS, json={"url": f"http://{name}:9/ssrf-check"})

    # Then the name is refused for what it resolves to, and accepted once allowed by config
    assert refused.status_code == 422
    assert "resolves to non-public address" in refused.json()["detail"][0]["msg"]
    assert accepted.status_code == 201, accepted.text


def test_allowed_loopback_literal_is_accepted(client: TestClient) -> None:
    response = client.post(PRODUCTS, json={"url": "http://127.0.0.1:9/allowed-by-config"})
    assert response.status_code in (201, 409)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("json://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
        ("json://10.0.0.5:6379/", "non-public address 10.0.0.5"),
        ("jsons://localhost/x", "localhost resolves to non-public address"),
        ("json://2130706433/", "non-public address 127.0.0.1"),
        ("nosuch://x", "Apprise does not understand this URL"),
    ],
)
def test_apprise_watches_to_internal_servers_are_refused(
    client: TestClient, url: str, reason: str
) -> None:
    before = client.get(WATCHES).json()
    response = client.post(WATCHES, json={"channel": "apprise", "target": url})
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["type"] == "invalid_watch" and reason in error["msg"]
    assert client.get(WATCHES).json() == before  # nothing stored


def test_apprise_watch_to_an_allowed_loopback_webhook_is_accepted(client: TestClient) -> None:
    response = client.post(WATCHES, json={"channel": "apprise", "target": "json://127.0.0.1:9/h"})
    assert response.status_code == 201, response.text
    assert response.json()["destination"].startswith("apprise:json://127.0.0.1:9/")
