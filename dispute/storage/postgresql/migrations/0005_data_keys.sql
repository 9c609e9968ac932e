-- PostgreSQL twin of duckdb/migrations/0005_data_keys.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- The ids of the data-encryption keys that have encrypted data here (never the keys themselves).
-- A start with a key set lacking one of them is refused instead of writing with a wrong key, and
-- a missing key file is not silently replaced by a new one while data needs the old key.
CREATE TABLE data_keys (
    id VARCHAR COLLATE "C" PRIMARY KEY,
    first_used_at TIMESTAMP NOT NULL
);
