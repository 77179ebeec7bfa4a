""".env.example documents every setting, and copied to .env it is a valid configuration."""

from __future__ import annotations

from pathlib import Path

from priceradar.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_documented() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    undocumented = [
        name
        for name in Settings.model_fields
        if f"PRICERADAR_{name.upper()}" not in text and name.upper() not in text
    ]
    assert undocumented == []


def test_the_example_loads_as_is() -> None:
    settings = load_settings(_env_file=str(EXAMPLE))
    assert settings.deal_reference == "established"
    assert settings.priority_bands[-1].min_priority == 0
    assert settings.embedded  # no service URL is set by default: the embedded default runs
