"""Datasette 1.0a41's bugs, worked around: every hook here calls
ingest/site/workarounds.py, where each workaround names its upstream
issue (Datasette's error handler is dropped by plugins/error_pages.py)."""

from datasette import hookimpl

from ingest.site import workarounds


@hookimpl
def asgi_wrapper(datasette):
    """Unknown extras dropped, the sort column kept."""
    return lambda app: workarounds.fixed_query_strings(datasette, app)


@hookimpl
def register_routes():
    """navigation-search.js without its `this.matches`."""
    return [(workarounds.NAVIGATION_SEARCH_ROUTE, workarounds.navigation_search_js)]


@hookimpl
def prepare_connection(conn, database):
    """SQLite's limits on every connection."""
    workarounds.limit_connection(conn, database)
