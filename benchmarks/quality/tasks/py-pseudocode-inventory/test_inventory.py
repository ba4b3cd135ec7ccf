from inventory import total_price


def test_sums_price_times_quantity():
    assert total_price([{"price": 2.5, "qty": 4}, {"price": 1, "qty": 3}]) == 13.0


def test_skips_negative_quantities():
    assert total_price([{"price": 2.5, "qty": 4}, {"price": 1, "qty": -1}]) == 10.0


def test_empty():
    assert total_price([]) == 0
