"""Bound what one SQL query can take from the server.

Datasette already stops a query after sql_time_limit_ms. These limits stop
a query that would allocate huge values (randomblob(1e9), printf padding)
or an enormous statement within that time.
"""

import sqlite3

from datasette import hookimpl

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 64 * 1024 * 1024,  # largest string or blob
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL statement
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
}
# Process-wide ceiling on SQLite's heap: a query past it fails with
# "out of memory" instead of taking the machine down.
HARD_HEAP_LIMIT = 2 * 1024 * 1024 * 1024


@hookimpl
def prepare_connection(conn, database):
    if database == "_internal":
        return
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"pragma hard_heap_limit = {HARD_HEAP_LIMIT}")
