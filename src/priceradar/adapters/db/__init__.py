"""Database adapter: schema, engine, migrations and the set-based queries of the hot paths."""
