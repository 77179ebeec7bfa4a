"""Settings from a secrets directory (Docker/Kubernetes secrets): one file per setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from priceradar.config import ConfigError, load_settings

HASH = "a" * 64


def test_settings_are_read_from_files_in_the_secrets_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given secrets as files, named like their variables, and nothing in the environment
    (tmp_path / "database_url").write_text("postgresql+psycopg://app:s3cret@db:5432/app\n")
    (tmp_path / "priceradar_api_key_hashes").write_text(HASH)
    monkeypatch.setenv("PRICERADAR_SECRETS_DIR", str(tmp_path))

    settings = load_settings(_env_file=None)

    assert settings.database_url == "postgresql+psycopg://app:s3cret@db:5432/app"
    assert settings.api_key_hashes == [HASH]


def test_the_environment_wins_over_a_secret_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "database_url").write_text("postgresql+psycopg://app:file@db:5432/app")
    monkeypatch.setenv("PRICERADAR_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app:env@db:5432/app")
    assert load_settings(_env_file=None).database_url.endswith(":env@db:5432/app")  # type: ignore[union-attr]


def test_a_missing_secrets_dir_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRICERADAR_SECRETS_DIR", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match=r"PRICERADAR_SECRETS_DIR: .* is not a directory"):
        load_settings(_env_file=None)
