"""`priceradar serve`: one command runs API, UI, worker and scheduler; its first login key."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from priceradar.api.auth import hash_key
from priceradar.cli.serve import key_file, saved_hashes, with_keys
from priceradar.config import load_settings
from priceradar.demo_shop.server import RunningShop
from tests.cli.test_commands import priceradar
from tests.conftest import base_env
from tests.support.stack import clean_environ, wait_for
from tests.web.conftest import free_port


def test_serve_runs_everything_and_the_ui_shows_a_checked_price(
    tmp_path: Path, shop: RunningShop
) -> None:
    # Given `priceradar serve` on a fresh embedded data directory
    port = free_port()
    env = {**clean_environ(), **base_env(tmp_path, [shop])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "priceradar", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base), timeout_s=60, what="serve to answer")
        # When a product is added (loopback, development: no key needed)
        created = httpx.post(f"{base}/api/v1/products", json={"url": shop.product_url(7)})
        assert created.status_code == 201, created.text
        product_id = created.json()["id"]
        # Then its own worker and scheduler check it, and the product page shows the price
        checked = wait_for(
            lambda: httpx.get(f"{base}/api/v1/products/{product_id}").json()["price"],
            timeout_s=90,
            what="the product to be checked",
        )
        page = httpx.get(f"{base}/products/{product_id}")
        assert page.status_code == 200
        assert f"{float(checked):,.2f}" in page.text
        # and the System page sees the worker and the dispatcher's last tick
        system = httpx.get(f"{base}/system", timeout=10).text
        assert "No worker answered" not in system
        tick = system.split('id="dispatcher-tick">', 1)[1].split("</dd>", 1)[0]
        assert " ago" in tick and "never" not in tick
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    assert f"web UI and API at http://127.0.0.1:{port}" in output
    assert proc.returncode == 0, output[-3000:]


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_first_start_beyond_loopback_makes_one_key_and_keeps_only_its_hash(
    tmp_path: Path,
) -> None:
    cfg = load_settings(_env_file=None, data_dir=str(tmp_path))
    served, key = with_keys(cfg, "0.0.0.0")
    assert key is not None and key.startswith("prk_")
    assert served.api_key_hashes == [hash_key(key)]
    assert saved_hashes(tmp_path) == [hash_key(key)]
    assert key not in key_file(tmp_path).read_text()
    assert stat.S_IMODE(os.stat(key_file(tmp_path)).st_mode) == 0o600
    # A restart reuses the saved hash and shows no key again
    again, second = with_keys(cfg, "0.0.0.0")
    assert second is None and again.api_key_hashes == [hash_key(key)]


def test_loopback_without_keys_stays_open_and_makes_no_key(tmp_path: Path) -> None:
    cfg = load_settings(_env_file=None, data_dir=str(tmp_path))
    served, key = with_keys(cfg, "127.0.0.1")
    assert key is None and served.api_key_hashes == []
    assert not key_file(tmp_path).exists()


def test_api_key_new_save_adds_a_hash_serve_reads(tmp_path: Path) -> None:
    out = priceradar(tmp_path, "api-key", "new", "--save")
    assert out.returncode == 0, out.stderr
    key = next(w for w in out.stdout.split() if w.startswith("prk_"))
    assert saved_hashes(tmp_path) == [hash_key(key)]
