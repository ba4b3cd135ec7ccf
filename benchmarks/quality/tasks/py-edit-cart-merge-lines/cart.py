"""A shopping cart with per-line quantities and a bulk discount."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

BULK_QTY = 10
BULK_DISCOUNT = Decimal("0.10")
CENT = Decimal("0.01")


@dataclass
class CartLine:
    sku: str
    unit_price: Decimal
    qty: int

    @property
    def subtotal(self) -> Decimal:
        discount = BULK_DISCOUNT if self.qty >= BULK_QTY else Decimal(0)
        return (self.unit_price * self.qty * (1 - discount)).quantize(CENT)


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)

    def add(self, sku: str, unit_price: Decimal, qty: int = 1) -> CartLine:
        """Put `qty` units of a product in the cart and return its line."""
        line = CartLine(sku, unit_price, qty)
        self.lines.append(line)
        return line

    def remove(self, sku: str) -> None:
        self.lines = [line for line in self.lines if line.sku != sku]

    def total(self) -> Decimal:
        return sum((line.subtotal for line in self.lines), Decimal(0))

    def count(self) -> int:
        return sum(line.qty for line in self.lines)


def receipt(cart: Cart) -> str:
    rows = [f"{line.qty:>3} x {line.sku:<10} {line.subtotal:>8}" for line in cart.lines]
    rows.append(f"{'total':>16} {cart.total():>8}")
    return "\n".join(rows)
