"""What a page run may share between its reads (the UI's handle on dispute/storage/run_memo.py,
so pages need not reach into the storage layer): inside `one_page_run()`, a dispute's row is
read once for all the panels that ask for it; any write forgets it."""

from __future__ import annotations

from dispute.storage.run_memo import scope as one_page_run

__all__ = ["one_page_run"]
