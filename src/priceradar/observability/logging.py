"""Logging for every process (worker, beat, API, CLI): one handler, text or JSON lines.

Context travels with the record: the Celery task id and name come from the task being run
(`celery._state.get_current_task()`), and ids bound with `log_context(product_id=…)` or passed
as `extra={…}` appear as fields, so a JSON line can be found by task or product.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import IO, Any

from celery._state import get_current_task

from priceradar.config import ConfigError, Settings

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
# uvicorn adds `color_message`, a duplicate of the message with terminal colour codes.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_CONTEXT: ContextVar[Mapping[str, Any]] = ContextVar("priceradar_log_context", default=_EMPTY)
# Marks our handler so configuring twice (CLI, then Celery's signal) replaces instead of doubling.
_HANDLER_NAME = "priceradar"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"


def parse_level(level: str | int) -> int:
    """`INFO`, `debug`, `20` → a logging level; anything else is a configuration error."""
    if isinstance(level, int):
        return level
    text = level.strip().upper()
    if text.isdigit():
        return int(text)
    value = logging.getLevelNamesMapping().get(text)
    if value is None:
        raise ConfigError(f"invalid configuration: LOG_LEVEL: unknown level {level!r}")
    return value


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (e.g. product_id) to every record logged inside the block, in this context."""
    token = _CONTEXT.set({**_CONTEXT.get(), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def record_context(record: logging.LogRecord) -> dict[str, Any]:
    """The context fields of a record: current task, bound context, then `extra=` values."""
    fields: dict[str, Any] = {}
    task = get_current_task()
    if task is not None and task.request.id is not None:
        fields["task_id"] = task.request.id
        fields["task_name"] = task.name
    fields.update(_CONTEXT.get())
    for key, value in vars(record).items():
        if key not in _RECORD_ATTRS and key != "context" and not key.startswith("_"):
            fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, context fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        entry.update(record_context(record))
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines; context fields follow the logger name as `[key=value …]`."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        fields = record_context(record)
        record.context = (
            " [" + " ".join(f"{k}={v}" for k, v in fields.items()) + "]" if fields else ""
        )
        return super().format(record)


def configure_logging(
    settings: Settings, level: str | int | None = None, stream: IO[str] | None = None
) -> None:
    """Install the priceradar handler on the root logger (idempotent).

    `level` overrides the configured level only when LOG_LEVEL was not set explicitly, so an
    operator's `celery worker --loglevel=DEBUG` works and an environment setting still wins.
    """
    chosen = settings.log_level
    if level is not None and "log_level" not in settings.model_fields_set:
        chosen = logging.getLevelName(level) if isinstance(level, int) else level
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if settings.log_json else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(parse_level(chosen))
    # Per-HTTP-call client chatter drowns the useful lines at INFO.
    for noisy in ("httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(max(root.level, logging.WARNING))
