from datetime import date

from workdays import business_days_between, sla_breached


def test_skips_weekends_and_holidays():
    # Mon 23 Dec 2024 to Sun 29 Dec 2024: 25 and 26 are holidays, 28 and 29 a weekend.
    assert business_days_between(date(2024, 12, 23), date(2024, 12, 29)) == 3


def test_both_ends_included():
    assert business_days_between(date(2024, 1, 8), date(2024, 1, 8)) == 1
    assert business_days_between(date(2024, 1, 8), date(2024, 1, 12)) == 5
    assert business_days_between(date(2024, 1, 6), date(2024, 1, 7)) == 0


def test_spans_months_and_reversed_range():
    assert business_days_between(date(2024, 4, 29), date(2024, 5, 3)) == 4
    assert business_days_between(date(2024, 5, 3), date(2024, 4, 29)) == 0


def test_sla():
    assert not sla_breached(date(2024, 1, 8), date(2024, 1, 11))
    assert sla_breached(date(2024, 1, 8), date(2024, 1, 15))
