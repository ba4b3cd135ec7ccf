import json
from decimal import Decimal

from shop_import import OrderLine, gross_total, parse_lines

EXPORT = json.dumps(
    {
        "order": "W-1042",
        "lines": [
            {"sku": "MUG-01", "qty": 2, "unit_price": "7.50"},
            {"sku": "TEA-10", "qty": "3", "unit_price": "4.99"},
        ],
    }
)


def test_parses_the_export():
    assert parse_lines(EXPORT) == [
        OrderLine("MUG-01", 2, Decimal("7.50")),
        OrderLine("TEA-10", 3, Decimal("4.99")),
    ]


def test_totals():
    assert gross_total(parse_lines(EXPORT)) == Decimal("35.96")
