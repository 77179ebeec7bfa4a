"""The SSRF suite's servers: a canary that must never be reached, a shop that is allowed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import api_db, make_api  # noqa: F401 (the API fixtures, shared)
from tests.security.canary import Canary, Shop


@pytest.fixture
def canary() -> Iterator[Canary]:
    with Canary() as server:
        yield server


@pytest.fixture(scope="module")
def tracked() -> Iterator[Shop]:
    with Shop() as server:
        yield server
