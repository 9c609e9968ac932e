-- Names, phone numbers and account numbers are sealed in the application (dispute/pii.py):
-- exact-match search by name goes through a blind index.
ALTER TABLE users ADD COLUMN name_idx VARCHAR;
CREATE INDEX users_name_idx ON users (name_idx);
