-- PostgreSQL twin of duckdb/migrations/0018_search_index.sql: the same schema; text columns compare byte by
-- byte (COLLATE "C") so that sorts and ranges match DuckDB's whatever the database's locale.
-- The queue's text index (issue 17; dispute/storage/search_index.py, dispute/search_text.py):
-- one row per dispute and term of its description (CJK characters and character bigrams,
-- case-folded words), written in the transaction that writes the description. search_words is
-- every word seen, so that a search's word can be found inside a longer one, and whether
-- every spelling of it was ASCII (plain: a search's ASCII word inside it is then an exact match). The migration
-- runner fills both for the disputes already filed (dispute/storage/migrate.py, AFTER).
-- No index on search_terms here: on DuckDB it would be held in memory (hundreds of millions of
-- rows at a million disputes); the rebuild writes the rows in term order instead, and the
-- PostgreSQL twin adds a B-tree.
CREATE TABLE search_terms (
    dispute_id  UUID NOT NULL,
    term        VARCHAR COLLATE "C" NOT NULL
);
CREATE TABLE search_words (
    term        VARCHAR COLLATE "C" PRIMARY KEY,
    plain       BOOLEAN NOT NULL
);
-- Disputes holding each term, per stage, kept by the same writes (filing, correction, every stage
-- change): a one-term search's counts per stage without reading its postings.
CREATE TABLE search_term_stages (
    term        VARCHAR COLLATE "C" NOT NULL,
    stage       VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (term, stage)
);
CREATE INDEX search_terms_term ON search_terms (term, dispute_id);
CREATE INDEX search_terms_dispute ON search_terms (dispute_id);
