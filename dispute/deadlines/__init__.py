"""Deadlines (docs/product.md §4): rulebooks as data, a calendar over `holidays`, a pure engine, the
stored rows the queue sorts by, and the services that extend, pause and resume."""
