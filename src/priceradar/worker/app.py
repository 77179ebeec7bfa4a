"""The Celery application: broker, queues, routes and limits, all from Settings.

`celery -A priceradar.worker worker|beat|inspect|call` finds `app` here (re-exported by the
package). Message priorities are given on one scale everywhere, 0-10 with 10 most urgent, and
translated per broker: RabbitMQ uses it as is (x-max-priority 10), Redis reverses it (its
priority 0 is consumed first), the embedded file-system broker ignores it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from typing import Any, cast

from celery import Celery, Task
from kombu import Exchange, Queue

from priceradar.adapters.embedded_broker import register_embedded_transport
from priceradar.config import ConfigError, Settings, load_settings, parse_cron
from priceradar.worker import logging_setup  # noqa: F401  (signals: logging, metrics)
from priceradar.worker.heartbeat import HeartbeatFile

# browser_fetch renders script-only pages in Chromium: seconds per page, so it gets its own
# workers (see docker-compose.yml / deploy/k8s) and never stalls the cheap static path.
QUEUES = ("price_check", "product_fetch", "notifications", "batch_processing", "browser_fetch")
STATIC_QUEUES = tuple(q for q in QUEUES if q != "browser_fetch")
MAX_PRIORITY = 10
DEFAULT_PRIORITY = 5

# Every task we define, and the queue it runs on. A test checks that no task is unrouted and
# that every queue here is consumed by a default worker.
TASK_ROUTES: dict[str, str] = {
    "check_product_price": "price_check",
    "batch_price_check": "price_check",
    "browser_price_check": "browser_fetch",
    "dispatch_due_checks": "batch_processing",
    "schedule_high_priority_checks": "batch_processing",
    "schedule_medium_priority_checks": "batch_processing",
    "schedule_low_priority_checks": "batch_processing",
    "update_product_priorities": "batch_processing",
    "cleanup_old_data": "batch_processing",
    "schedule_product_fetch": "product_fetch",
    "schedule_notifications": "notifications",
    "send_notifications": "notifications",
    "ping": "batch_processing",
}
TASK_MODULES = (
    "priceradar.worker.tasks",
    "priceradar.worker.schedule_tasks",
    "priceradar.worker.notify_tasks",
    "priceradar.worker.browser_tasks",
)


def broker_priority(priority: int, transport: str) -> int:
    """Our 0-10 (10 = most urgent) as the broker's own priority number."""
    p = max(0, min(MAX_PRIORITY, int(priority)))
    return MAX_PRIORITY - p if transport == "redis" else p


class PriorityTask(Task[Any, Any]):
    """Lets the seed's call style `task.delay(..., priority=10)` set the message priority."""

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:  # type: ignore[override]
        if "priority" not in options and kwargs and kwargs.get("priority") is not None:
            transport = self.app.conf.get("priceradar_transport", "redis")
            options["priority"] = broker_priority(kwargs["priority"], transport)
        return super().apply_async(args, kwargs, **options)


