"""The search queries' SQL functions: fts_query, marked, marked_aliases
(ingest/site/search.py)."""

from datasette import hookimpl

from ingest.site import search


@hookimpl
def prepare_connection(conn):
    search.register_functions(conn)
