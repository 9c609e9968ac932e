-- PostgreSQL twin of duckdb/migrations/0013_two_factor_and_posting.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Issue 19: two-factor sign-in and limits on posting.
--
-- totp_secret: the RFC 6238 shared secret, sealed like names (never in clear on disk); NULL
-- while the user has no second factor. totp_last_step: the last time step (unix time // 30)
-- whose code was accepted, so a code works once. totp_enrolled_at: when the current secret
-- was confirmed.
ALTER TABLE users ADD COLUMN totp_secret VARCHAR COLLATE "C";
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN totp_enrolled_at TIMESTAMP;

-- Ten single-use recovery codes per enrolment, each an argon2id hash; used_at is set when one
-- signs the user in. A new enrolment or an administrator's reset deletes the old ones.
CREATE TABLE recovery_codes (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL,
    code_hash   VARCHAR COLLATE "C" NOT NULL,
    used_at     TIMESTAMP
);

-- Posting limits (finding 6): a token bucket per user and kind of post (message, contact,
-- note, evidence). tokens_milli: thousandths of a post still allowed now; updated_at: when
-- the bucket was last filled up to that.
CREATE TABLE post_buckets (
    user_id         UUID NOT NULL,
    kind            VARCHAR COLLATE "C" NOT NULL,
    tokens_milli    BIGINT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);
