-- PostgreSQL twin of duckdb/migrations/0009_calendar_years.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Holiday calendars (issue 18): the working-day calendar the stored deadlines were counted with,
-- one row per jurisdiction and year: whether the year's official schedule was published and a
-- digest of its working days (dispute.deadlines.recount). On start, years whose row differs from
-- the installed `holidays` release have their disputes' deadlines recounted, and every stored
-- due date that moves becomes a DeadlineMoved event saying why.
CREATE TABLE calendar_years (
    jurisdiction      VARCHAR COLLATE "C" NOT NULL,
    year              INTEGER NOT NULL,
    published         BOOLEAN NOT NULL,
    digest            VARCHAR COLLATE "C" NOT NULL,
    holidays_version  VARCHAR COLLATE "C" NOT NULL,
    recorded_at       TIMESTAMP NOT NULL
);
