"""The API fixtures serve the metrics tests too (a real app on a real database)."""

from tests.api.conftest import api_db, client, make_api

__all__ = ["api_db", "client", "make_api"]
