from decimal import Decimal

import pytest
from cart import Cart


def test_same_sku_adds_to_its_line():
    cart = Cart()
    first = cart.add("PEN", Decimal("1.20"), 2)
    cart.add("PAD", Decimal("3.00"))
    again = cart.add("PEN", Decimal("1.20"), 3)
    assert again is first
    assert [(line.sku, line.qty) for line in cart.lines] == [("PEN", 5), ("PAD", 1)]
    assert cart.count() == 6


def test_bulk_discount_after_merging():
    cart = Cart()
    cart.add("INK", Decimal("2.00"), 6)
    cart.add("INK", Decimal("2.00"), 4)
    assert cart.total() == Decimal("18.00")


def test_quantity_must_be_positive():
    cart = Cart()
    for bad in (0, -2):
        with pytest.raises(ValueError):
            cart.add("PEN", Decimal("1.20"), bad)
    assert cart.lines == []
