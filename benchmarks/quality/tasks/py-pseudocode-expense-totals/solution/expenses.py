"""Expense reports from bank CSV exports with date, description, category and amount."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

FIELDS = ("date", "description", "category", "amount")


def read_expenses(text: str) -> list[dict[str, str]]:
    """Rows of the CSV export as dicts; ValueError when a column is missing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in FIELDS if name not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    return list(reader)


def in_month(row: dict[str, str], year: int, month: int) -> bool:
    day = date.fromisoformat(row["date"])
    return (day.year, day.month) == (year, month)


def largest(rows: list[dict[str, str]], n: int = 3) -> list[dict[str, str]]:
    return sorted(rows, key=lambda row: Decimal(row["amount"]), reverse=True)[:n]


def totals_by_category(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    """The total amount per category, with the categories in alphabetical order."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        category = row["category"].strip()
        totals[category] = totals.get(category, Decimal(0)) + Decimal(row["amount"])
    return dict(sorted(totals.items()))
