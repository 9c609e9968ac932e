"""Rows read once per page run: a page run asks for the same dispute a dozen times (each panel's
service checks access on its own row), and each ask is a query.

Inside `scope()` (portal.py opens one around each page it runs), `remembered(key, load)` loads
a value once and hands out the same one after; outside a scope it always loads. Any write
through `Database.write` on this thread forgets everything remembered, so a page that saves
something and reads again sees what it saved. A scope belongs to one thread's context (a
ContextVar): sessions, running in threads of their own, never share one.

The values are as fresh as the page run: a run is one moment, as if all its reads came at
its start. Writes never use them: they read their row inside their own transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Hashable, Iterator, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("run_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def forget() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()
