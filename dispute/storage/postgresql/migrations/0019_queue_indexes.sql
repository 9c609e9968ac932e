-- PostgreSQL twin of duckdb/migrations/0019_queue_indexes.sql (the same queue_counts table),
-- plus the indexes the staff queue needs on PostgreSQL at a million disputes (issue 12,
-- bench/queue.py; each plan checked with EXPLAIN ANALYZE, see bench/README-queue.md). DuckDB
-- gets by without them (columnar scans); PostgreSQL without them scans the table per request.
-- Disputes per (stage, handler, institution), kept by the writes that file a dispute or change
-- one of those, in the same transaction (dispute/storage/queue_counts.py): the queue's counts per
-- stage for the whole queue, one stage, "assigned to me", "unassigned" and one institution sum a
-- few thousand rows at most instead of counting a million. Unassigned is the nil UUID (a key
-- column cannot be NULL).
CREATE TABLE queue_counts (
    stage       VARCHAR COLLATE "C" NOT NULL,
    handler_id  UUID NOT NULL,
    institution VARCHAR COLLATE "C" NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (stage, handler_id, institution)
);
INSERT INTO queue_counts (stage, handler_id, institution, n)
SELECT stage, coalesce(handler_id, CAST('00000000-0000-0000-0000-000000000000' AS UUID)),
       institution, count(*)
FROM disputes
GROUP BY stage, coalesce(handler_id, CAST('00000000-0000-0000-0000-000000000000' AS UUID)),
         institution;
-- The page is `ORDER BY key dir [NULLS LAST], number dir LIMIT 26` after the filters
-- (dispute/storage/queue.py page_sql): an index on (filter column, key, number) is walked in that
-- order and stopped after 26 rows, at any keyset depth. INCLUDE (stage) lets the counts per stage
-- under the same filter (counts_sql) be an index-only scan of that filter's entries.
-- Newest (walked backwards), oldest, and filing-date ranges:
CREATE INDEX disputes_filed ON disputes (filed_at, number) INCLUDE (stage);
CREATE INDEX disputes_activity ON disputes (last_activity_at DESC NULLS LAST, number DESC);
CREATE INDEX disputes_deadline ON disputes (next_due_by, number);
-- One stage (its counts come from queue_counts), a handler or none, an institution, a product,
-- an error category, each newest first:
CREATE INDEX disputes_stage_filed ON disputes (stage, filed_at, number);
CREATE INDEX disputes_handler_filed ON disputes (handler_id, filed_at, number) INCLUDE (stage);
CREATE INDEX disputes_institution_filed ON disputes (institution, filed_at, number) INCLUDE (stage);
CREATE INDEX disputes_product_filed ON disputes (product, filed_at, number) INCLUDE (stage);
CREATE INDEX disputes_category_filed ON disputes (error_category, filed_at, number) INCLUDE (stage);
-- Waiting on the borrower, the borrower replied (open), overdue (open, by deadline): a small
-- open part of the book each, so partial indexes hold only those rows.
CREATE INDEX disputes_waiting ON disputes (filed_at, number) INCLUDE (stage) WHERE waiting_on_borrower;
CREATE INDEX disputes_replied ON disputes (filed_at, number) INCLUDE (stage) WHERE borrower_replied AND stage <> 'closed';
CREATE INDEX disputes_open_due ON disputes (next_due_by) INCLUDE (stage) WHERE stage <> 'closed';
-- The docket's disputes without a sitting to come, walked by number (dispute/storage/queue.py
-- docket_sql), read from the index alone:
CREATE INDEX disputes_docket ON disputes (number) INCLUDE (id, stage, institution, borrower_id) WHERE stage IN ('mediation', 'litigation')
