-- PostgreSQL twin of duckdb/migrations/0008_sealed_names.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Names, phone numbers and account numbers are sealed in the application (dispute/pii.py):
-- exact-match search by name goes through a blind index.
ALTER TABLE users ADD COLUMN name_idx VARCHAR COLLATE "C";
CREATE INDEX users_name_idx ON users (name_idx);
