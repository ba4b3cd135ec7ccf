"""Dotted-path access to nested configuration dicts ("db.pool.size")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SEPARATOR = "."


def flatten(config: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of the config as (dotted path, value), depth first."""
    for key, value in config.items():
        path = f"{prefix}{SEPARATOR}{key}" if prefix else key
        if isinstance(value, dict) and value:
            yield from flatten(value, path)
        else:
            yield path, value


def set_path(config: dict[str, Any], dotted: str, value: Any) -> None:
    """Set a value, creating the intermediate dicts as needed."""
    *parents, last = dotted.split(SEPARATOR)
    node = config
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def lookup(config: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted path; KeyError when any part of the path is missing."""
    node: Any = config
    for part in dotted.split(SEPARATOR):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The dotted paths whose values differ between two configs, sorted."""
    before, after = dict(flatten(old)), dict(flatten(new))
    paths = before.keys() | after.keys()
    return sorted(path for path in paths if before.get(path) != after.get(path))
