-- The dashboard at a million disputes, second step (dispute/storage/dashboard_time.py,
-- dashboard_counts.py): what the views filtered by filing date and the figures that depend on
-- "today" read, kept by the writes in the same transaction as 0020's tables. Open disputes per
-- (institution, UTC filing day, nearest lender deadline; none kept as 9999-12-31); 0020's three
-- tables again with the UTC filing day in the key (a local-date range is whole UTC days from
-- these, plus at most two part days at its ends counted from the rows); lender deadlines per
-- (institution, month due, status), what the met share by month reads. Filled here from the
-- rows found, with the statements dashboard_counts.RECOUNT runs.
CREATE TABLE dashboard_open (
    institution     VARCHAR NOT NULL,
    filed_on        DATE NOT NULL,
    next_due_by     DATE NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on, next_due_by)
);
CREATE TABLE dashboard_day_counts (
    institution     VARCHAR NOT NULL,
    filed_on        DATE NOT NULL,
    stage           VARCHAR NOT NULL,
    resolution      VARCHAR NOT NULL,
    error_category  VARCHAR NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on, stage, resolution, error_category)
);
CREATE TABLE dashboard_day_close_days (
    institution     VARCHAR NOT NULL,
    filed_on        DATE NOT NULL,
    days            INTEGER NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on, days)
);
CREATE TABLE dashboard_day_lender (
    institution     VARCHAR NOT NULL,
    filed_on        DATE NOT NULL,
    due_by          DATE NOT NULL,
    status          VARCHAR NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on, due_by, status)
);
CREATE TABLE dashboard_lender_months (
    institution     VARCHAR NOT NULL,
    month           DATE NOT NULL,
    status          VARCHAR NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, month, status)
);
INSERT INTO dashboard_open (institution, filed_on, next_due_by, n) SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, coalesce(d.next_due_by, DATE '9999-12-31') AS next_due_by, count(*) AS n FROM disputes d WHERE true AND d.stage <> 'closed' GROUP BY 1, 2, 3;
INSERT INTO dashboard_day_counts (institution, filed_on, stage, resolution, error_category, n) SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, d.stage, coalesce(d.resolution, '') AS resolution, d.error_category, count(*) AS n FROM disputes d WHERE true GROUP BY 1, 2, 3, 4, 5;
INSERT INTO dashboard_day_close_days (institution, filed_on, days, n) SELECT institution, filed_on, days, count(*) AS n FROM (SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, CAST((SELECT max(e.occurred_at) FROM events e WHERE e.dispute_id = d.id AND e.kind IN ('DisputeClosed', 'DisputeWithdrawn')) AS DATE) - CAST(d.filed_at AS DATE) AS days FROM disputes d WHERE true AND d.stage = 'closed') c WHERE days IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO dashboard_day_lender (institution, filed_on, due_by, status, n) SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, dl.due_by, CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END AS status, count(*) AS n FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id WHERE true AND dl.party = 'lender' GROUP BY 1, 2, 3, 4;
INSERT INTO dashboard_lender_months (institution, month, status, n) SELECT d.institution, CAST(date_trunc('month', CAST(dl.due_by AS TIMESTAMP)) AS DATE) AS month, CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END AS status, count(*) AS n FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id WHERE true AND dl.party = 'lender' GROUP BY 1, 2, 3;
