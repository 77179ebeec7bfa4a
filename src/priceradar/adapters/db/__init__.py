"""Database adapter: schema, engine, migrations and the set-based queries of the hot paths.

The transaction rule (the one place it is written):

- Functions in this package take a Connection inside a transaction their caller opened, and
  never commit or roll back.
- The caller that opens it is the unit of work's owner: a service function
  (`with engine.begin()`), an API request (`api.deps.ConnDep`) or a CLI command; Celery tasks
  open none, they call services.
- No transaction is held across network I/O: a check batch reads its targets in one, fetches
  with none open, then writes each group of results in its own.
"""
