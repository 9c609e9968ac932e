-- PostgreSQL twin of duckdb/migrations/0001_initial.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Accounts, disputes, evidence, contact log and the hash-chained event history.
-- No foreign keys: DuckDB rewrites referenced rows on update; integrity is kept by the services.
CREATE TABLE users (
    id              UUID PRIMARY KEY,
    email           VARCHAR COLLATE "C" NOT NULL UNIQUE,
    name            VARCHAR COLLATE "C" NOT NULL,
    phone           VARCHAR COLLATE "C",
    role            VARCHAR COLLATE "C" NOT NULL,
    password_hash   VARCHAR COLLATE "C" NOT NULL,
    language        VARCHAR COLLATE "C",
    disabled        BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE counters (
    name    VARCHAR COLLATE "C" PRIMARY KEY,
    value   BIGINT NOT NULL
);

CREATE TABLE disputes (
    id                  UUID PRIMARY KEY,
    number              VARCHAR COLLATE "C" NOT NULL UNIQUE,
    borrower_id         UUID NOT NULL,
    institution         VARCHAR COLLATE "C" NOT NULL,
    product             VARCHAR COLLATE "C" NOT NULL,
    account_ref         VARCHAR COLLATE "C" NOT NULL,
    error_category      VARCHAR COLLATE "C" NOT NULL,
    description         VARCHAR COLLATE "C" NOT NULL,
    error_occurred_on   DATE,
    payment_due_on      DATE,
    discovered_on       DATE NOT NULL,
    currency            VARCHAR COLLATE "C" NOT NULL,
    overdue_minor       BIGINT NOT NULL,
    fees_minor          BIGINT NOT NULL,
    compensation_minor  BIGINT NOT NULL,
    remedies            VARCHAR[] NOT NULL,
    stage               VARCHAR COLLATE "C" NOT NULL,
    closed_from         VARCHAR COLLATE "C",
    resolution          VARCHAR COLLATE "C",
    handler_id          UUID,
    rulebook            VARCHAR COLLATE "C" NOT NULL,
    version             INTEGER NOT NULL,
    filed_at            TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX disputes_borrower ON disputes (borrower_id);

CREATE TABLE evidence (
    id                  UUID PRIMARY KEY,
    dispute_id          UUID NOT NULL,
    exhibit             VARCHAR COLLATE "C" NOT NULL,
    kind                VARCHAR COLLATE "C" NOT NULL,
    original_name       VARCHAR COLLATE "C" NOT NULL,
    media_type          VARCHAR COLLATE "C" NOT NULL,
    size                BIGINT NOT NULL,
    sha256              VARCHAR COLLATE "C" NOT NULL,
    description         VARCHAR COLLATE "C" NOT NULL,
    recorded_on         DATE,
    uploaded_by         UUID NOT NULL,
    uploaded_at         TIMESTAMP NOT NULL,
    withdrawn_at        TIMESTAMP,
    withdrawn_reason    VARCHAR COLLATE "C"
);
CREATE INDEX evidence_dispute ON evidence (dispute_id);

CREATE TABLE contact_log (
    id              UUID PRIMARY KEY,
    dispute_id      UUID NOT NULL,
    contacted_at    TIMESTAMP NOT NULL,
    channel         VARCHAR COLLATE "C" NOT NULL,
    agent_name      VARCHAR COLLATE "C" NOT NULL,
    agent_position  VARCHAR COLLATE "C" NOT NULL,
    summary         VARCHAR COLLATE "C" NOT NULL,
    agreement       VARCHAR COLLATE "C" NOT NULL,
    follow_up_on    DATE,
    evidence_ids    UUID[] NOT NULL,
    logged_by       UUID NOT NULL,
    logged_at       TIMESTAMP NOT NULL
);
CREATE INDEX contact_dispute ON contact_log (dispute_id);

-- Append-only, hash-chained: hash = sha256(prev_hash + canonical JSON of the other columns).
CREATE TABLE events (
    seq         BIGINT PRIMARY KEY,
    dispute_id  UUID,
    actor_id    UUID,
    occurred_at TIMESTAMP NOT NULL,
    kind        VARCHAR COLLATE "C" NOT NULL,
    payload     VARCHAR COLLATE "C" NOT NULL,
    prev_hash   VARCHAR COLLATE "C" NOT NULL,
    hash        VARCHAR COLLATE "C" NOT NULL
);
CREATE INDEX events_dispute ON events (dispute_id);

-- The chain's head, updated by every append: anchors the last event (so deleting it shows)
-- and makes concurrent appends conflict instead of forking the chain.
CREATE TABLE chain_head (
    id      INTEGER PRIMARY KEY,
    seq     BIGINT NOT NULL,
    hash    VARCHAR COLLATE "C" NOT NULL
);
INSERT INTO chain_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
