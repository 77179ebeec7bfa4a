"""Production refuses default credentials by what the client library will really send: kombu
logs into AMQP as guest:guest when the URL names nobody, percent-encoding decodes, and query
parameters carry passwords too. Every URL setting is checked."""

from __future__ import annotations

import pytest

from priceradar.config import ConfigError, load_settings

REFUSED = [
    ("celery_broker_url", "amqp://guest:guest@mq:5672//"),
    ("celery_broker_url", "amqp://mq:5672//"),  # no credentials: kombu sends guest:guest
    ("celery_broker_url", "pyamqp://mq//"),
    ("celery_broker_url", "amqps://mq//"),
    ("celery_broker_url", "amqp://guest@mq//"),  # password defaults to guest
    ("celery_broker_url", "amqp://guest:@mq//"),
    ("celery_broker_url", "amqp://gu%65st:gu%65st@mq//"),
    ("celery_broker_url", "AMQP://GUEST:guest@mq//"),
    ("celery_broker_url", "amqp://%67uest:%67uest@mq//"),
    ("database_url", "postgresql+psycopg://postgres:postgres@db/priceradar"),
    ("database_url", "postgresql+psycopg://p%6Fstgres:p%6Fstgres@db/priceradar"),
    ("database_url", "postgresql+psycopg://db/priceradar?user=postgres&password=postgres"),
    ("database_url", "postgresql://db/priceradar?password=postgres&user=postgres"),
    ("database_url", "postgresql+psycopg://postgres@db/priceradar?password=postgres"),
    ("celery_result_backend", "db+postgresql://postgres:postgres@db/results"),
    ("redis_url", "redis://admin:admin@cache:6379/0"),
    ("redis_url", "redis://%61dmin:%61dmin@cache/0"),
    ("redis_url", "redis://cache/0?password=guest"),
    ("redis_url", "redis://:guest@cache/0"),
    ("celery_result_backend", "redis://user:password@cache/1"),
    ("celery_broker_url", "redis://cache/0?username=admin&password=admin"),
    ("fetch_proxy", "http://admin:admin@proxy:3128"),
    ("fetch_proxy", "http://user:p%61ssword@proxy:3128"),
]

ACCEPTED = [
    ("celery_broker_url", "amqp://priceradar:s3cret-Long@mq//"),
    ("celery_broker_url", "redis://:s3cret-Long@cache:6379/0"),
    ("database_url", "postgresql+psycopg://priceradar:s3cret-Long@db/priceradar"),
    ("database_url", "postgresql+psycopg://db/priceradar?user=app&password=s3cret-Long"),
    ("redis_url", "redis://cache:6379/0"),  # no password: Redis' own default (docs/security.md)
    ("fetch_proxy", "http://proxy:3128"),
]


@pytest.mark.parametrize(("field", "url"), REFUSED)
def test_default_credentials_are_refused_in_production(field: str, url: str) -> None:
    with pytest.raises(ConfigError, match="default credentials"):
        load_settings(_env_file=None, env="production", **{field: url})


@pytest.mark.parametrize(("field", "url"), REFUSED + ACCEPTED)
def test_development_accepts_anything(field: str, url: str) -> None:
    load_settings(_env_file=None, env="development", **{field: url})


@pytest.mark.parametrize(("field", "url"), ACCEPTED)
def test_real_credentials_are_accepted_in_production(field: str, url: str) -> None:
    load_settings(_env_file=None, env="production", **{field: url})


def test_the_error_names_the_variable_and_never_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, env="production", celery_broker_url="amqp://mq//")
    assert "CELERY_BROKER_URL" in str(caught.value)
    assert "guest" not in str(caught.value)
