"""The UI's files ship in the package, load from it (no CDN) and carry their licences."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "priceradar"
WEB = PACKAGE / "web"


def test_every_template_and_static_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["priceradar"]
    files = [
        p.relative_to(PACKAGE).as_posix()
        for folder in ("static", "templates")
        for p in (WEB / folder).rglob("*")
        if p.is_file() and p.name != "README.md"
    ]
    assert files
    missing = [
        f for f in files if not any(fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)
    ]
    assert missing == []


def test_pages_load_scripts_and_styles_only_from_the_package() -> None:
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text()
        for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', text):
            assert url.startswith("/static/"), (template.name, url)
            assert (WEB / url.removeprefix("/")).is_file(), (template.name, url)
        assert "<script>" not in text and " style=" not in text, template.name  # CSP


def test_every_vendored_library_has_its_licence() -> None:
    for library in (WEB / "static" / "vendor").iterdir():
        if library.is_dir():
            assert (library / "LICENSE").is_file(), library.name
