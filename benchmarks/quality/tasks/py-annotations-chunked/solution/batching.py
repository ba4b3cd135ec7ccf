"""Batching records for bulk API uploads, by count and by encoded size."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

MAX_BATCH = 100
MAX_BYTES = 256_000


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most `size` items; the last one may be shorter."""
    if size < 1:
        raise ValueError("size must be at least 1")
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def encoded_size(record: dict[str, Any]) -> int:
    return len(json.dumps(record, separators=(",", ":")).encode("utf-8"))


def batches_by_bytes(
    records: Iterable[dict[str, Any]], limit: int = MAX_BYTES
) -> Iterator[list[dict[str, Any]]]:
    """Batches whose JSON array stays under `limit` bytes (a larger record goes alone)."""
    batch: list[dict[str, Any]] = []
    used = 2
    for record in records:
        size = encoded_size(record) + 1
        if batch and used + size > limit:
            yield batch
            batch, used = [], 2
        batch.append(record)
        used += size
    if batch:
        yield batch


def upload_plan(records: list[dict[str, Any]]) -> list[int]:
    """The sizes of the batches an upload would send."""
    chunks = chunked(records, MAX_BATCH)
    return [len(batch) for chunk in chunks for batch in batches_by_bytes(chunk)]
