"""Structured logging: JSON lines with task and product ids, levels from the environment."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery

from priceradar.config import ConfigError, load_settings
from priceradar.observability.logging import configure_logging, log_context


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Restore the root logger's handlers and level after a test configures logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("root_logging")
def test_json_lines_carry_context_and_extra_fields() -> None:
    # Given JSON logging at INFO
    stream = io.StringIO()
    configure_logging(load_settings(_env_file=None, log_json=True), stream=stream)
    log = logging.getLogger("priceradar.test")

    # When lines are logged inside a product context, with extra fields, and below the level
    with log_context(product_id=42):
        log.info("checked %s", "one", extra={"outcome": "ok"})
    log.debug("hidden")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")

    # Then each is one JSON object with the context, and DEBUG is filtered out
    first, second = lines(stream)
    assert first["message"] == "checked one"
    assert (first["level"], first["logger"]) == ("INFO", "priceradar.test")
    assert (first["product_id"], first["outcome"]) == (42, "ok")
    assert "product_id" not in second and "ValueError: boom" in second["exc_info"]


@pytest.mark.usefixtures("root_logging")
def test_a_tasks_lines_carry_its_celery_task_id() -> None:
    # Given JSON logging and a Celery task that logs
    stream = io.StringIO()
    configure_logging(load_settings(_env_file=None, log_json=True), stream=stream)
    app: Celery[Any] = Celery("logging-test", set_as_current=False)

    @app.task(name="logs_something")
    def logs_something() -> None:
        logging.getLogger("priceradar.task").warning("inside")

    # When the task runs
    result = logs_something.apply(task_id="task-123")

    # Then its line names the task
    assert result.successful()
    (line,) = [entry for entry in lines(stream) if entry["message"] == "inside"]
    assert (line["task_id"], line["task_name"]) == ("task-123", "logs_something")


@pytest.mark.usefixtures("root_logging")
def test_configuring_twice_keeps_one_handler_and_the_explicit_level_wins() -> None:
    explicit = load_settings(_env_file=None, log_level="WARNING")
    configure_logging(explicit, level="DEBUG")
    configure_logging(explicit, level="DEBUG")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "priceradar"]
    assert len(ours) == 1
    assert logging.getLogger().level == logging.WARNING
    # Without LOG_LEVEL in the environment, Celery's --loglevel decides
    configure_logging(load_settings(_env_file=None), level=logging.DEBUG)
    assert logging.getLogger().level == logging.DEBUG


@pytest.mark.usefixtures("root_logging")
def test_text_lines_show_context_and_unknown_levels_are_refused() -> None:
    stream = io.StringIO()
    configure_logging(load_settings(_env_file=None), stream=stream)
    with log_context(product_id=7):
        logging.getLogger("priceradar.test").warning("slow page")
    assert "WARNING priceradar.test [product_id=7]: slow page" in stream.getvalue()
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        configure_logging(load_settings(_env_file=None, log_level="LOUD"))
