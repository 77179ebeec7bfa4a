"""API keys: required for writes, optional for reads by config, hashed at rest, no default."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from priceradar.api import create_app
from priceradar.api.auth import hash_key
from priceradar.cli import app as cli
from priceradar.config import ConfigError
from tests.api.conftest import API_KEY, OTHER_KEY, api_settings
from tests.api.test_products import shop_urls
from tests.support.stack import clean_environ

PRODUCTS = "/api/v1/products"


def test_writes_need_a_configured_key(make_api: Callable[..., TestClient]) -> None:
    # Given an API with one key configured and a client that sends none by default
    anonymous = make_api()
    url_a, url_b, url_c = shop_urls(3)

    # When it writes without a key, with a wrong key, and with the key in either header
    missing = anonymous.post(PRODUCTS, json={"url": url_a})
    wrong = anonymous.post(PRODUCTS, json={"url": url_a}, headers={"X-API-Key": OTHER_KEY})
    header = anonymous.post(PRODUCTS, json={"url": url_b}, headers={"X-API-Key": API_KEY})
    bearer = anonymous.post(
        PRODUCTS, json={"url": url_c}, headers={"Authorization": f"Bearer {API_KEY}"}
    )

    # Then only the configured key is accepted, and refusals say how to authenticate
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "API key" in missing.json()["detail"]
    assert (header.status_code, bearer.status_code) == (201, 201)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/products/1"),
        ("delete", "/api/v1/products/1"),
        ("post", "/api/v1/products/import"),
        ("post", "/api/v1/products/1/check"),
        ("post", "/api/v1/checks"),
        ("post", "/api/v1/test-task"),
    ],
)
def test_every_mutating_endpoint_refuses_anonymous_callers(
    make_api: Callable[..., TestClient], method: str, path: str
) -> None:
    response = make_api(api_public_reads=True).request(method, path, json={})
    assert response.status_code == 401


def test_reads_are_private_unless_configured_public(make_api: Callable[..., TestClient]) -> None:
    private, public = make_api(), make_api(api_public_reads=True)
    for path in (PRODUCTS, "/api/v1/stats", f"/api/v1/tasks/{'0' * 8}-0000-0000-0000-{'0' * 12}"):
        assert private.get(path).status_code == 401, path
        assert public.get(path).status_code == 200, path
    # Writes stay closed when reads are public
    assert public.post(PRODUCTS, json={"url": shop_urls(1)[0]}).status_code == 401


def test_metrics_need_a_key_unless_public(make_api: Callable[..., TestClient]) -> None:
    assert make_api().get("/metrics").status_code == 401
    assert make_api(headers={"Authorization": f"Bearer {API_KEY}"}).get("/metrics").is_success
    assert make_api(api_public_metrics=True).get("/metrics").is_success
    # Probes never need a key
    assert make_api().get("/health").status_code == 200


def test_production_refuses_to_start_without_keys(
    api_db: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = api_settings(
        api_db, tmp_path_factory.mktemp("prod"), env="production", api_key_hashes=""
    )
    with pytest.raises(ConfigError, match="PRICERADAR_API_KEY_HASHES"):
        create_app(settings)


def test_a_plain_key_in_the_hash_list_is_refused(
    api_db: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.raises(ConfigError, match="SHA-256"):
        api_settings(api_db, tmp_path_factory.mktemp("k"), api_key_hashes=API_KEY)


def test_development_without_keys_lets_only_loopback_clients_write(
    api_db: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Given a development API with no key configured
    app = create_app(api_settings(api_db, tmp_path_factory.mktemp("dev"), api_key_hashes=""))
    url_a, url_b = shop_urls(2)

    # When a loopback client and a remote client write without a key
    with TestClient(app, client=("127.0.0.1", 40000)) as local:
        local_write = local.post(PRODUCTS, json={"url": url_a})
    with TestClient(app, client=("203.0.113.7", 40000)) as remote:
        remote_write = remote.post(PRODUCTS, json={"url": url_b})

    # Then only the loopback client gets in
    assert local_write.status_code == 201
    assert remote_write.status_code == 401


def test_api_key_new_prints_a_key_whose_hash_unlocks_the_api(
    make_api: Callable[..., TestClient],
) -> None:
    # When an operator creates a key
    output = CliRunner().invoke(cli, ["api-key", "new"]).output
    key = re.search(r"key:\s+(\S+)", output)
    digest = re.search(r"hash:\s+([0-9a-f]{64})", output)
    assert key and digest, output

    # Then the printed hash is the key's, and configuring it lets the key write
    assert hash_key(key.group(1)) == digest.group(1)
    client = make_api(headers={"X-API-Key": key.group(1)}, api_key_hashes=digest.group(1))
    assert client.post(PRODUCTS, json={"url": shop_urls(1)[0]}).status_code == 201


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"PRICERADAR_ENV": "development"}, ["api", "--host", "0.0.0.0"], "without API keys"),
        ({"PRICERADAR_ENV": "production"}, ["api"], "needs at least one key"),
    ],
)
def test_priceradar_api_refuses_unsafe_settings_before_binding(
    env: dict[str, str], args: list[str], message: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "priceradar", *args],
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
