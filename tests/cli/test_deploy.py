"""`priceradar secrets init` and `priceradar db wait`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from priceradar.adapters.db import migrate
from priceradar.config import load_settings
from tests.support.stack import clean_environ, postgres_database


def priceradar(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("priceradar")), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**clean_environ(), **(env or {})},
    )


def test_secrets_init_writes_consistent_files_readable_by_the_containers(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    done = priceradar("secrets", "init", str(secrets))
    assert done.returncode == 0, done.stderr
    key = done.stdout.split("shown once, only its hash is stored): ")[1].split()[0]

    files = {p.name: p.read_text().strip() for p in secrets.iterdir()}
    pg, rd = files["postgres_password"], files["redis_password"]
    assert len(pg) >= 32 and len(rd) >= 32 and pg != rd
    assert f":{pg}@postgres:5432/" in files["database_url"]
    for name in ("celery_broker_url", "celery_result_backend", "redis_url"):
        assert files[name].startswith(f"redis://:{rd}@redis:6379/")
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in secrets.iterdir())

    # Production settings load from the directory, and the printed key matches the stored hash
    os.environ["PRICERADAR_SECRETS_DIR"] = str(secrets)
    try:
        settings = load_settings(_env_file=None, env="production")
    finally:
        del os.environ["PRICERADAR_SECRETS_DIR"]
    from priceradar.api.auth import hash_key

    assert settings.api_key_hashes == [hash_key(key)]
    assert settings.celery_broker_url == files["celery_broker_url"]

    # and a second run refuses to overwrite them
    again = priceradar("secrets", "init", str(secrets))
    assert again.returncode == 1 and "refusing to overwrite" in again.stdout


def test_db_wait_fails_on_a_database_behind_and_passes_once_migrated() -> None:
    with postgres_database() as url:
        migrate.downgrade(url, "base")
        behind = priceradar("db", "wait", "--timeout", "1", env={"DATABASE_URL": url})
        assert behind.returncode == 1
        assert "migrations pending" in behind.stdout
        migrate.upgrade(url)
        ready = priceradar("db", "wait", "--timeout", "5", env={"DATABASE_URL": url})
        assert ready.returncode == 0, ready.stdout + ready.stderr
