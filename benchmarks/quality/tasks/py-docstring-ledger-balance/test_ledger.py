import inspect
from datetime import date
from decimal import Decimal

from ledger import Ledger, overdrawn_days

LOWEST_BALANCE_SOURCE = '''    def lowest_balance(self) -> tuple[date, Decimal] | None:
        """The day and amount of the lowest end-of-day balance; None without movements."""
        days = sorted({movement.day for movement in self.movements})
        if not days:
            return None
        return min(((day, self.balance_at(day)) for day in days), key=lambda item: item[1])
'''


def make_ledger() -> Ledger:
    ledger = Ledger(opening=Decimal("100.00"))
    ledger.record(date(2024, 3, 1), Decimal("-80.00"), "rent")
    ledger.record(date(2024, 3, 3), Decimal("-45.50"), "groceries")
    ledger.record(date(2024, 3, 5), Decimal("1200.00"), "salary")
    return ledger


def test_balance_at_has_a_docstring():
    assert (inspect.getdoc(Ledger.balance_at) or "").strip()


def test_other_methods_unchanged():
    assert inspect.getsource(Ledger.lowest_balance) == LOWEST_BALANCE_SOURCE


def test_behaviour_is_unchanged():
    ledger = make_ledger()
    assert ledger.balance_at(date(2024, 2, 28)) == Decimal("100.00")
    assert ledger.balance_at(date(2024, 3, 3)) == Decimal("-25.50")
    assert ledger.balance_at(date(2024, 3, 31)) == Decimal("1174.50")
    assert ledger.lowest_balance() == (date(2024, 3, 3), Decimal("-25.50"))
    assert overdrawn_days(ledger) == [date(2024, 3, 3)]
