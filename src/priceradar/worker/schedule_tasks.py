"""The seed guide's beat jobs: schedule sweeps, priorities, discovery and cleanup."""

from __future__ import annotations
