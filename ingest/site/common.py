"""What every page shares: the database's name, where each item's own
page lives, a request's path without base_url, search snippets as
markup, rows as dicts and the "not found" page.

A page's address is written once, here; links go through
`datasette.urls`, which honours base_url.
"""

from __future__ import annotations

from urllib.parse import quote

import nh3
from datasette import Response
from markupsafe import Markup

DATABASE_NAME = "press_atlas"

# The page of one item, by the table its id comes from (entity.py,
# statement.py, story.py).
PAGE_PREFIXES = {
    "entities": "/-/entities/",
    "quote_clusters": "/-/quote-clusters/",
    "stories": "/-/stories/",
}


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


async def not_found(datasette, request, message: str) -> Response:
    """The site's 404 page, saying what was not found."""
    return Response.html(await datasette.render_template(
        "error.html", {"error": message, "status": 404, "title": "Not found"}, request=request), status=404)
