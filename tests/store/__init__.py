"""Contract suite of the SQL store, run on every backend."""
