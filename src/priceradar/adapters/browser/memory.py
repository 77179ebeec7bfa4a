"""Memory of the browser processes this process started (Linux /proc, no psutil).

Proportional set size (PSS, from smaps_rollup): a renderer's share of pages shared with its
siblings (libraries, the zygote) counts once across the tree, where summed RSS counted the
shared libraries once per process and doubled the figure.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def descendants_rss_mb(root_pid: int | None = None, name_contains: str = "chrom") -> float:
    """Summed PSS (MiB) of descendants of `root_pid` whose command name contains the string.

    Chromium runs as a tree (browser, renderers, utility processes) under Playwright's driver,
    which is our child. Where smaps_rollup is unreadable, RSS stands in (an upper bound).
    """
    root = root_pid or os.getpid()
    children: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    rss_pages: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue  # exited while we looked
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        pid = int(entry.name)
        children[ppid].append(pid)
        names[pid] = name
        rss_pages[pid] = int(statm[1])
    total, stack = 0.0, list(children[root])
    while stack:
        pid = stack.pop()
        if name_contains in names.get(pid, "").lower():
            total += _pss_bytes(pid, rss_pages.get(pid, 0) * _PAGE_BYTES)
        stack.extend(children[pid])
    return total / (1024 * 1024)


def _pss_bytes(pid: int, fallback: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return fallback
