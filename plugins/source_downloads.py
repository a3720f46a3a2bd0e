"""Download any input document exactly as it was received
(ingest/site/sources.py)."""

from datasette import hookimpl

from ingest.site import sources


@hookimpl
def register_routes():
    return [(sources.ROUTE, sources.raw_source)]


@hookimpl
def render_cell(row, value, column, table, datasette):
    return sources.raw_cell(datasette, row, value, column, table)
