"""Disk usage report for a backup folder."""

from __future__ import annotations

import os
from pathlib import Path

UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
STEP = 1024


def folder_size(root: Path) -> int:
    """Total size in bytes of the regular files under `root`; symlinks are not followed."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath, name)
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total


def biggest_children(root: Path, n: int = 3) -> list[tuple[str, int]]:
    """The `n` largest direct children of `root` by total size, largest first."""
    sizes = []
    for child in root.iterdir():
        size = folder_size(child) if child.is_dir() else child.stat().st_size
        sizes.append((child.name, size))
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:n]


def report(root: Path) -> str:
    lines = [f"{root}: {human_size(folder_size(root))}"]
    for name, size in biggest_children(root):
        lines.append(f"  {name:<20} {human_size(size):>10}")
    return "\n".join(lines)


def human_size(size: int, precision: int = 1) -> str:
    """Format a byte count with binary units, e.g. 1536 -> "1.5 KiB" and 512 -> "512 B".

    Bytes are shown as a whole number; larger units with `precision` decimals, up to TiB.
    Raises ValueError for a negative size.
    """
    if size < 0:
        raise ValueError("size cannot be negative")
    value = float(size)
    unit = UNITS[0]
    for unit in UNITS:
        if value < STEP or unit == UNITS[-1]:
            break
        value /= STEP
    if unit == "B":
        return f"{size} B"
    return f"{value:.{precision}f} {unit}"
