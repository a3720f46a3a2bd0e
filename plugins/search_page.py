"""The Search everything page: results grouped by kind.

/press_atlas/search_everything is a canned query (datasette.yml), so its
JSON and CSV stay Datasette's. Its HTML page
(templates/query-press_atlas-search_everything.html) shows the same rows
grouped into names, articles, quotes and paragraphs, each group best
first, with counts that jump to each group; the page script re-fetches it
as the reader types. The query runs again here because Datasette hands a
query template only the rendered cells, and the groups need the raw ids.
"""

from __future__ import annotations

import nh3
from datasette import hookimpl
from datasette.database import QueryInterrupted
from markupsafe import Markup

DATABASE = "press_atlas"
TEMPLATE = "query-press_atlas-search_everything.html"
GROUPS = [("entity", "Names", "name", "names"), ("article", "Articles", "article", "articles"),
          ("quote", "Quotes", "quote", "quotes"), ("paragraph", "Paragraphs", "paragraph", "paragraphs")]


def highlight(snippet) -> Markup:
    """A snippet as markup: escaped text with <mark> around the matches."""
    return Markup(nh3.clean(snippet or "", tags={"mark"}, attributes={}))


async def search_groups(datasette, q: str) -> dict:
    sql = datasette.config["databases"][DATABASE]["queries"]["search_everything"]["sql"]
    try:
        rows = (await datasette.get_database(DATABASE).execute(sql, {"q": q})).rows
    except QueryInterrupted:
        return {"groups": [], "total": 0, "error": "The search took too long; try more specific words."}
    by_type: dict[str, list] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(dict(r))
    groups = [{"type": t, "label": label, "rows": by_type[t], "noun": one if len(by_type[t]) == 1 else many}
              for t, label, one, many in GROUPS if by_type.get(t)]
    return {"groups": groups, "total": len(rows), "error": None}


@hookimpl
def extra_template_vars(template, request, datasette):
    if template != TEMPLATE:
        return None
    q = (request.args.get("q") or "").strip() if request else ""

    async def search_results():
        return await search_groups(datasette, q) if q else None

    return {"search_q": q, "search_results": search_results, "highlight": highlight}
