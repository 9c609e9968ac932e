"""Settings from the environment, declared in one place (the README documents each one)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_DOC = {
    "DISPUTE_DATA_DIR": "where the DuckDB file and the evidence store live (default ./data)",
    "DISPUTE_EVIDENCE_DIR": "the evidence store, shared by every portal process (default: "
                            "evidence/ in the data directory)",
    "DISPUTE_MAX_UPLOAD_MB": "largest evidence file accepted, in MB (default 50)",
    "DISPUTE_TIMEZONE": "time zone that times are shown in (default Asia/Shanghai)",
    "DISPUTE_KEY": "data-encryption key(s), base64url of 32 bytes, newest first, separated by "
                   "commas (default: the key file dispute.key in the data directory, created on "
                   "first start)",
    "DISPUTE_SESSION_IDLE_MINUTES": "minutes without activity after which a signed-in session "
                                    "ends (default 30)",
    "DISPUTE_DATABASE_URL": "postgresql://… to keep the data in PostgreSQL (several portal "
                            "processes); unset: the embedded DuckDB file in the data directory",
    "DISPUTE_SMTP_URL": "the mail server, smtp://user:password@host:587 (STARTTLS) or "
                        "smtps://…:465 (TLS); unset: no email, notifications stay in the portal",
    "DISPUTE_SMTP_CA_FILE": "a PEM file of the certificate authorities the mail server's "
                            "certificate is checked against (default: the system's)",
    "DISPUTE_MAIL_FROM": "the sender address of every email (default: no-reply@ the server's "
                         "host)",
    "DISPUTE_BASE_URL": "the portal's address as people reach it, for links in emails "
                        "(default http://localhost:8501)",
    "DISPUTE_SCHEDULER": "'portal' (default): reminders and sending run inside the portal "
                         "process; 'off': a separate `python -m dispute worker` does it",
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
    database_url: str | None = field(default=None, repr=False)  # DISPUTE_DATABASE_URL
    evidence_dir: Path | None = None  # DISPUTE_EVIDENCE_DIR: a store several processes mount
    # DISPUTE_SEALING_DIR: the per-person keys, which every process must share (dispute/person_keys.py)
    sealing_dir_path: Path | None = None

    @property
    def backend(self) -> str:
        return "postgresql" if self.database_url else "duckdb"
    smtp_url: str | None = field(default=None, repr=False)  # DISPUTE_SMTP_URL (holds a password)
    smtp_ca_file: str | None = None
    mail_from: str | None = None
    base_url: str = "http://localhost:8501"
    scheduler: str = "off"  # load_settings defaults to "portal"; tests build Settings directly

    @property
    def mail_configured(self) -> bool:
        """Whether email can be sent (sign-up verification and self-service reset need it)."""
        return bool(self.smtp_url)
    retention_years: int = 5
    erasure_ledger_path: Path | None = None  # None: <data_dir>.erasures, beside the data dir

    @property
    def db_path(self) -> Path:
        return self.data_dir / "dispute.duckdb"

    @property
    def store_dir(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    @property
    def sealing_keys_dir(self) -> Path:
        """Each person's key and the name index's: one folder for every portal process, since a
        person's values are sealed under the one key a process finds (or makes) there."""
        from dispute.person_keys import sealing_dir  # the folder's name is that module's

        return self.sealing_dir_path or sealing_dir(self.data_dir)

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
    url = env.get("DISPUTE_DATABASE_URL") or None
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise SystemExit("DISPUTE_DATABASE_URL must be a postgresql://… URL, not "
                         f"{url.split('://')[0]!r}")
    scheduler = env.get("DISPUTE_SCHEDULER", "portal")
    if scheduler not in ("portal", "off"):
        raise SystemExit(f"DISPUTE_SCHEDULER must be 'portal' or 'off', not {scheduler!r}")
    smtp_url = env.get("DISPUTE_SMTP_URL") or None
    if smtp_url is not None:
        from dispute.notify.smtp import parse_smtp_url  # fails loudly on a malformed URL
        parse_smtp_url(smtp_url)
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
        database_url=url,
        evidence_dir=Path(env["DISPUTE_EVIDENCE_DIR"]).resolve()
        if env.get("DISPUTE_EVIDENCE_DIR") else None,
        sealing_dir_path=Path(env["DISPUTE_SEALING_DIR"]).resolve()
        if env.get("DISPUTE_SEALING_DIR") else None,
        smtp_url=smtp_url,
        smtp_ca_file=env.get("DISPUTE_SMTP_CA_FILE") or None,
        mail_from=env.get("DISPUTE_MAIL_FROM") or None,
        base_url=(env.get("DISPUTE_BASE_URL") or "http://localhost:8501").rstrip("/"),
        scheduler=scheduler,
        retention_years=int(years),
        erasure_ledger_path=Path(ledger).resolve() if ledger else None,
    )
