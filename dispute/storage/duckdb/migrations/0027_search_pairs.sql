-- The queue's text index, second version (issue 17; dispute/storage/search_index.py,
-- dispute/search_text.py): CJK pieces of up to four characters (not two), and every two words
-- with one space between them, so that a Chinese search of up to four characters and an English
-- one of two words is a single term, answered and counted without reading any description.
-- search_pairs is every such pair seen (a search's two words may be parts of longer ones:
-- "redit repor" is in "credit report"), with whether every spelling of it was ASCII. The
-- migration runner then builds the whole index again from the descriptions
-- (dispute/storage/migrate.py, AFTER).
CREATE TABLE search_pairs (
    term        VARCHAR PRIMARY KEY,
    plain       BOOLEAN NOT NULL
);
