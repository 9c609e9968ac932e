-- PostgreSQL twin of duckdb/migrations/0003_deadlines.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Deadlines (issue 4): the engine's result per dispute and rule, rewritten by every workflow
-- write (dispute.deadlines.store.refresh_deadlines) so the queue and the dashboard can sort and
-- count in SQL. Status is derived when read, from met_on, paused and due_by against today,
-- so a stored row never goes stale as days pass.
CREATE TABLE deadlines (
    dispute_id          UUID NOT NULL,
    rule                VARCHAR COLLATE "C" NOT NULL,
    party               VARCHAR COLLATE "C" NOT NULL,
    label               VARCHAR COLLATE "C" NOT NULL,
    start_on            DATE NOT NULL,
    due_by              DATE NOT NULL,
    met_on              DATE,
    paused              BOOLEAN NOT NULL,
    paused_days         INTEGER NOT NULL,
    extensions_used     INTEGER NOT NULL,
    extensions_allowed  INTEGER NOT NULL,
    calendar_limited    BOOLEAN NOT NULL,
    warn_from           DATE,
    refreshed_at        TIMESTAMP NOT NULL
);
CREATE INDEX deadlines_dispute ON deadlines (dispute_id);
