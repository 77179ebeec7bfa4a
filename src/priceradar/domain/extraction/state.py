"""Embedded state: the JSON that script-rendered shops ship instead of JSON-LD.

`read_states` finds the state blobs (Next.js `__NEXT_DATA__`, Nuxt `__NUXT_DATA__` /
`window.__NUXT__`, also Nuxt 2's function form, `window.__INITIAL_STATE__` /
`__PRELOADED_STATE__` / `__APOLLO_STATE__`) in one walk over the page's scripts;
`embedded_values.state_products` finds product-shaped objects inside any of them. Each
recognizer is a small pure function over a script's text or a decoded value.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from priceradar.domain.extraction.nuxt2 import nuxt2_state

_JSON = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal, strict=False)
_MAX_SCRIPT = 3_000_000  # characters of one state script we parse; real states are < 1 MB
_MAX_NODES = 50_000  # objects visited per state; enough for a product page, bounded for junk
_MAX_DEPTH = 40
_ASSIGN = re.compile(
    r"(?:window\.|self\.|var\s+|let\s+|const\s+)?"
    r"(__(?:[A-Z0-9]+_)*(?:STATE|DATA)__|__NUXT__)"
    r"\s*=\s*"
)
_KNOWN = frozenset({"initial-state", "preloaded-state", "apollo-state", "state"})
_JSON_PARSE = re.compile(r"""JSON\.parse\(\s*(["'])""")


@dataclass(frozen=True, slots=True)
class State:
    """One decoded state blob and the framework it came from (for `--explain`)."""

    kind: str  # next, nuxt, initial-state, preloaded-state, apollo-state, …
    data: Any


def read_states(scripts: list[tuple[dict[str, str | None], str]]) -> list[State]:
    """Every framework state in the page's `(attributes, text)` scripts, in page order."""
    found: list[State] = []
    for attrs, text in scripts:
        if len(text) > _MAX_SCRIPT:
            continue
        script_id = attrs.get("id") or ""
        if script_id == "__NEXT_DATA__":
            value = load_json(text)
            if value is not None:
                found.append(State("next", value))
        elif script_id == "__NUXT_DATA__":
            value = load_json(text)
            if isinstance(value, list):
                found.append(State("nuxt", devalue(value)))
        else:
            found.extend(assigned_states(text))
    return found


def load_json(text: str) -> Any:
    """The JSON value a script body holds, or None."""
    try:
        return _JSON.decode(text.strip())
    except (ValueError, RecursionError):
        return None


def assigned_states(text: str) -> Iterator[State]:
    """`window.__X__ = {…}` and `window.__X__ = JSON.parse("…")` assignments in a script."""
    for match in _ASSIGN.finditer(text):
        kind = match.group(1).strip("_").lower().replace("_", "-")
        if kind.endswith("-state") and kind not in _KNOWN:
            kind = "initial-state"  # __PRODUCT_DETAIL_APP_INITIAL_STATE__ and the like
        value = literal_after(text, match.end())
        if value is None and kind == "nuxt":
            value = nuxt2_state(text[match.start() :])  # Nuxt 2: a function call, not JSON
        if value is not None:
            yield State(kind, resolve_refs(value) if kind == "apollo-state" else value)


def literal_after(text: str, pos: int) -> Any:
    """The JSON literal (or `JSON.parse("…")` string) starting at `pos`, else None."""
    parse = _JSON_PARSE.match(text, pos)
    try:
        if parse is not None:
            quote = parse.group(1)
            raw, _ = _JSON.raw_decode(text, parse.end() - 1) if quote == '"' else (None, 0)
            return _JSON.decode(raw) if isinstance(raw, str) else None
        value, _ = _JSON.raw_decode(text, pos)
    except (ValueError, RecursionError):
        return None  # JavaScript, not JSON (Nuxt 2's IIFE, say): not read
    return value


def resolve_refs(cache: Any) -> Any:
    """An Apollo cache with `{"__ref": "Money:1"}` links replaced by the objects they name."""
    if not isinstance(cache, dict):
        return cache

    def resolve(value: Any, depth: int) -> Any:
        if depth > 8:
            return None
        if isinstance(value, dict):
            ref = value.get("__ref")
            if isinstance(ref, str) and len(value) == 1:
                return resolve(cache.get(ref), depth + 1)
            return {k: resolve(v, depth + 1) for k, v in list(value.items())[:500]}
        if isinstance(value, list):
            return [resolve(v, depth + 1) for v in value[:500]]
        return value

    return {k: resolve(v, 0) for k, v in list(cache.items())[:_MAX_NODES]}


def devalue(table: list[Any]) -> Any:
    """Nuxt 3's `__NUXT_DATA__` (devalue format: a flat table of index references) as a tree."""
    memo: dict[int, Any] = {}

    def hydrate(index: Any, depth: int) -> Any:
        if not isinstance(index, int | Decimal) or depth > _MAX_DEPTH:
            return None
        i = int(index)
        if not 0 <= i < len(table):
            return None  # negative: undefined, NaN, infinities
        if i in memo:
            return memo[i]
        value = table[i]
        if isinstance(value, list):
            if value and isinstance(value[0], str):  # ["Reactive", 3], ["Ref", 5], …
                out = hydrate(value[1], depth + 1) if len(value) > 1 else None
            else:
                out = [hydrate(v, depth + 1) for v in value[:2000]]
        elif isinstance(value, dict):
            out = {k: hydrate(v, depth + 1) for k, v in list(value.items())[:2000]}
        else:
            out = value
        memo[i] = out
        return out

    return hydrate(0, 0)


def walk_dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict inside `data`, breadth-first, bounded in count and depth."""
    queue: deque[tuple[Any, int]] = deque([(data, 0)])
    seen = 0
    while queue and seen < _MAX_NODES:
        value, depth = queue.popleft()
        seen += 1
        if depth > _MAX_DEPTH:
            continue
        if isinstance(value, dict):
            yield value
            queue.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            queue.extend((v, depth + 1) for v in value[:500] if isinstance(v, dict | list))
