from decimal import Decimal

from expenses import in_month, read_expenses, totals_by_category

CSV = """date,description,category,amount
2024-03-01,Bakery,food,3.40
2024-03-02,Rent,rent,750.00
2024-03-05,Market, food ,9.35
2024-03-09,Bus pass,transport,25.00
2024-04-01,Bakery,food,2.10
"""


def test_sums_per_category_exactly():
    totals = totals_by_category(read_expenses(CSV))
    assert totals == {
        "food": Decimal("14.85"),
        "rent": Decimal("750.00"),
        "transport": Decimal("25.00"),
    }
    assert all(isinstance(value, Decimal) for value in totals.values())


def test_categories_sorted():
    rows = [
        {"category": "travel", "amount": "1"},
        {"category": "books", "amount": "2"},
        {"category": "food", "amount": "3"},
    ]
    assert list(totals_by_category(rows)) == ["books", "food", "travel"]


def test_with_a_month_filter_and_no_rows():
    march = [row for row in read_expenses(CSV) if in_month(row, 2024, 3)]
    assert totals_by_category(march)["food"] == Decimal("12.75")
    assert totals_by_category([]) == {}
