-- What the error cost (issue 14): a dispute's account lines, one JSON document per dispute
-- (dispute.claim.AccountLines as `model_dump(mode="json")`, replaced whole on every save), and
-- the calculations saved from them: their inputs (lines, error facts, overrides, jurisdiction)
-- and result (the working as JSON in each language), who saved each and when.
CREATE TABLE claim_lines (
    dispute_id  UUID PRIMARY KEY,
    lines       VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    saved_by    UUID NOT NULL,
    saved_at    TIMESTAMP NOT NULL
);

CREATE TABLE claim_calculations (
    id            UUID PRIMARY KEY,
    dispute_id    UUID NOT NULL,
    made_by       UUID NOT NULL,
    made_at       TIMESTAMP NOT NULL,
    currency      VARCHAR NOT NULL,
    refund_minor  BIGINT NOT NULL,
    inputs        VARCHAR NOT NULL,
    result        VARCHAR NOT NULL
);
