"""Notification tasks: deliver pending outbox rows (filled in by the deals/notifications issue)."""

from __future__ import annotations
