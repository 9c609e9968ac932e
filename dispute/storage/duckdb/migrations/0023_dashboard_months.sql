-- The dashboard at a million disputes, fourth step (dispute/storage/dashboard_time.py,
-- dashboard_counts.py): 0021's day-keyed counts and days to close again, keyed by the month of
-- the UTC filing day (its first day) instead of the day, kept by the same writes in the same
-- transaction. A view filtered by filing date reads its whole months from these and only the
-- days before the first and after the last whole month from 0021's tables: a year of filings
-- is twelve months of rows instead of 365 days of them (bench/dashboard.py). Filled here from
-- 0021's tables, which hold the same counts by day.
CREATE TABLE dashboard_month_counts (
    institution     VARCHAR NOT NULL,
    filed_month     DATE NOT NULL,
    stage           VARCHAR NOT NULL,
    resolution      VARCHAR NOT NULL,
    error_category  VARCHAR NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, stage, resolution, error_category)
);
CREATE TABLE dashboard_month_close_days (
    institution     VARCHAR NOT NULL,
    filed_month     DATE NOT NULL,
    days            INTEGER NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, days)
);
INSERT INTO dashboard_month_counts (institution, filed_month, stage, resolution, error_category, n) SELECT institution, CAST(date_trunc('month', CAST(filed_on AS TIMESTAMP)) AS DATE) AS filed_month, stage, resolution, error_category, sum(n) AS n FROM dashboard_day_counts GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
INSERT INTO dashboard_month_close_days (institution, filed_month, days, n) SELECT institution, CAST(date_trunc('month', CAST(filed_on AS TIMESTAMP)) AS DATE) AS filed_month, days, sum(n) AS n FROM dashboard_day_close_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
