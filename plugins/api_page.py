"""/-/api: the JSON and CSV URLs, documented with live examples
(ingest/site/api.py; the template is api.html)."""

from datasette import hookimpl

from ingest.site import api


@hookimpl
def register_routes():
    return [(api.ROUTE, api.api_page)]
