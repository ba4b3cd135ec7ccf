"""Stock records for a small shop: prices, quantities and reorder checks."""

from __future__ import annotations

from dataclasses import dataclass

LOW_STOCK = 5


@dataclass
class Item:
    name: str
    price: float
    qty: int


def parse_item(row: str) -> Item:
    name, price, qty = row.split(",")
    return Item(name.strip(), float(price), int(qty))


def total_price(items):
    """Sum price times quantity over all items (dicts with "price" and "qty")."""
    total = 0
    for item in items:
        if item["qty"] < 0:
            continue
        total += item["price"] * item["qty"]
    return total


def needs_reorder(item: Item) -> bool:
    return item.qty < LOW_STOCK
