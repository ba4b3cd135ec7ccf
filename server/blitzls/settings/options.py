"""What a setting's value may be: one converter per kind of value, and its error message.

Each setting in the schema names one of these kinds; :func:`blitzls.settings.schema.convert`
hands it the raw value (a JSON/TOML value, or text from the environment or a flag). A kind
returns the typed value or raises :class:`SettingsError` saying what the value must be.
Pure functions of their input: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """A value does not fit its setting; the message says what it must be and what it got."""


def quoted(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut short: a message stays one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_number(number: float) -> str:
    """``1000000`` → ``1_000_000``; small numbers as they are."""
    return f"{number:,}".replace(",", "_") if number >= 100_000 else f"{number:g}"


class Kind:
    """A kind of setting value. (Plain classes: a dataclass apiece costs start-up time.)"""

    def convert(self, value: Any, *, from_text: bool) -> Any:
        """The typed value; ``from_text``: ``value`` is text from the environment or a flag."""
        raise NotImplementedError

    def fail(self, wanted: str, value: Any) -> SettingsError:
        return SettingsError(f"must be {wanted}, got {quoted(value)}")


class Text(Kind):
    """Any string."""

    def convert(self, value: Any, *, from_text: bool) -> str:
        if isinstance(value, str):
            return value
        raise self.fail("a string", value)


class Choice(Kind):
    """One of a fixed set of words, case-insensitive."""

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def convert(self, value: Any, *, from_text: bool) -> str:
        word = value.strip().lower() if isinstance(value, str) else None
        if word in self.choices:
            return word
        raise self.fail(f"one of {', '.join(self.choices)}", value)


class Flag(Kind):
    """true or false (also 1/0, yes/no, on/off as text)."""

    def convert(self, value: Any, *, from_text: bool) -> bool:
        if isinstance(value, bool):
            return value
        word = value.strip().lower() if from_text and isinstance(value, str) else None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise self.fail("true or false", value)


class Number(Kind):
    """A finite int or float from ``low`` to ``high``; ``optional``: empty or null is None."""

    def __init__(
        self, type: type[int] | type[float], low: float, high: float, *, optional: bool = False
    ) -> None:
        self.type, self.low, self.high, self.optional = type, low, high, optional

    @property
    def wanted(self) -> str:
        word = "a whole number" if self.type is int else "a number"
        return f"{word} from {plain_number(self.low)} to {plain_number(self.high)}"

    def convert(self, value: Any, *, from_text: bool) -> int | float | None:
        if self.optional and (value is None or value == ""):
            return None
        number: int | float
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError
            if isinstance(value, str):
                if not from_text:
                    raise ValueError
                number = int(value.strip()) if self.type is int else float(value.strip())
            else:
                number = value
            if isinstance(number, float) and not math.isfinite(number):
                raise ValueError
            if self.type is int and isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
        except (ValueError, OverflowError):
            raise self.fail(self.wanted, value) from None
        if not self.low <= number <= self.high:
            raise self.fail(self.wanted, value)
        return int(number) if self.type is int else float(number)


class Patterns(Kind):
    """Glob patterns: a list of strings, or one comma-separated string."""

    def convert(self, value: Any, *, from_text: bool) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, (list, tuple)) and all(isinstance(item, str) for item in items):
            return tuple(item.strip() for item in items if item.strip())
        raise self.fail("a list of glob patterns (or a comma-separated string)", value)


class Prices(Kind):
    """``{model: {input, cached_input, output}}`` in USD per million tokens, each bounded."""

    def __init__(self, limit: float = 10_000.0) -> None:  # far above any real price
        self.limit = limit

    def _price(self, number: Any) -> bool:
        return (
            isinstance(number, (int, float))
            and not isinstance(number, bool)
            and math.isfinite(number)
            and 0 <= number <= self.limit
        )

    def convert(self, value: Any, *, from_text: bool) -> Mapping[str, Any]:
        if not isinstance(value, Mapping) or not all(
            isinstance(row, Mapping)
            and self._price(row.get("input"))
            and self._price(row.get("output"))
            and self._price(row.get("cached_input", 0))
            for row in value.values()
        ):
            raise self.fail(
                "a table of model names to {input, cached_input, output} numbers from 0 to "
                f"{self.limit:g}",
                value,
            )
        return MappingProxyType(
            {
                str(model): {
                    "input": float(row["input"]),
                    "cached_input": float(row.get("cached_input", row["input"])),
                    "output": float(row["output"]),
                }
                for model, row in value.items()
            }
        )


class Tables(Kind):
    """User-defined actions: a list of tables, or ``{id = {...}}`` (each is checked later)."""

    def convert(self, value: Any, *, from_text: bool) -> tuple[Any, ...]:
        from blitzls.actions import action_tables

        tables = action_tables(value)
        if tables is None:
            raise self.fail("a list of tables", value)
        return tables
