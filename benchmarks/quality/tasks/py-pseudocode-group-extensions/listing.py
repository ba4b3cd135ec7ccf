"""Summaries of a project's file listing: sizes, extensions and the largest files."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

IGNORED_DIRS = frozenset({".git", "__pycache__", "node_modules"})


def is_ignored(path: str) -> bool:
    return any(part in IGNORED_DIRS for part in PurePosixPath(path).parts)


def total_size(sizes: dict[str, int]) -> int:
    return sum(size for path, size in sizes.items() if not is_ignored(path))


def group_by_extension(paths: list[str]) -> dict[str, list[str]]:
    """Map each extension (lower case, no dot; "" for none) to the names of its files."""
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        if is_ignored(path):
            continue
        # take the suffix of PurePosixPath(path), lower-cased and without its leading dot
        # append the file's name (its last path component, as written) to that group
    return dict(groups)


def largest_files(sizes: dict[str, int], n: int = 5) -> list[tuple[str, int]]:
    """The `n` biggest files that are not ignored, biggest first, ties by path."""
    visible = [(path, size) for path, size in sizes.items() if not is_ignored(path)]
    return sorted(visible, key=lambda item: (-item[1], item[0]))[:n]


def extension_report(paths: list[str]) -> str:
    groups = group_by_extension(paths)
    rows = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return "\n".join(f"{ext or '(none)'}: {len(names)}" for ext, names in rows)
