-- The dashboard at a million disputes, eighth step (dispute/storage/dashboard_counts.py): the part
-- days at the ends of a filing-date range are counted, not read from kept tables keyed by the
-- day; for the days to close and the lender deadlines that count joined the part days' few
-- hundred disputes to every closing event and every lender deadline (10-14 ms each on DuckDB at
-- a million). Two tables keep, per dispute and with its filing time, what it adds to those:
-- its days to close (closed disputes) and its lender deadlines' due days and status. Kept by
-- the same writes in the same transaction (what they add to the day tables is read from them);
-- a part day is read from them by the filing time. Filled here from the rows, in filing order
-- (DuckDB skips row groups by their least and greatest filing time).
CREATE TABLE dashboard_closed_disputes (
    institution     VARCHAR NOT NULL,
    filed_at        TIMESTAMP NOT NULL,
    dispute_id      UUID NOT NULL,
    days            INTEGER NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_at, dispute_id, days)
);
CREATE TABLE dashboard_lender_disputes (
    institution     VARCHAR NOT NULL,
    filed_at        TIMESTAMP NOT NULL,
    dispute_id      UUID NOT NULL,
    due_by          DATE NOT NULL,
    status          VARCHAR NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_at, dispute_id, due_by, status)
);
INSERT INTO dashboard_closed_disputes (institution, filed_at, dispute_id, days, n) SELECT institution, filed_at, dispute_id, days, count(*) AS n FROM (SELECT d.institution, d.filed_at, d.id AS dispute_id, CAST((SELECT max(e.occurred_at) FROM events e WHERE e.dispute_id = d.id AND e.kind IN ('DisputeClosed', 'DisputeWithdrawn')) AS DATE) - CAST(d.filed_at AS DATE) AS days FROM disputes d WHERE true AND d.stage = 'closed') c WHERE days IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY filed_at;
INSERT INTO dashboard_lender_disputes (institution, filed_at, dispute_id, due_by, status, n) SELECT d.institution, d.filed_at, d.id AS dispute_id, dl.due_by, CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END AS status, count(*) AS n FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id WHERE true AND dl.party = 'lender' GROUP BY 1, 2, 3, 4, 5 ORDER BY filed_at;
