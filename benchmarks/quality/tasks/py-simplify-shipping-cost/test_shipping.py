import inspect

import pytest
from shipping import Parcel, quote, shipping_cost


def code_lines(function) -> list[str]:
    lines = inspect.getsource(function).splitlines()
    return [line for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_repeated_capping_and_rounding_is_gone():
    source = inspect.getsource(shipping_cost)
    # The cap and the rounding each appear once (the docstring may name MAX_SHIPPING too).
    assert source.count("MAX_SHIPPING") <= 3
    assert source.count("round(") == 1
    assert len(code_lines(shipping_cost)) <= 16


def test_behaviour_is_unchanged():
    assert shipping_cost(2, "local") == 4.0
    assert shipping_cost(1.3, "national") == 6.04
    assert shipping_cost(3, "international") == 19.5
    assert shipping_cost(100, "national") == 40.0
    assert shipping_cost(0, "international") == 12.0
    with pytest.raises(ValueError):
        shipping_cost(1, "moon")
    assert quote(Parcel(2, "local", 200.0)) == 0.0
    assert quote(Parcel(2, "local", 20.0)) == 4.0
