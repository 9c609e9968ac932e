-- PostgreSQL twin of duckdb/migrations/0017_sealed_email.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Issue 19 (PIPL erasure): the email an account signs in with is sealed under the person's own
-- key like their name, so erasing them leaves nothing readable of it in the database file, old
-- pages or backups. `email` keeps the sealed value (its UNIQUE constraint no longer means
-- anything: each sealing is different); `email_idx`, a keyed hash of the address under the
-- blind index key, finds the account at sign-in and keeps addresses unique. Existing emails are
-- sealed once on upgrade (dispute/storage/sealing.py `seal_emails`); an erased account has none.
ALTER TABLE users ADD COLUMN email_idx VARCHAR COLLATE "C";
CREATE UNIQUE INDEX users_email_idx ON users (email_idx);
