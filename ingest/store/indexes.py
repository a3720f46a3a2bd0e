"""Indexes, full-text search and the database's last touches."""

from __future__ import annotations

from . import schema


def create_indexes(db) -> None:
    """The indexes schema.py declares: made once the documents' rows are in
    (the linking stages look rows up by article and outlet)."""
    for table in schema.TABLES:
        for columns in table.indexes:
            db[table.name].create_index(list(columns), if_not_exists=True)


def build_fts(db) -> None:
    """The full-text indexes of the tables schema.py marks. (sqlite-utils'
    enable_fts commits the open transaction: harmless in a private file
    that is renamed into place only once finished.)"""
    for table in schema.TABLES:
        if table.fts:
            db[table.name].enable_fts(list(table.fts), tokenize=schema.FTS_TOKENIZE, create_triggers=False)


def finalise(db) -> None:
    """The schema version, the planner's statistics, and an ordinary
    rollback journal for the file as it will be served."""
    db.execute(f"pragma user_version = {schema.SCHEMA_VERSION}")
    db.execute("analyze")
    db.execute("pragma journal_mode = delete")
    db.conn.commit()
