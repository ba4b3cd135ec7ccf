"""Order lifecycle as a small state machine with an audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

TRANSITIONS: dict[tuple[str, str], str] = {
    ("new", "pay"): "paid",
    ("new", "cancel"): "cancelled",
    ("paid", "ship"): "shipped",
    ("paid", "refund"): "refunded",
    ("shipped", "deliver"): "delivered",
}
FINAL_STATES = frozenset({"cancelled", "refunded", "delivered"})


class InvalidTransition(Exception):
    def __init__(self, state: str, event: str) -> None:
        super().__init__(f"cannot {event} an order that is {state}")
        self.state = state
        self.event = event


@dataclass
class Order:
    number: str
    state: str = "new"
    history: list[tuple[str, str, datetime]] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def handle(self, event: str, now: datetime | None = None) -> str:
        """Apply `event` to the order and return the new state."""
        new_state = TRANSITIONS.get((self.state, event))
        if new_state is None:
            raise InvalidTransition(self.state, event)
        self.history.append((self.state, event, now or datetime.now(UTC)))
        self.state = new_state
        return new_state

    def events(self) -> list[str]:
        return [event for _, event, _ in self.history]


def allowed_events(state: str) -> list[str]:
    return sorted(event for (source, event) in TRANSITIONS if source == state)


def replay(number: str, events: list[str]) -> Order:
    """Rebuild an order from its recorded events."""
    order = Order(number)
    for event in events:
        order.handle(event)
    return order
