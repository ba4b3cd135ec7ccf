"""In-memory helpers for lists of records loaded from a JSON API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]


def load_records(text: str) -> list[Record]:
    data = json.loads(text)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("expected a JSON array of objects")
    return data


def pluck(records: list[Record], key: str) -> list[Any]:
    return [record[key] for record in records if key in record]


def index_by(records, key):
    """Group records by their value for `key`; records without that key are left out."""
    index = {}
    for record in records:
        if key in record:
            index.setdefault(record[key], []).append(record)
    return index


def where(records: list[Record], test: Callable[[Record], bool]) -> list[Record]:
    return [record for record in records if test(record)]


def count_by(records: list[Record], key: str) -> dict[Any, int]:
    return {value: len(group) for value, group in index_by(records, key).items()}