def celery_config(settings: Settings) -> dict[str, Any]:
    """The Celery configuration for these settings (pure: no connection is made)."""
    transport = settings.broker_transport
    queues = [
        Queue(
            name,
            Exchange(name, type="direct"),
            routing_key=name,
            queue_arguments={"x-max-priority": MAX_PRIORITY},
        )
        for name in QUEUES
    ]
    broker_options: dict[str, Any] = {}
    if transport == "redis":
        # Ten sub-queues so all of our priority levels stay distinct; visibility timeout well
        # above the hard time limit so a long batch is not redelivered while it runs.
        broker_options = {
            "priority_steps": list(range(MAX_PRIORITY)),
            "sep": ":",
            "queue_order_strategy": "priority",
            "visibility_timeout": max(3600, settings.task_time_limit_s * 4),
        }
    elif transport == "filesystem":
        broker_options = {
            "data_folder_in": str(settings.broker_dir / "queue"),
            "data_folder_out": str(settings.broker_dir / "queue"),
            "control_folder": str(settings.broker_dir / "control"),
            "processed_folder": str(settings.broker_dir / "processed"),
            "polling_interval": 0.2,
        }
    return {
        "broker_url": settings.broker_url,
        "result_backend": settings.result_backend,
        "broker_transport_options": broker_options,
        "broker_connection_retry_on_startup": True,
        "priceradar_transport": transport,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "task_queues": queues,
        "task_default_queue": "batch_processing",
        "task_create_missing_queues": False,
        "task_routes": {name: {"queue": queue} for name, queue in TASK_ROUTES.items()},
        "task_queue_max_priority": MAX_PRIORITY,
        "task_default_priority": broker_priority(DEFAULT_PRIORITY, transport),
        # A batch runs for tens of seconds: take one message at a time and ack it only when
        # done, so a killed worker's batch goes back to the queue instead of vanishing.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": settings.task_soft_time_limit_s,
        "task_time_limit": settings.task_time_limit_s,
        "result_expires": settings.result_expires_s,
        "result_extended": True,
        "task_track_started": True,
        "worker_concurrency": settings.worker_concurrency,
        # Recycle pool processes before slow leaks matter (lxml/parsers): 500 batches.
        "worker_max_tasks_per_child": 500,
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "beat_schedule": beat_schedule(settings),
        # One beat at a time (a lock), with the dispatcher ticking inside it: worker/beat.py.
        "beat_scheduler": "priceradar.worker.beat:SingleBeatScheduler",
    }


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The seed guide's jobs at their configured times (the dispatcher ticks inside beat)."""
    schedule: dict[str, dict[str, Any]] = {
        # Safety net behind the send after each commit: settles lost leases, sends leftovers.
        "schedule-notifications": {
            "task": "schedule_notifications",
            "schedule": settings.notifications_interval_s,
            "options": {"expires": settings.notifications_interval_s},
        },
    }
    for task, cron in (
        ("schedule_high_priority_checks", settings.cron_high_priority_checks),
        ("schedule_medium_priority_checks", settings.cron_medium_priority_checks),
        ("schedule_low_priority_checks", settings.cron_low_priority_checks),
        ("schedule_product_fetch", settings.cron_product_fetch),
        ("update_product_priorities", settings.cron_update_priorities),
        ("cleanup_old_data", settings.cron_cleanup),
    ):
        schedule[task.replace("_", "-")] = {"task": task, "schedule": parse_cron(cron)}
    return schedule


def prepare_broker(settings: Settings) -> None:
    """The embedded broker's transport and folders; nothing for a networked broker."""
    if settings.embedded:
        register_embedded_transport()
        for sub in ("queue", "control", "processed"):
            (settings.broker_dir / sub).mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "results").mkdir(parents=True, exist_ok=True)


def _bare_app() -> Celery[Any]:
    app = Celery("priceradar", task_cls=PriorityTask, include=list(TASK_MODULES))
    app.steps["consumer"].add(HeartbeatFile)
    return app


def create_app(settings: Settings) -> Celery[Any]:
    """An app for these settings, configured now (API, tests, bench)."""
    prepare_broker(settings)
    app = _bare_app()
    app.conf.update(celery_config(settings))
    app.conf.priceradar_settings = settings
    return app


_settings: Settings | None = None


def current_settings() -> Settings:
    """This process's settings, read from the environment on first use (never at import)."""
    global _settings
    if _settings is None:
        try:
            _settings = load_settings()
        except ConfigError as exc:
            # One clear line per variable instead of a traceback from deep inside Celery.
            print(f"priceradar: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    return _settings


class _LazyConfig(Mapping[str, Any]):
    """The module app's configuration: Celery reads it on first use of `app.conf`."""

    def __init__(self) -> None:
        self._data: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            s = current_settings()
            prepare_broker(s)
            self._data = {**celery_config(s), "priceradar_settings": s}
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


class _SettingsProxy:
    """`settings` for the task modules: the process's settings, loaded on first attribute."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current_settings(), name)


# `celery -A priceradar.worker` finds `app`; importing this module reads no settings and
# touches no files: both happen on the app's first real use.
settings = cast(Settings, _SettingsProxy())
app = _bare_app()
app.config_from_object(_LazyConfig())
