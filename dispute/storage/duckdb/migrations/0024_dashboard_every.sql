-- The dashboard at a million disputes, sixth step (dispute/storage/dashboard_counts.py): a view
-- of every institution added up tens of thousands of kept rows a year (one per institution and
-- key), most of them the open disputes per filing day and nearest lender deadline, nearly one
-- row per open dispute. Two new open-dispute tables, kept by the same writes in the same
-- transaction: per (institution, UTC filing day), what the ages and the count read, and per
-- (institution, month of the UTC filing day, nearest lender deadline), what overdue and due
-- this week read for whole months. And the days to close, the lender deadlines and the two new
-- tables hold, under the institution '' (no institution is empty), each key's sum over every
-- institution: a view of every institution reads those, a few rows per day or month. Not the
-- counts: the top institutions are read off their institutions' rows. Filled here from the
-- tables that hold the same counts.
CREATE TABLE dashboard_open_ages (
    institution     VARCHAR NOT NULL,
    filed_on        DATE NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on)
);
CREATE TABLE dashboard_open_due_months (
    institution     VARCHAR NOT NULL,
    filed_month     DATE NOT NULL,
    next_due_by     DATE NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, next_due_by)
);
INSERT INTO dashboard_open_ages (institution, filed_on, n) SELECT institution, filed_on, sum(n) AS n FROM dashboard_open GROUP BY 1, 2 HAVING sum(n) <> 0;
INSERT INTO dashboard_open_due_months (institution, filed_month, next_due_by, n) SELECT institution, CAST(date_trunc('month', CAST(filed_on AS TIMESTAMP)) AS DATE) AS filed_month, next_due_by, sum(n) AS n FROM dashboard_open GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
INSERT INTO dashboard_close_days (institution, days, n) SELECT '', days, sum(n) FROM dashboard_close_days WHERE institution <> '' GROUP BY days HAVING sum(n) <> 0;
INSERT INTO dashboard_day_close_days (institution, filed_on, days, n) SELECT '', filed_on, days, sum(n) FROM dashboard_day_close_days WHERE institution <> '' GROUP BY filed_on, days HAVING sum(n) <> 0;
INSERT INTO dashboard_month_close_days (institution, filed_month, days, n) SELECT '', filed_month, days, sum(n) FROM dashboard_month_close_days WHERE institution <> '' GROUP BY filed_month, days HAVING sum(n) <> 0;
INSERT INTO dashboard_lender_deadlines (institution, due_by, status, n) SELECT '', due_by, status, sum(n) FROM dashboard_lender_deadlines WHERE institution <> '' GROUP BY due_by, status HAVING sum(n) <> 0;
INSERT INTO dashboard_day_lender (institution, filed_on, due_by, status, n) SELECT '', filed_on, due_by, status, sum(n) FROM dashboard_day_lender WHERE institution <> '' GROUP BY filed_on, due_by, status HAVING sum(n) <> 0;
INSERT INTO dashboard_lender_months (institution, month, status, n) SELECT '', month, status, sum(n) FROM dashboard_lender_months WHERE institution <> '' GROUP BY month, status HAVING sum(n) <> 0;
INSERT INTO dashboard_open_ages (institution, filed_on, n) SELECT '', filed_on, sum(n) FROM dashboard_open_ages WHERE institution <> '' GROUP BY filed_on HAVING sum(n) <> 0;
INSERT INTO dashboard_open_due_months (institution, filed_month, next_due_by, n) SELECT '', filed_month, next_due_by, sum(n) FROM dashboard_open_due_months WHERE institution <> '' GROUP BY filed_month, next_due_by HAVING sum(n) <> 0;
