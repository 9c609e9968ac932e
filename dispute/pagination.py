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
        return page_count(self.total, self.page_size)


def page_count(total: int, page_size: int) -> int:
    """How many pages `total` rows fill (at least one, so an empty list has a page to show)."""
    return max(1, -(-total // page_size))


def bounds(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) for a 1-based page number; a page below 1 is page 1."""
    page_size = max(1, min(page_size, 200))
    return page_size, (max(page, 1) - 1) * page_size
