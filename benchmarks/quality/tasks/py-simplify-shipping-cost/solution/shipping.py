"""Shipping prices for the web shop's checkout."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHIPPING = 40.0
FREE_SHIPPING_OVER = 150.0


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    zone: str
    order_value: float


def shipping_cost(weight_kg: float, zone: str) -> float:
    """Price in euros: a base fee per zone plus a rate per kilo, capped at MAX_SHIPPING."""
    rates = {"local": (3.0, 0.5), "national": (5.0, 0.8), "international": (12.0, 2.5)}
    if zone not in rates:
        raise ValueError(f"unknown zone {zone!r}")
    base, per_kg = rates[zone]
    return round(min(base + weight_kg * per_kg, MAX_SHIPPING), 2)


def quote(parcel: Parcel) -> float:
    """What the customer pays for shipping: nothing for large orders."""
    if parcel.order_value >= FREE_SHIPPING_OVER:
        return 0.0
    return shipping_cost(parcel.weight_kg, parcel.zone)


def cheapest_zone(weight_kg: float, zones: list[str]) -> str:
    return min(zones, key=lambda zone: shipping_cost(weight_kg, zone))
