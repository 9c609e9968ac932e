"""What per-person sealing keys cost (issue 19): opening names when each person has a key of
their own, wrapped in a file by the portal key.

Makes `--people` accounts through the storage layer (each gets its key file), then times, in a
fresh process state (empty key cache), opening one queue page's worth of names (25 people, each
key read and unwrapped once) and the same page again (keys cached),. Prints figures beside targets: a
cold page of 25 names under 25 ms, a warm one under 5 ms.

    .venv/bin/python bench/sealing.py [--people 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dispute.config import Settings  # noqa: E402
from dispute.context import open_context  # noqa: E402
from dispute.person_keys import SealingKeys, sealing_dir  # noqa: E402
from dispute.storage import users  # noqa: E402

TARGETS_MS = {"cold page (25 names)": 25.0, "warm page (25 names)": 5.0}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--people", type=int, default=2000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", max_upload_mb=2, timezone="UTC")
        ctx = open_context(settings)
        now = datetime.now(timezone.utc)
        ids = [uuid.uuid4() for _ in range(args.people)]

        def insert(uow) -> None:
            for i, uid in enumerate(ids):
                users.insert(uow, user_id=uid, email=f"p{i}@example.com", name=f"借款人{i}",
                             phone="+86 138 0000 0000", role="borrower", password_hash="x",
                             language=None, created_at=now)

        started = time.perf_counter()
        ctx.db.write(insert)
        made = (time.perf_counter() - started) * 1000 / args.people
        print(f"account with its own key: {made:.2f} ms each ({args.people} made)")
        figures = {"cold page (25 names)": [], "warm page (25 names)": []}
        for start in range(0, min(args.people, 25 * 20), 25):
            page = ids[start:start + 25]
            ctx.db.keys = SealingKeys(sealing_dir(settings.data_dir), ctx.keys)  # empty cache
            for label in figures:
                t0 = time.perf_counter()
                ctx.db.read(users.names, page)
                figures[label].append((time.perf_counter() - t0) * 1000)
        for label, values in figures.items():
            p50 = statistics.median(values)
            p95 = sorted(values)[int(len(values) * 0.95) - 1]
            verdict = "ok" if p95 <= TARGETS_MS[label] else "OVER"
            print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                  f"(target p95 <= {TARGETS_MS[label]:.0f} ms) {verdict}")
        ctx.db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
