-- PostgreSQL twin of duckdb/migrations/0015_web_sessions.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Signed-in sessions kept on the server (issue 16), so a reload or a new tab of the same browser
-- stays signed in. The browser holds a random token in an HttpOnly cookie; only its sha256 is
-- stored here. A session is made at sign-in with a one-time hand-over token (hashed too, valid
-- for a short while) that the browser trades for the cookie at /auth/session. A session ends
-- (ended_at, end_reason) at logout, after idling, when the account is disabled or its password
-- is reset or changed elsewhere; ended and stale rows are deleted after a while.
CREATE TABLE web_sessions (
    id              VARCHAR COLLATE "C" PRIMARY KEY,
    user_id         UUID NOT NULL,
    token_sha256    VARCHAR COLLATE "C",
    handover_sha256 VARCHAR COLLATE "C",
    handover_until  TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    ended_at        TIMESTAMP,
    end_reason      VARCHAR COLLATE "C"
);
