"""Every foreign key that a delete has to follow is indexed.

`ON DELETE CASCADE` / `SET NULL` makes PostgreSQL find the referencing rows of each deleted
parent; without an index whose first column is the foreign key, every product or deal delete
scans the whole child table (the outbox grows by one row per alert).
"""

from __future__ import annotations

from priceradar.adapters.db.models import Base


def test_every_foreign_key_followed_on_delete_leads_an_index() -> None:
    missing = []
    for table in Base.metadata.sorted_tables:
        leading = {index.columns[0].name for index in table.indexes if index.columns}
        leading |= {column.name for column in table.primary_key.columns[:1]}
        for fk in table.foreign_keys:
            if fk.ondelete and fk.parent.name not in leading:
                missing.append(f"{table.name}.{fk.parent.name} (ON DELETE {fk.ondelete})")
    assert missing == []
