"""A reader for the semicolon-separated price lists our suppliers send."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SEPARATOR = ";"


@dataclass(frozen=True)
class PriceLine:
    sku: str
    description: str
    price: Decimal


def split_fields(line: str) -> list[str]:
    return [field.strip() for field in line.split(SEPARATOR)]


def parse_price(text: str, number: int) -> Decimal:
    try:
        price = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"line {number}: bad price {text!r}") from None
    if price < 0:
        raise ValueError(f"line {number}: negative price")
    return price


def read_price_list(text: str) -> list[PriceLine]:
    """Parse lines like "A-100; Blue widget; 4.50" into PriceLine records."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = split_fields(line)
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected 3 fields, got {len(fields)}")
        sku, description, price = fields
        lines.append(PriceLine(sku, description, parse_price(price, number)))
    return lines


def price_index(lines: list[PriceLine]) -> dict[str, Decimal]:
    """Prices by SKU; a SKU listed twice keeps its last price."""
    return {line.sku: line.price for line in lines}
