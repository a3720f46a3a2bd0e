"""The Search everything page, at the canned query's own URL
(ingest/site/search.py; the template is search_everything.html)."""

from datasette import hookimpl

from ingest.site import search


@hookimpl
def register_routes():
    return [(search.ROUTE, search.search_page)]
