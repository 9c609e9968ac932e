"""The PostgreSQL backend (several portal processes over one server): `database.py`, migrations."""
