"""A page of a long list: the rows plus enough to draw the pager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def bounds(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) for a 1-based page number; a page below 1 is page 1."""
    page_size = max(1, min(page_size, 200))
    return page_size, (max(page, 1) - 1) * page_size
