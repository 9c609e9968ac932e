-- Issue 12 (the queue at a million disputes): disputes per (stage, handler, institution), kept
-- by the writes that file a dispute or change one of those, in the same transaction
-- (dispute/storage/queue_counts.py), so the queue's counts per stage for the whole queue, one
-- stage, "assigned to me", "unassigned" and one institution sum a few thousand rows at most
-- instead of counting every dispute. An unassigned dispute is keyed by the nil UUID (a primary
-- key column cannot be NULL). Filled here from the disputes already filed.
-- No indexes on `disputes` here, unlike the PostgreSQL twin (its 0019_queue_indexes.sql): DuckDB's
-- columnar, vectorised scans already meet the queue's targets at a million disputes without them
-- (bench/README-queue.md), its top-N skips row groups by their min/max, and an ART index on a
-- million rows costs memory held for the whole process and slows every bulk write.
CREATE TABLE queue_counts (
    stage       VARCHAR NOT NULL,
    handler_id  UUID NOT NULL,
    institution VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (stage, handler_id, institution)
);
INSERT INTO queue_counts (stage, handler_id, institution, n)
SELECT stage, coalesce(handler_id, CAST('00000000-0000-0000-0000-000000000000' AS UUID)),
       institution, count(*)
FROM disputes
GROUP BY stage, coalesce(handler_id, CAST('00000000-0000-0000-0000-000000000000' AS UUID)),
         institution;
