from datetime import UTC, datetime

import pytest
from orders import InvalidTransition, Order, replay

NOON = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_valid_event_moves_and_records():
    order = Order("A-1")
    assert order.handle("pay", NOON) == "paid"
    assert order.state == "paid"
    assert order.history == [("new", "pay", NOON)]


def test_invalid_event_changes_nothing():
    order = Order("A-2")
    order.handle("pay", NOON)
    with pytest.raises(InvalidTransition) as caught:
        order.handle("deliver", NOON)
    assert (caught.value.state, caught.value.event) == ("paid", "deliver")
    assert order.state == "paid"
    assert order.history == [("new", "pay", NOON)]


def test_replay_uses_the_current_time():
    order = replay("A-3", ["pay", "ship", "deliver"])
    assert order.is_final
    assert order.events() == ["pay", "ship", "deliver"]
    assert [entry[0] for entry in order.history] == ["new", "paid", "shipped"]
    assert all(isinstance(entry[2], datetime) for entry in order.history)
