"""Money as integer cents: parsing, formatting and splitting a bill between people."""

from __future__ import annotations

import re
from dataclasses import dataclass

AMOUNT_RE = re.compile(r"^(-)?(\d+)(?:[.,](\d{1,2}))?$")
CURRENCY = "EUR"


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = CURRENCY

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        whole, rest = divmod(abs(self.cents), 100)
        return f"{sign}{whole}.{rest:02d} {self.currency}"


def parse_cents(text: str) -> int:
    """Cents in an amount such as "12.5" (1250) or "-3,05" (-305); ValueError otherwise."""
    match = AMOUNT_RE.match(text.strip())
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    sign, whole, fraction = match.groups()
    cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    return -cents if sign else cents


def split_bill(total_cents: int, people: int) -> list[int]:
    """Split a bill into one share per person, in cents."""
    if people <= 0:
        raise ValueError("people must be positive")
    share, left_over = divmod(total_cents, people)
    return [share + 1 if n < left_over else share for n in range(people)]


def with_tip(total_cents: int, percent: int) -> int:
    """The total plus a tip, rounded half up to whole cents."""
    return total_cents + (total_cents * percent + 50) // 100


def describe_split(total_text: str, people: int, tip_percent: int = 0) -> list[str]:
    total = with_tip(parse_cents(total_text), tip_percent)
    return [f"person {n}: {Money(share)}" for n, share in enumerate(split_bill(total, people), 1)]
