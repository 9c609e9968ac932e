-- The dashboard at a million disputes (bench/dashboard.py): what it shows that does not depend
-- on "today", kept by the writes in the same transaction (dispute/storage/dashboard_counts.py):
-- disputes per (institution, stage, resolution ('' for none), error category); closed disputes
-- per (institution, days from filing to the last closing event), the median's histogram; lender
-- deadlines per (institution, due day, met / late / paused / open). Filled here from the rows
-- found, with the same statements dashboard_counts.RECOUNT runs. The key columns keep the
-- database's collation, as `disputes` has it, so the tables sort their ties the same way.
-- No index on `disputes` here (see 0019): DuckDB scans the open disputes by column.
CREATE TABLE dashboard_counts (
    institution    VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,
    resolution     VARCHAR NOT NULL,
    error_category VARCHAR NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (institution, stage, resolution, error_category)
);
CREATE TABLE dashboard_close_days (
    institution VARCHAR NOT NULL,
    days        INTEGER NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (institution, days)
);
CREATE TABLE dashboard_lender_deadlines (
    institution VARCHAR NOT NULL,
    due_by      DATE NOT NULL,
    status      VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (institution, due_by, status)
);
INSERT INTO dashboard_counts (institution, stage, resolution, error_category, n) SELECT d.institution, d.stage, coalesce(d.resolution, '') AS resolution, d.error_category, count(*) AS n FROM disputes d WHERE true GROUP BY 1, 2, 3, 4;
INSERT INTO dashboard_close_days (institution, days, n) SELECT institution, days, count(*) AS n FROM (SELECT d.institution, CAST((SELECT max(e.occurred_at) FROM events e WHERE e.dispute_id = d.id AND e.kind IN ('DisputeClosed', 'DisputeWithdrawn')) AS DATE) - CAST(d.filed_at AS DATE) AS days FROM disputes d WHERE true AND d.stage = 'closed') c WHERE days IS NOT NULL GROUP BY 1, 2;
INSERT INTO dashboard_lender_deadlines (institution, due_by, status, n) SELECT d.institution, dl.due_by, CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END AS status, count(*) AS n FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id WHERE true AND dl.party = 'lender' GROUP BY 1, 2, 3;
