"""Exact arithmetic on minor units: shares rounded half up, and the annualised rate.

Integers throughout (no float, no Decimal context to get wrong): half up for a non-negative
a × n / d is floor((2·a·n + d) / 2·d). Rounding happens once per line; totals add the rounded
lines, so the working a reader checks by hand adds up to the total printed.
"""

from __future__ import annotations

from decimal import Decimal


def share(amount_minor: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up to the minor unit."""
    if amount_minor < 0 or numerator < 0 or denominator <= 0:
        raise ValueError("share takes a non-negative amount and fraction")
    return (2 * amount_minor * numerator + denominator) // (2 * denominator)


def annual_rate_percent(total_minor: int, principal_minor: int, days: int) -> Decimal:
    """total ÷ principal × 365 ÷ days, as a percentage rounded half up to 0.01."""
    hundredths = share(total_minor * 365 * 100 * 100, 1, principal_minor * days)
    return Decimal(hundredths).scaleb(-2)


def above_rate(total_minor: int, principal_minor: int, days: int, percent: int) -> bool:
    """Whether the exact (unrounded) annual rate is above `percent` a year."""
    return total_minor * 365 * 100 > percent * principal_minor * days
