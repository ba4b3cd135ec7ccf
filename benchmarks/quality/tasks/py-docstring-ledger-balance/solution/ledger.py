"""A running ledger of account movements, each on a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Movement:
    day: date
    amount: Decimal
    memo: str = ""


@dataclass
class Ledger:
    opening: Decimal = ZERO
    movements: list[Movement] = field(default_factory=list)

    def record(self, day: date, amount: Decimal, memo: str = "") -> Movement:
        """Add a movement: positive for money in, negative for money out."""
        movement = Movement(day, amount, memo)
        self.movements.append(movement)
        return movement

    def balance_at(self, day: date) -> Decimal:
        """The balance at the end of `day`: the opening amount plus every movement up to it."""
        total = self.opening
        for movement in self.movements:
            if movement.day <= day:
                total += movement.amount
        return total

    def lowest_balance(self) -> tuple[date, Decimal] | None:
        """The day and amount of the lowest end-of-day balance; None without movements."""
        days = sorted({movement.day for movement in self.movements})
        if not days:
            return None
        return min(((day, self.balance_at(day)) for day in days), key=lambda item: item[1])


def overdrawn_days(ledger: Ledger) -> list[date]:
    days = sorted({movement.day for movement in ledger.movements})
    return [day for day in days if ledger.balance_at(day) < ZERO]
