"""Settings from the environment, declared in one place (the README documents each one)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_DOC = {
    "DISPUTE_DATA_DIR": "where the DuckDB file and the evidence store live (default ./data)",
    "DISPUTE_MAX_UPLOAD_MB": "largest evidence file accepted, in MB (default 50)",
    "DISPUTE_TIMEZONE": "time zone that times are shown in (default Asia/Shanghai)",
    "DISPUTE_KEY": "data-encryption key(s), base64url of 32 bytes, newest first, separated by "
                   "commas (default: the key file dispute.key in the data directory, created on "
                   "first start)",
    "DISPUTE_SESSION_IDLE_MINUTES": "minutes without activity after which a signed-in session "
                                    "ends (default 30)",
    "DISPUTE_RETENTION_YEARS": "whole years a closed dispute is kept before its borrower's "
                               "request to delete their account is carried out (default 5)",
    "DISPUTE_ERASURE_LEDGER": "the list of erased accounts (ids only), kept OUTSIDE the data "
                              "directory so that a restored backup erases them again (default "
                              "<data dir>.erasures beside the data directory)",
}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    max_upload_mb: int
    timezone: str
    data_key: str | None = field(default=None, repr=False)  # DISPUTE_KEY; parsed by dispute.keys
    session_idle_minutes: int = 30
    retention_years: int = 5
    erasure_ledger_path: Path | None = None  # None: <data_dir>.erasures, beside the data dir

    @property
    def db_path(self) -> Path:
        return self.data_dir / "dispute.duckdb"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def erasure_ledger(self) -> Path:
        return self.erasure_ledger_path or self.data_dir.with_name(self.data_dir.name +
                                                                    ".erasures")

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings; a bad value fails loudly at start-up rather than later."""
    env = os.environ if env is None else env
    mb = env.get("DISPUTE_MAX_UPLOAD_MB", "50")
    if not mb.isdigit() or int(mb) < 1:
        raise SystemExit(f"DISPUTE_MAX_UPLOAD_MB must be a whole number of megabytes, not {mb!r}")
    idle = env.get("DISPUTE_SESSION_IDLE_MINUTES", "30")
    if not idle.isdigit() or int(idle) < 1:
        raise SystemExit("DISPUTE_SESSION_IDLE_MINUTES must be a whole number of minutes, "
                         f"not {idle!r}")
    years = env.get("DISPUTE_RETENTION_YEARS", "5")
    if not years.isdigit():
        raise SystemExit(f"DISPUTE_RETENTION_YEARS must be a whole number of years, not {years!r}")
    ledger = env.get("DISPUTE_ERASURE_LEDGER")
    return Settings(
        data_dir=Path(env.get("DISPUTE_DATA_DIR", "data")).resolve(),
        max_upload_mb=int(mb),
        timezone=env.get("DISPUTE_TIMEZONE", "Asia/Shanghai"),
        data_key=env.get("DISPUTE_KEY") or None,
        session_idle_minutes=int(idle),
        retention_years=int(years),
        erasure_ledger_path=Path(ledger).resolve() if ledger else None,
    )
