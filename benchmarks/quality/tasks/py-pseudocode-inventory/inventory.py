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
    # start a running total at zero
    # for each item add its price times its quantity
    # skip items whose quantity is negative
    return total


def needs_reorder(item: Item) -> bool:
    return item.qty < LOW_STOCK
