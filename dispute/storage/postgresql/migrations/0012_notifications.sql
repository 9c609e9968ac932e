-- PostgreSQL twin of duckdb/migrations/0012_notifications.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- Notifications (issue 15): the inbox, the email outbox, each user's choices, the keys that make
-- a reminder or a digest happen once, and the single-use links of sign-up and password reset.
-- Portable SQL (mirrored for PostgreSQL): standard types, no backend functions.

-- One item in a user's inbox, written in the same transaction as the event that caused it
-- (or by the reminder run). `params` is JSON of plain values (number, stage, dates): the words
-- are made when it is shown or mailed, in the reader's language. `delivery` is what the
-- recipient chose for its kind when it was written: 'immediately', 'digest' or 'portal';
-- `mail_id` is the email that carried it (NULL: none yet, or never).
CREATE TABLE notifications (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL,
    kind        VARCHAR COLLATE "C" NOT NULL,
    dispute_id  UUID,
    number      VARCHAR COLLATE "C",
    params      VARCHAR COLLATE "C" NOT NULL,
    actor_id    UUID,
    delivery    VARCHAR COLLATE "C" NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    mail_id     UUID
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

-- The outbox: one email each. `payload` is sealed (recipient, subject, both parts). `state`:
-- 'pending' (due at next_attempt_at), 'sending' (handed to the mail server under message_id;
-- never handed over again automatically), 'sent', 'uncertain' (the sender stopped while
-- sending: not resent, to send nothing twice), 'failed' (gave up after the last retry).
CREATE TABLE mails (
    id              UUID PRIMARY KEY,
    user_id         UUID,
    purpose         VARCHAR COLLATE "C" NOT NULL,
    message_id      VARCHAR COLLATE "C" NOT NULL UNIQUE,
    payload         VARCHAR COLLATE "C" NOT NULL,
    state           VARCHAR COLLATE "C" NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      VARCHAR COLLATE "C",
    claimed_at      TIMESTAMP,
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX mails_state ON mails (state, next_attempt_at);

-- Each user's choice per kind of notification (no row: the kind's default).
CREATE TABLE notification_prefs (
    user_id     UUID NOT NULL,
    kind        VARCHAR COLLATE "C" NOT NULL,
    mode        VARCHAR COLLATE "C" NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A time-based reminder or a digest happens once per key (e.g. due_soon:2026-11-22:<user>):
-- two workers on one database cannot both insert it.
CREATE TABLE notify_once (
    key         VARCHAR COLLATE "C" PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL
);

-- Single-use links (sign-up verification, password reset): only the SHA-256 of the token is kept.
CREATE TABLE account_tokens (
    token_sha256    VARCHAR COLLATE "C" PRIMARY KEY,
    user_id         UUID NOT NULL,
    purpose         VARCHAR COLLATE "C" NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    used_at         TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- When the account's email address was confirmed (NULL: never). Accounts an administrator
-- or the command line made are confirmed by whoever made them.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at WHERE role <> 'borrower';
