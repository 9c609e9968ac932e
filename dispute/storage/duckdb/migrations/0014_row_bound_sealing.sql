-- Issue 19 (findings 11-13, PIPL): sealed values are bound to their row and sealed under each
-- person's own key (dispute/person_keys.py). The one-time re-seal that does it is recorded here,
-- so clear text found in a sealed column afterwards is refused instead of re-sealed.
CREATE TABLE sealing_upgrades (
    name    VARCHAR PRIMARY KEY,
    done_at TIMESTAMP NOT NULL
);
-- A borrower's request to erase their account (PIPL art. 47): held while a dispute of theirs is
-- open, in litigation, or within the retention period after closing; carried out when nothing
-- holds it (the person's key destroyed), recorded with `erased_at`.
CREATE TABLE erasure_requests (
    user_id      UUID PRIMARY KEY,
    requested_at TIMESTAMP NOT NULL,
    erased_at    TIMESTAMP
);
