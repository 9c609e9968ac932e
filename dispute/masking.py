"""Masking of identity and account numbers for display (docs/product.md §6): enough to recognise, not
enough to use."""

from __future__ import annotations


def mask_number(value: str) -> str:
    """'6222021234567890' → '6222********7890'; short values keep only their last 4."""
    if len(value) >= 12:
        head = 6 if len(value) == 18 else 4  # 18: a PRC resident ID keeps its region code
        return value[:head] + "*" * (len(value) - head - 4) + value[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:]
