-- PostgreSQL twin of duckdb/migrations/0004_accounts_security.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Accounts and sessions (issue 6): login throttling, forced password change, ending sessions.
-- login_throttle is keyed by the sha256 of the email as typed (lower case), known or not: an
-- unknown email is throttled exactly like a known one, so the answers never tell whether an
-- account exists. Hashed, because people sometimes type their password into the email field.
CREATE TABLE login_throttle (
    email_sha256    VARCHAR COLLATE "C" PRIMARY KEY,
    failures        INTEGER NOT NULL,
    locked_until    TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL
);

-- must_change_password: set by an administrator's reset, cleared when the user picks a password.
-- sessions_valid_from: a live session that began before this moment ends at its next request.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN DEFAULT false;
ALTER TABLE users ADD COLUMN sessions_valid_from TIMESTAMP;
UPDATE users SET must_change_password = false;

