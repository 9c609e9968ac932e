-- PostgreSQL twin of duckdb/migrations/0002_workflow.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- The workflow (issue 3): offers, mediation and litigation records, the conversation, internal
-- notes, what each borrower last saw, and the queue's denormalised columns.
ALTER TABLE disputes ADD COLUMN closing_summary VARCHAR COLLATE "C";
ALTER TABLE disputes ADD COLUMN waiting_on_borrower BOOLEAN DEFAULT false;
ALTER TABLE disputes ADD COLUMN borrower_replied BOOLEAN DEFAULT false;
ALTER TABLE disputes ADD COLUMN last_activity_at TIMESTAMP;
ALTER TABLE disputes ADD COLUMN next_due_by DATE;
UPDATE disputes SET waiting_on_borrower = false, borrower_replied = false,
                    last_activity_at = updated_at;

CREATE TABLE offers (
    id                  UUID PRIMARY KEY,
    dispute_id          UUID NOT NULL,
    made_by             UUID NOT NULL,
    made_at             TIMESTAMP NOT NULL,
    currency            VARCHAR COLLATE "C" NOT NULL,
    refund_minor        BIGINT NOT NULL,      -- refunded or waived, 0 when none
    credit_correction   BOOLEAN NOT NULL,
    instalments         INTEGER,              -- repayment plan: N instalments …
    instalment_minor    BIGINT,               -- … of this amount
    deferral_to         DATE,
    note                VARCHAR COLLATE "C" NOT NULL,
    expires_on          DATE,
    status              VARCHAR COLLATE "C" NOT NULL,     -- proposed / accepted / rejected (expired is derived)
    answered_by         UUID,
    answered_at         TIMESTAMP,
    answer_note         VARCHAR COLLATE "C"
);
CREATE INDEX offers_dispute ON offers (dispute_id);

CREATE TABLE mediation (
    dispute_id  UUID PRIMARY KEY,
    body        VARCHAR COLLATE "C" NOT NULL,
    reference   VARCHAR COLLATE "C" NOT NULL,
    mediator    VARCHAR COLLATE "C" NOT NULL,
    result      VARCHAR COLLATE "C" NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE mediation_sessions (
    id          UUID PRIMARY KEY,
    dispute_id  UUID NOT NULL,
    held_on     DATE NOT NULL,
    notes       VARCHAR COLLATE "C" NOT NULL,
    recorded_by UUID NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX mediation_sessions_dispute ON mediation_sessions (dispute_id);

CREATE TABLE litigation (
    dispute_id  UUID PRIMARY KEY,
    court       VARCHAR COLLATE "C" NOT NULL,
    case_number VARCHAR COLLATE "C" NOT NULL,
    filed_on    DATE,
    judgment    VARCHAR COLLATE "C" NOT NULL,
    judgment_on DATE,
    served_on   DATE,
    appeal_by   DATE,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE hearings (
    id          UUID PRIMARY KEY,
    dispute_id  UUID NOT NULL,
    held_on     DATE NOT NULL,
    notes       VARCHAR COLLATE "C" NOT NULL,
    recorded_by UUID NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX hearings_dispute ON hearings (dispute_id);

-- The conversation between the borrower and the handling team: a staff message may be a
-- request for information, open until the borrower replies or uploads evidence.
CREATE TABLE messages (
    id           UUID PRIMARY KEY,
    dispute_id   UUID NOT NULL,
    author_id    UUID NOT NULL,
    author_role  VARCHAR COLLATE "C" NOT NULL,
    body         VARCHAR COLLATE "C" NOT NULL,
    is_request   BOOLEAN NOT NULL,
    answered_at  TIMESTAMP,
    sent_at      TIMESTAMP NOT NULL
);
CREATE INDEX messages_dispute ON messages (dispute_id);

-- Staff and legal only, never returned to a borrower.
CREATE TABLE notes (
    id          UUID PRIMARY KEY,
    dispute_id  UUID NOT NULL,
    author_id   UUID NOT NULL,
    body        VARCHAR COLLATE "C" NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX notes_dispute ON notes (dispute_id);

-- When a user last opened a dispute (for "new since your last visit").
CREATE TABLE last_seen (
    user_id     UUID NOT NULL,
    dispute_id  UUID NOT NULL,
    seen_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, dispute_id)
);
