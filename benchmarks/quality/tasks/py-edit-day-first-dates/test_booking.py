from datetime import date

import pytest
from booking import booking_problems, parse_date


def test_day_first_dates():
    assert parse_date("09/03/2024") == date(2024, 3, 9)
    assert parse_date(" 31/12/2024 ") == date(2024, 12, 31)


def test_iso_still_works_and_nonsense_is_rejected():
    assert parse_date("2024-03-09") == date(2024, 3, 9)
    assert parse_date("01/02/2024") == date(2024, 2, 1)
    for bad in ("31/02/2024", "2024/03/09", "03-09-2024", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_form_flow():
    today = date(2024, 3, 1)
    assert booking_problems(parse_date("09/03/2024"), parse_date("2024-03-12"), today) == []
