"""Reading import files: validated as a whole before anything is stored, then row by row.

A file that cannot be read as a whole (not UTF-8, JSON that does not parse or nests too
deeply) raises `UnreadableImport` before the first insert: nothing is stored. A readable file
with bad rows stores its good rows and reports each bad one with its line and reason.

CSV is read one line at a time (a product row is one line: URLs hold no line breaks), so a
stray quote or an oversized field spoils its own row only, never the rows after it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO, TypeVar

from priceradar.services.catalog import ProductInput

MAX_LINE_CHARS = 16 * 1024  # a URL is at most 2048; the rest of a row is two small numbers
Rejected = tuple[str, str]  # (input, reason)
Row = ProductInput | Rejected
T = TypeVar("T")


class UnreadableImport(ValueError):
    """The file as a whole cannot be read; the message says why. Nothing was stored."""


def validated(stream: IO[bytes], parse: Callable[[IO[str]], Iterator[T]]) -> Iterator[T]:
    """Parse the whole stream once to find file-level problems, then again lazily for use.

    Raises UnreadableImport from the first pass; the second cannot fail at file level.
    """
    for _ in _decoded(stream, parse):
        pass
    stream.seek(0)
    return _decoded(stream, parse)


def _decoded(stream: IO[bytes], parse: Callable[[IO[str]], Iterator[T]]) -> Iterator[T]:
    # utf-8-sig: a byte-order mark (Excel writes one) is not part of the first header name.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from parse(text)
    except UnicodeDecodeError as exc:
        raise UnreadableImport(
            f"not UTF-8: byte 0x{exc.object[exc.start]:02x} cannot be decoded "
            f"(save the file as UTF-8)"
        ) from None
    except RecursionError:
        raise UnreadableImport("nested too deeply") from None
    finally:
        text.detach()


def accepted(rows: Iterator[Row], rejected: list[Rejected]) -> Iterator[ProductInput]:
    """The rows to add; the others go to `rejected`."""
    for row in rows:
        if isinstance(row, ProductInput):
            yield row
        else:
            rejected.append(row)


def csv_rows(text: IO[str]) -> Iterator[Row]:
    """Rows with a `url` column (header required) and optional `check_interval_s`, `priority`.

    A file without a header is read as one URL per line.
    """
    first = text.readline()
    header = [h.strip().lower() for h in _fields(first) or []]
    if "url" not in header:
        for line in _chain(first, text):
            if line.strip():
                yield _too_long(line) or ProductInput(line.strip())
        return
    for number, line in enumerate(text, start=2):
        if not line.strip():
            continue
        too_long = _too_long(line)
        if too_long is not None:
            yield too_long
            continue
        fields = _fields(line)
        if fields is None:
            yield (line.strip(), f"line {number}: unbalanced or stray quote")
            continue
        yield _csv_row(dict(zip(header, fields, strict=False)), line.strip(), number)


def _csv_row(row: dict[str, str], raw: str, number: int) -> Row:
    url = (row.get("url") or "").strip()
    if not url:
        return (raw, f"line {number}: no url")
    if '"' in url:  # never in a URL (it is %22 there): a quote the spreadsheet mangled
        return (raw, f"line {number}: stray quote in the url")
    try:
        interval = _whole_number(row.get("check_interval_s"), "check_interval_s")
        priority = _whole_number(row.get("priority"), "priority")
    except ValueError as exc:
        return (raw, f"line {number}: {exc}")
    return ProductInput(url, interval, priority if priority is not None else 0)


def _whole_number(value: str | None, name: str) -> int | None:
    """An ASCII whole number, or None when empty. `²` or `٣` are digits to str.isdigit() and
    int() alike, but not what anyone means in a spreadsheet."""
    text = (value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdecimal() and len(text) <= 10):
        raise ValueError(f"{name} must be a whole number, not {text[:20]!r}")
    return int(text)


def _fields(line: str) -> list[str] | None:
    try:
        return next(csv.reader([line], strict=True), [])
    except csv.Error:
        return None


def _too_long(line: str) -> Rejected | None:
    if len(line) > MAX_LINE_CHARS:
        return (line[:200], f"row longer than {MAX_LINE_CHARS} characters")
    return None


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest
