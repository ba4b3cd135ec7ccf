"""Import of orders from the web shop's JSON export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VAT_RATE = Decimal("0.20")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderLine:
    sku: str
    qty: int
    unit_price: Decimal

    @property
    def net(self) -> Decimal:
        return self.unit_price * self.qty


def parse_lines(payload: str) -> list[OrderLine]:
    """The lines of an exported order: {"lines": [{"sku", "qty", "unit_price"}, ...]}."""
    data = json.loads(payload)
    return [
        OrderLine(item["sku"], int(item["qty"]), Decimal(item["unit_price"]))
        for item in data["lines"]
    ]


def net_total(lines: list[OrderLine]) -> Decimal:
    return sum((line.net for line in lines), Decimal(0))


def vat(lines: list[OrderLine]) -> Decimal:
    return (net_total(lines) * VAT_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


def gross_total(lines: list[OrderLine]) -> Decimal:
    return net_total(lines) + vat(lines)
