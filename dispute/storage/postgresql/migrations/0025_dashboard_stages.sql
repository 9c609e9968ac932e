-- PostgreSQL twin of duckdb/migrations/0025_dashboard_stages.sql.
-- The dashboard at a million disputes, seventh step (dispute/storage/dashboard_counts.py): the
-- counts keep, like 0024's tables, each key's sum over every institution under the institution
-- '', which a view of every institution reads for disputes by stage, outcomes and error
-- categories; and the top institutions of such a view, filtered by filing date, are read from
-- two new tables of disputes per (institution, UTC filing day or month, stage), some
-- thousands of rows a year where the counts by stage, outcome and category were 18,000. Kept by
-- the same writes in the same transaction; filled here from the counts.
-- Text keys compare byte by byte (COLLATE "C") as `disputes` does; the new tables are indexed
-- by the filing day or month, as 0022 and 0023 index theirs (a view of every institution reads
-- every institution's rows of a range).
CREATE TABLE dashboard_day_stages (
    institution     VARCHAR COLLATE "C" NOT NULL,
    filed_on        DATE NOT NULL,
    stage           VARCHAR COLLATE "C" NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_on, stage)
);
CREATE TABLE dashboard_month_stages (
    institution     VARCHAR COLLATE "C" NOT NULL,
    filed_month     DATE NOT NULL,
    stage           VARCHAR COLLATE "C" NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (institution, filed_month, stage)
);
CREATE INDEX dashboard_day_stages_filed ON dashboard_day_stages (filed_on);
CREATE INDEX dashboard_month_stages_filed ON dashboard_month_stages (filed_month);
INSERT INTO dashboard_day_stages (institution, filed_on, stage, n) SELECT institution, filed_on, stage, sum(n) AS n FROM dashboard_day_counts WHERE institution <> '' GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
INSERT INTO dashboard_month_stages (institution, filed_month, stage, n) SELECT institution, filed_month, stage, sum(n) AS n FROM dashboard_month_counts WHERE institution <> '' GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
INSERT INTO dashboard_counts (institution, stage, resolution, error_category, n) SELECT '', stage, resolution, error_category, sum(n) FROM dashboard_counts WHERE institution <> '' GROUP BY stage, resolution, error_category HAVING sum(n) <> 0;
INSERT INTO dashboard_day_counts (institution, filed_on, stage, resolution, error_category, n) SELECT '', filed_on, stage, resolution, error_category, sum(n) FROM dashboard_day_counts WHERE institution <> '' GROUP BY filed_on, stage, resolution, error_category HAVING sum(n) <> 0;
INSERT INTO dashboard_month_counts (institution, filed_month, stage, resolution, error_category, n) SELECT '', filed_month, stage, resolution, error_category, sum(n) FROM dashboard_month_counts WHERE institution <> '' GROUP BY filed_month, stage, resolution, error_category HAVING sum(n) <> 0;
