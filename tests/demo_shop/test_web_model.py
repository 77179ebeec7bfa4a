"""The latency and fault model of the demo shop: its draws follow the stated distribution."""

from __future__ import annotations

import random

import pytest

from priceradar.demo_shop.web_model import CLEAN, REALISTIC, Mishap, WebModel


def test_clean_model_serves_at_once_and_never_fails() -> None:
    rng = random.Random(1)
    assert {CLEAN.draw(rng) for _ in range(1000)} == {(0.0, None)}


def test_realistic_model_has_the_stated_tail_and_fault_rates() -> None:
    rng = random.Random(7)
    draws = [REALISTIC.draw(rng) for _ in range(200_000)]
    delays = sorted(d for d, m in draws if m is None)
    assert 0.07 < delays[len(delays) // 2] < 0.09
    assert 1.7 < delays[int(len(delays) * 0.99)] < 2.3
    share = {m: sum(1 for _, x in draws if x is m) / len(draws) for m in Mishap}
    assert share[Mishap.HANG] == pytest.approx(0.002, rel=0.15)
    assert share[Mishap.SERVER_ERROR] == pytest.approx(0.01, rel=0.1)
    assert share[Mishap.RATE_LIMITED] == pytest.approx(0.0005, rel=0.3)
    assert share[Mishap.MALFORMED] == pytest.approx(0.002, rel=0.15)
    assert all(d == REALISTIC.hang_s for d, m in draws if m is Mishap.HANG)


def test_impossible_models_are_refused() -> None:
    with pytest.raises(ValueError):
        WebModel(hang_rate=0.7, server_error_rate=0.5)
    with pytest.raises(ValueError):
        WebModel(latency_median_s=1.0, latency_p99_s=0.5)
