-- PostgreSQL twin of duckdb/migrations/0016_hearing_details.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Hearings say when, where and what for (issue 16): the time of day the sitting starts, as the
-- court gives it (a wall-clock time in the portal's time zone, DISPUTE_TIMEZONE; NULL when not
-- known), the courtroom, and the kind of sitting (trial, pretrial, mediation, judgment,
-- evidence, other; dispute.vocab.HearingKind). Hearings recorded before keep kind 'trial'.
ALTER TABLE hearings ADD COLUMN starts_at TIME;
ALTER TABLE hearings ADD COLUMN courtroom VARCHAR COLLATE "C" DEFAULT '';
ALTER TABLE hearings ADD COLUMN kind VARCHAR COLLATE "C" DEFAULT 'trial';
UPDATE hearings SET courtroom = '' WHERE courtroom IS NULL;
UPDATE hearings SET kind = 'trial' WHERE kind IS NULL;
