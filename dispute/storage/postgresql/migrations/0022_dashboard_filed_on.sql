-- PostgreSQL twin of duckdb/migrations/0022_dashboard_filed_on.sql.
-- The dashboard filtered by filing date reads the whole UTC days of the range from 0021's
-- day-keyed tables (dispute/storage/dashboard_time.py). Their primary keys begin with the
-- institution, so without these a month's view read every row of each table (bench/dashboard.py
-- at a million: 117,000 to 653,000 rows a table, about 40 ms a read); with them it reads that
-- month's rows. Only `filed_on`: the counts `n` change on every write, and an index holding
-- them would make each of those updates write the index too.
CREATE INDEX dashboard_open_filed ON dashboard_open (filed_on);
CREATE INDEX dashboard_day_counts_filed ON dashboard_day_counts (filed_on);
CREATE INDEX dashboard_day_close_days_filed ON dashboard_day_close_days (filed_on);
CREATE INDEX dashboard_day_lender_filed ON dashboard_day_lender (filed_on);
