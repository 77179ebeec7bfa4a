"""Notification tasks: deliver pending outbox rows, and the beat job that settles leftovers.

`send_notifications` runs right after a check batch commits outbox rows (tasks.py sends it)
and drains what is due; `schedule_notifications` runs from beat (every 30 minutes by default,
as in the seed guide) and settles rows whose worker died. Importing this module (the Celery app
includes it) also hands the deal rules from Settings to `after_checks`.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery.signals import worker_process_init, worker_process_shutdown, worker_ready

from priceradar.adapters.http.targets import HostVetter
from priceradar.adapters.notify import Channel
from priceradar.adapters.notify.apprise_channel import AppriseChannel
from priceradar.adapters.notify.rate_limit import make_rate_limiter
from priceradar.adapters.notify.telegram import TelegramChannel, TelegramConfig
from priceradar.config import Settings
from priceradar.domain.messages import DEFAULT_TEMPLATE
from priceradar.services.notify import Deliverer, DeliveryOptions
from priceradar.worker.app import app, settings
from priceradar.worker.runtime import get_runtime
from priceradar.worker.tasks import RETRY

log = logging.getLogger(__name__)
WAKEUP_KEY = "priceradar:notify:wakeup:"
# The shared rate limiter lives in Redis: an outage there is retried like a database hiccup
# (claimed rows go back to pending when their lease runs out, nothing is lost).
NOTIFY_RETRY: dict[str, Any] = {
    **RETRY,
    "autoretry_for": (*RETRY["autoretry_for"], redis.RedisError),
}


def delivery_options(s: Settings) -> DeliveryOptions:
    return DeliveryOptions(
        batch_size=s.notify_batch_size,
        lease_s=s.notify_lease_s,
        max_attempts=s.notify_max_attempts,
        retry_base_s=s.notify_retry_base_s,
        retry_max_s=s.notify_retry_max_s,
        resend_unknown=s.notify_resend_unknown,
        budget_s=s.notify_run_budget_s,
    )


def channels(s: Settings) -> dict[str, Channel]:
    """Apprise always; Telegram when a bot token is configured."""
    template = s.telegram_message_template or DEFAULT_TEMPLATE
    hosts = HostVetter(tuple(s.allowed_private_hosts), s.api_dns_timeout_s)
    out: dict[str, Channel] = {"apprise": AppriseChannel(template, s.notify_timeout_s, hosts)}
    if s.telegram_bot_token is not None:
        config = TelegramConfig(
            token=s.telegram_bot_token.get_secret_value(),
            base_url=s.telegram_api_base_url,
            template=template,
            button_text=s.telegram_button_text,
            timeout_s=s.notify_timeout_s,
            global_per_s=s.telegram_global_per_s,
            chat_per_min=s.telegram_chat_per_min,
        )
        out["telegram"] = TelegramChannel(config)
    return out


_deliverer: Deliverer | None = None


def get_deliverer() -> Deliverer:
    """This process's deliverer (built after fork: sessions and sockets must not be shared)."""
    global _deliverer
    if _deliverer is None:
        rt = get_runtime(settings)
        _deliverer = Deliverer(
            engine=rt.engine,
            channels=channels(settings),
            limiter=make_rate_limiter(settings.redis_url),
            run=rt.run,
            options=delivery_options(settings),
        )
    return _deliverer


@worker_process_init.connect
def _fresh_process(**_: Any) -> None:
    global _deliverer
    _deliverer = None


@worker_process_shutdown.connect
def _close_process(**_: Any) -> None:
    if _deliverer is not None:
        for channel in _deliverer.channels.values():
            _deliverer.run(channel.close())


def _follow_up(deliverer: Deliverer) -> None:
    """Come back when the next row is due or a lease runs out, so retries and crashed sends
    are settled in seconds rather than at the next beat run."""
    wake_s = deliverer.next_wakeup_s()
    if wake_s is None:
        return
    delay_s = min(wake_s + 0.5, settings.notifications_interval_s)
    if settings.redis_url:
        # One follow-up per due second across all workers, not one per finished run.
        client = redis.Redis.from_url(settings.redis_url)
        try:
            key = f"{WAKEUP_KEY}{int(deliverer.clock().timestamp() + delay_s)}"
            if not client.set(key, "1", nx=True, ex=int(delay_s) + 60):
                return
        finally:
            client.close()
    send_notifications.apply_async(countdown=delay_s)


@app.task(name="send_notifications", ignore_result=True, **NOTIFY_RETRY)
def send_notifications() -> dict[str, int]:
    """Deliver due outbox rows (claim, send once, record), then schedule the next wake-up."""
    deliverer = get_deliverer()
    stats = deliverer.deliver_due()
    if stats.claimed or stats.reconciled:
        log.info("notifications delivered", extra=stats.as_dict())
    _follow_up(deliverer)
    return stats.as_dict()


@app.task(name="schedule_notifications", ignore_result=True, **NOTIFY_RETRY)
def schedule_notifications() -> dict[str, int]:
    """Beat job: settle rows whose lease expired, and start a delivery if anything is due."""
    deliverer = get_deliverer()
    settled = deliverer.reconcile()
    wake_s = deliverer.next_wakeup_s()
    if wake_s is not None and wake_s <= 0:
        send_notifications.delay()
    elif wake_s is not None:
        _follow_up(deliverer)
    return {"returned": settled.returned, "unknown": settled.unknown, "failed": settled.cancelled}


@worker_ready.connect
def _resume_delivery(**_: Any) -> None:
    """A (re)started worker settles and sends what is due now, not at the next sweep."""
    schedule_notifications.apply_async(ignore_result=True)
