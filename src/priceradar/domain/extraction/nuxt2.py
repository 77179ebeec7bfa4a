"""Nuxt 2's `window.__NUXT__=(function(a,b,…){return {…}}(1,"EUR",…))`, read without running it.

The payload is a JavaScript object literal whose repeated values are hoisted into the function's
parameters. One left-to-right pass rewrites it as JSON: bare keys are quoted, parameter names
become their arguments, `!0`/`!1`/`void 0` become true/false/null. Anything else JavaScript
(a function call, a regular expression, an expression) makes the payload unreadable: None, and
the page is left to the other methods.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_IIFE = re.compile(r"\(function\(([\w$,\s]*)\)\s*\{\s*return\s+")
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_$][\w$]*)
    | (?P<bang>![01])
    | (?P<punct>[{}\[\],:])
    )""",
    re.X,
)
_LITERALS = {"true": "true", "false": "false", "null": "null", "undefined": "null"}
_MAX_PAYLOAD = 2_000_000  # characters; real payloads are well under 1 MB


def nuxt2_state(text: str) -> Any:
    """The decoded `__NUXT__` payload of a Nuxt 2 script, or None when it cannot be read."""
    start = text.find("__NUXT__")
    match = _IIFE.search(text, start) if start >= 0 else None
    if match is None or len(text) - match.end() > _MAX_PAYLOAD:
        return None
    names = [n.strip() for n in match.group(1).split(",") if n.strip()]
    body, pos = _rewrite(text, match.end(), None)  # first pass: find where the body ends
    if body is None or not text.startswith("}", _skip(text, pos)):
        return None
    pos = _skip(text, pos) + 1
    if not text.startswith("(", _skip(text, pos)):
        return None
    args, _ = _rewrite_list(text, _skip(text, pos) + 1, ")", {})
    if args is None:
        return None
    try:
        values = json.loads(f"[{args}]", parse_float=Decimal)
    except ValueError:
        return None
    bound = {n: json.dumps(v, default=str) for n, v in zip(names, values, strict=False)}
    body, _ = _rewrite(text, match.end(), bound)
    try:
        return json.loads(body, parse_float=Decimal) if body is not None else None
    except ValueError:
        return None


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _rewrite(text: str, pos: int, bound: dict[str, str] | None) -> tuple[str | None, int]:
    """One JS value starting at `pos` as JSON text, and the position after it.

    `bound` maps parameter names to their JSON; None accepts any name (as null), for the pass
    that only finds the value's end."""
    out: list[str] = []
    depth = 0
    expect_key = False
    while True:
        token = _TOKEN.match(text, pos)
        if token is None:
            return None, pos
        pos = token.end()
        kind, value = token.lastgroup, token.group(token.lastgroup or "")
        if kind == "punct":
            if value in "{[":
                depth += 1
                expect_key = value == "{"
            elif value in "}]":
                depth -= 1
                if depth < 0:
                    return None, pos
            elif value == ",":
                expect_key = _innermost(out) == "{"
            out.append(value)
            if depth == 0:
                return "".join(out), pos
            continue
        if kind == "word" and expect_key:
            out.append(json.dumps(value))
        elif kind == "word":
            literal = _LITERALS.get(value) or ("null" if bound is None else bound.get(value))
            if literal is None and value == "void" and text.startswith("0", _skip(text, pos)):
                literal, pos = "null", _skip(text, pos) + 1
            if literal is None:
                return None, pos  # unbound name: a real expression, not data
            out.append(literal)
        elif kind == "bang":
            out.append("true" if value == "!0" else "false")
        else:
            out.append(value)  # a string (a key too) or a number
        expect_key = False
        if depth == 0:
            return "".join(out), pos


def _rewrite_list(
    text: str, pos: int, closer: str, bound: dict[str, str] | None
) -> tuple[str | None, int]:
    """Comma-separated JS values up to `closer`, as JSON text."""
    values: list[str] = []
    while True:
        pos = _skip(text, pos)
        if text.startswith(closer, pos):
            return ",".join(values), pos + 1
        value, pos = _rewrite(text, pos, bound)
        if value is None:
            return None, pos
        values.append(value)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos += 1


def _innermost(out: list[str]) -> str | None:
    """The innermost open bracket in the JSON written so far."""
    depth = 0
    for piece in reversed(out):
        if piece in "}]":
            depth += 1
        elif piece in "{[":
            if depth == 0:
                return piece
            depth -= 1
    return None
