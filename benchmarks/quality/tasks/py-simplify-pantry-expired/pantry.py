"""A kitchen pantry: batches of food with best-before dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

SOON_DAYS = 3


@dataclass(frozen=True)
class Batch:
    food: str
    quantity: int
    best_before: date


@dataclass
class Pantry:
    batches: list[Batch] = field(default_factory=list)

    def add(self, food: str, quantity: int, best_before: date) -> Batch:
        batch = Batch(food, quantity, best_before)
        self.batches.append(batch)
        return batch

    def has_expired(self, today: date) -> bool:
        """Whether any batch is past its best-before date on `today`."""
        found = False
        for batch in self.batches:
            if batch.best_before < today:
                found = True
                break
            else:
                continue
        if found == True:
            return True
        else:
            return False

    def expiring_soon(self, today: date, days: int = SOON_DAYS) -> list[Batch]:
        """Batches still good today that expire within `days` days, soonest first."""
        limit = today + timedelta(days=days)
        soon = [b for b in self.batches if today <= b.best_before <= limit]
        return sorted(soon, key=lambda b: b.best_before)

    def stock(self, food: str, today: date) -> int:
        return sum(b.quantity for b in self.batches if b.food == food and b.best_before >= today)
