from money import describe_split, split_bill


def test_left_over_cents_go_to_the_first_shares():
    assert split_bill(1000, 3) == [334, 333, 333]
    assert split_bill(10, 4) == [3, 3, 2, 2]


def test_shares_always_add_up():
    for total in (1, 99, 100, 12345):
        for people in (1, 2, 3, 7):
            shares = split_bill(total, people)
            assert sum(shares) == total
            assert max(shares) - min(shares) <= 1


def test_description_with_tip():
    assert describe_split("20,00", 3, tip_percent=10) == [
        "person 1: 7.34 EUR",
        "person 2: 7.33 EUR",
        "person 3: 7.33 EUR",
    ]
