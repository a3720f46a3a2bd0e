"""SQL helpers the writer and the linking stages share: plain rows in bulk,
and indexes rebuilt after a bulk insert."""

from __future__ import annotations

from contextlib import contextmanager


def insert_rows(db, table: str, columns: tuple[str, ...], rows, ignore: bool = False) -> None:
    """Rows of plain values (tuples in the order of `columns`) with one
    prepared statement: what sqlite-utils' insert_all writes for them,
    without building its SQL and converting every value batch by batch."""
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.executemany(f"insert {'or ignore ' if ignore else ''}into [{table}] ({names}) "
                        f"values ({', '.join('?' * len(columns))})", rows)


@contextmanager
def indexes_after(db, table: str):
    """Drop the table's own indexes, then make them again once the rows are
    in: built by sorting the rows, not by inserting each row into each index
    (which is slow once the database is larger than SQLite's page cache)."""
    made = db.execute("select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
                      "and sql is not null", [table]).fetchall()
    for name, _sql in made:
        db.execute(f"drop index [{name}]")
    yield
    for _name, sql in made:
        db.execute(sql)
