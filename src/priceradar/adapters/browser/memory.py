"""Memory of the browser processes this process started (Linux /proc, no psutil).

Proportional set size (PSS, from smaps_rollup): a renderer's share of pages shared with its
siblings (libraries, the zygote) counts once across the tree, where summed RSS counted the
shared libraries once per process and doubled the figure.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def descendants_cpu_s(
    root_pid: int | None = None, names: tuple[str, ...] = ("chrom", "node")
) -> float:
    """CPU seconds (user + system, including reaped children) of `root_pid` itself and of its
    descendants whose command name contains one of `names` (the browser tree and Playwright's
    driver). For benchmarks: CPU per page does not depend on how busy the machine is."""
    root = root_pid or os.getpid()
    tree = _process_tree()
    total, stack = _cpu_ticks(root), list(tree.children[root])
    while stack:
        pid = stack.pop()
        if any(n in tree.names.get(pid, "").lower() for n in names):
            total += _cpu_ticks(pid)
        stack.extend(tree.children[pid])
    return total / _TICKS_PER_S


def _cpu_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2 :].split()
    return sum(int(f) for f in fields[11:15])  # utime stime cutime cstime


def descendants_rss_mb(root_pid: int | None = None, name_contains: str = "chrom") -> float:
    """Summed PSS (MiB) of descendants of `root_pid` whose command name contains the string.

    Chromium runs as a tree (browser, renderers, utility processes) under Playwright's driver,
    which is our child. Where smaps_rollup is unreadable, RSS stands in (an upper bound).
    """
    root = root_pid or os.getpid()
    tree = _process_tree()
    total, stack = 0.0, list(tree.children[root])
    while stack:
        pid = stack.pop()
        if name_contains in tree.names.get(pid, "").lower():
            total += _pss_bytes(pid, tree.rss_pages.get(pid, 0) * _PAGE_BYTES)
        stack.extend(tree.children[pid])
    return total / (1024 * 1024)


@dataclass
class _Tree:
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)
    rss_pages: dict[int, int] = field(default_factory=dict)


def _process_tree() -> _Tree:
    tree = _Tree()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue  # exited while we looked
        pid = int(entry.name)
        tree.children[int(stat[stat.rindex(")") + 2 :].split()[1])].append(pid)
        tree.names[pid] = stat[stat.index("(") + 1 : stat.rindex(")")]
        tree.rss_pages[pid] = int(statm[1])
    return tree


def _pss_bytes(pid: int, fallback: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return fallback
