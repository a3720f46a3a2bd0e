"""What every page shares: the database's name, where each item's own
page lives, a request's path without base_url, search snippets as
markup, rows as dicts, and an item page's request and its JSON and CSV
answers (an unknown id raises NotFound: errors.py answers it).

A page's address is written once, here; links go through
`datasette.urls`, which honours base_url.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, unquote

import nh3
from datasette import Response
from datasette.utils import add_cors_headers
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from .csv_export import neutralise

DATABASE_NAME = "press_atlas"

# The page of one item, by the table its id comes from (entity.py,
# statement.py, story.py).
PAGE_PREFIXES = {
    "entities": "/-/entities/",
    "quote_clusters": "/-/quote-clusters/",
    "stories": "/-/stories/",
}


# An item's page answers its own path, and the same path with .json (and
# .csv where the page is a table) for its data.
FORMAT_SUFFIX = r"(?:\.(?P<format>json|csv))?"


def page_path(table: str, item_id) -> str:
    """The path of an entity's, quote cluster's or story's page, before
    base_url: pass it through `datasette.urls.path` for a link."""
    return PAGE_PREFIXES[table] + quote(str(item_id), safe="")


def route_path(datasette, path: str) -> str:
    """A request's path as the routes see it: without the site's base_url."""
    base = datasette.setting("base_url")
    return "/" + path[len(base):] if base != "/" and path.startswith(base) else path


def snippet_markup(snippet) -> Markup:
    """A search snippet as markup. The search queries escape their
    snippets and mark the matches; whatever a query returns still passes
    nh3 allowing <mark> and nothing else."""
    return Markup(nh3.clean(snippet or "", tags={"mark"}, attributes={}))


async def query_rows(db, sql: str, params=()) -> list[dict]:
    """A query's rows as plain dicts (templates and JSON want dicts)."""
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def requested_item(request, key: str, fetch, message: str, formats=("json",)):
    """(the item's data, the format asked for: None for the page, "json" or
    "csv") for an item page's request; `fetch(id)` gives the data or None.
    An id that itself ends in .json or .csv still finds its page. Raises
    NotFound (answered by errors.py: the site's error page, JSON or text)
    for an unknown id or a format the page does not give."""
    item_id, fmt = unquote(request.url_vars[key]), request.url_vars.get("format")
    data = await fetch(item_id)
    if data is None and fmt:
        data, fmt = await fetch(f"{item_id}.{fmt}"), None
    if data is None:
        raise NotFound(message)
    if fmt and fmt not in formats:
        raise NotFound(f"This page has no .{fmt} version.")
    return data, fmt


def json_response(datasette, data) -> Response:
    """An item page's data as JSON (CORS on when the site has it)."""
    headers = {}
    if datasette.cors:
        add_cors_headers(headers)
    return Response.json(data, headers=headers, default=str)


def csv_response(datasette, columns: list[str], rows: list[dict]) -> Response:
    """Rows as CSV that a spreadsheet opens safely (csv_export.neutralise
    on every cell, as on Datasette's own CSV)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise("" if row.get(c) is None else str(row[c])) for c in columns])
    headers = {}
    if datasette.cors:
        add_cors_headers(headers)
    return Response(out.getvalue(), content_type="text/plain; charset=utf-8", headers=headers)
