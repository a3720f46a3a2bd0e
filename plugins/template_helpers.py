"""Helpers every template can use: links to items' pages and rows,
safe_url for scraped URLs, the maps' tile layer (ingest/site/links.py)."""

from datasette import hookimpl

from ingest.site import links


@hookimpl
def extra_template_vars(datasette):
    return links.template_helpers(datasette)
