-- PostgreSQL twin of duckdb/migrations/0011_documents.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Documents for every step (issue 13): what each exhibit proves (证明目的) and where it comes
-- from (证据来源), printed in the evidence list and the bundle's evidence index; and the
-- documents made on a dispute, kept as objects of the evidence store (encrypted, named by the
-- SHA-256 of their bytes), so `evidence.referenced_objects` lists them too.
ALTER TABLE evidence ADD COLUMN proves VARCHAR COLLATE "C";
ALTER TABLE evidence ADD COLUMN source VARCHAR COLLATE "C";

CREATE TABLE documents (
    id          UUID PRIMARY KEY,
    dispute_id  UUID NOT NULL,
    kind        VARCHAR COLLATE "C" NOT NULL,
    lang        VARCHAR COLLATE "C" NOT NULL,
    format      VARCHAR COLLATE "C" NOT NULL,
    sha256      VARCHAR COLLATE "C" NOT NULL,
    size        BIGINT NOT NULL,
    made_by     UUID NOT NULL,
    made_at     TIMESTAMP NOT NULL
);
