"""Query results: search snippets as safe markup, ids as links to their
pages (ingest/site/links.py)."""

from datasette import hookimpl

from ingest.site import links


@hookimpl
def render_cell(value, column, table, database, datasette):
    return links.query_cell(datasette, value, column, table, database)
