"""Importing any module reads no settings and touches no files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.stack import clean_environ

IMPORT_ALL = """
import importlib, pkgutil, priceradar
skip = ("__main__", "priceradar.migrations.env", "priceradar.migrations.versions")
names = [
    m.name
    for m in pkgutil.walk_packages(priceradar.__path__, "priceradar.")
    if not m.name.endswith(skip[0]) and not m.name.startswith(skip[1:])
]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_importing_every_module_reads_no_settings_and_touches_no_files(tmp_path: Path) -> None:
    # Given settings that fail to load (any read of them exits) and an empty working directory
    env = {
        **clean_environ(),
        "PRICERADAR_DATA_DIR": str(tmp_path / "data"),
        "PRICERADAR_LEASE_S": "-1",
    }
    # When every module is imported, the API and the worker app among them
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then nothing failed and nothing was created
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout.split()[-1]) > 50
    assert list(tmp_path.iterdir()) == []
