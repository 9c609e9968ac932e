-- PostgreSQL twin of duckdb/migrations/0010_claims.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- What the error cost (issue 14): a dispute's account lines, one JSON document per dispute
-- (dispute.claim.AccountLines as `model_dump(mode="json")`, replaced whole on every save), and
-- the calculations saved from them: their inputs (lines, error facts, overrides, jurisdiction)
-- and result (the working as JSON in each language), who saved each and when.
CREATE TABLE claim_lines (
    dispute_id  UUID PRIMARY KEY,
    lines       VARCHAR COLLATE "C" NOT NULL,
    source      VARCHAR COLLATE "C" NOT NULL,
    saved_by    UUID NOT NULL,
    saved_at    TIMESTAMP NOT NULL
);

CREATE TABLE claim_calculations (
    id            UUID PRIMARY KEY,
    dispute_id    UUID NOT NULL,
    made_by       UUID NOT NULL,
    made_at       TIMESTAMP NOT NULL,
    currency      VARCHAR COLLATE "C" NOT NULL,
    refund_minor  BIGINT NOT NULL,
    inputs        VARCHAR COLLATE "C" NOT NULL,
    result        VARCHAR COLLATE "C" NOT NULL
);
