-- PostgreSQL twin of duckdb/migrations/0023_dashboard_months.sql.
-- The dashboard at a million disputes, fourth step (dispute/storage/dashboard_time.py,
-- dashboard_counts.py): 0021's day-keyed counts and days to close again, keyed by the month of
-- the UTC filing day (its first day) instead of the day, kept by the same writes in the same
-- transaction. A view filtered by filing date reads its whole months from these and only the
-- days before the first and after the last whole month from 0021's tables: a year of filings
-- is twelve months of rows instead of 365 days of them (bench/dashboard.py). Filled here from
-- 0021's tables, which hold the same counts by day. Text keys compare byte by byte (COLLATE "C")
-- as `disputes` does. Indexed by the month as 0022 indexes the day (their keys begin with the
-- institution).
CREATE TABLE dashboard_month_counts (
    institution     VARCHAR COLLATE "C" NOT NULL,
    filed_month     DATE NOT NULL,
    stage           VARCHAR COLLATE "C" NOT NULL,
    resolution      VARCHAR COLLATE "C" NOT NULL,
    error_category  VARCHAR COLLATE "C" NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, stage, resolution, error_category)
);
CREATE TABLE dashboard_month_close_days (
    institution     VARCHAR COLLATE "C" NOT NULL,
    filed_month     DATE NOT NULL,
    days            INTEGER NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, days)
);
CREATE INDEX dashboard_month_counts_filed ON dashboard_month_counts (filed_month);
CREATE INDEX dashboard_month_close_days_filed ON dashboard_month_close_days (filed_month);
INSERT INTO dashboard_month_counts (institution, filed_month, stage, resolution, error_category, n) SELECT institution, CAST(date_trunc('month', CAST(filed_on AS TIMESTAMP)) AS DATE) AS filed_month, stage, resolution, error_category, sum(n) AS n FROM dashboard_day_counts GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
INSERT INTO dashboard_month_close_days (institution, filed_month, days, n) SELECT institution, CAST(date_trunc('month', CAST(filed_on AS TIMESTAMP)) AS DATE) AS filed_month, days, sum(n) AS n FROM dashboard_day_close_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
