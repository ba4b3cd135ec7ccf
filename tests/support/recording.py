"""A list of lines that records which ones were read, to prove code reads only a few."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload


class Recording(Sequence[str]):
    """Lines that remember which indices were read; iterating or slicing fails the test."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self.seen: set[int] = set()

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the whole file should not be read")

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            raise AssertionError("the lines should not be sliced")
        self.seen.add(index % len(self._lines))
        return self._lines[index]
