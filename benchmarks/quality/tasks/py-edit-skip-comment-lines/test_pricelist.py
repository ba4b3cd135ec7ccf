from decimal import Decimal

import pytest
from pricelist import PriceLine, read_price_list

TEXT = """# supplier: ACME, valid from 2024-05-01
A-100; Blue widget; 4.50

# discontinued:
B-200; Red widget; 5,25
"""


def test_blank_and_comment_lines_are_skipped():
    assert read_price_list(TEXT) == [
        PriceLine("A-100", "Blue widget", Decimal("4.50")),
        PriceLine("B-200", "Red widget", Decimal("5.25")),
    ]


def test_errors_keep_the_line_numbers_of_the_file():
    with pytest.raises(ValueError, match="line 4: expected 3 fields"):
        read_price_list("# header\n\nA-1; ok; 1\nA-2; missing price\n")
    with pytest.raises(ValueError, match="line 3: bad price"):
        read_price_list("\n# x\nA-3; Thing; cheap\n")
