"""The site menu: the pages a reader looks for first, on every page
(ingest/site/links.py)."""

from datasette import hookimpl

from ingest.site import links


@hookimpl
def menu_links(datasette):
    return links.menu_links(datasette)
