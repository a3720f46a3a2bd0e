"""The Search everything page: results grouped by kind, one query a request.

/press_atlas/search_everything is a canned query (datasette.yml): its
.json and .csv stay Datasette's. Its HTML page is this route instead
(plugin routes come before Datasette's), at the same URL, so readers'
links keep working: Datasette's query view would run the query for a
table the page never shows, and the page needs the raw ids to group and
link the results, so the query would run twice. Here it runs once, with
fewer results of each kind (the best HTML_PER_TYPE; how many matched in
all comes from a cheap count, with a link to every match), and a search
that runs out of time says so in words (400, not cached) instead of
Datasette's error page with the SQL in it. The page script re-fetches
this page as the reader types and shows its message either way.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.database import QueryInterrupted

from ingest.site import DATABASE_NAME, snippet_markup

TEMPLATE = "search_everything.html"
HTML_PER_TYPE = 20
GROUPS = [("entity", "Names", "name", "names", "entities_fts"),
          ("article", "Articles", "article", "articles", "articles_fts"),
          ("quote", "Quotes", "quote", "quotes", "quotes_fts"),
          ("paragraph", "Paragraphs", "paragraph", "paragraphs", "paragraphs_fts")]
# Every match, for the "all N" links: the table's own search (in the
# table's order), given the very FTS query the search ran, so it finds the
# same N.
ALL_MATCHES = {"entity": "entities", "article": "articles", "quote": "quotes", "paragraph": "paragraphs"}
COUNT_SQL = "select fts_query(:q) as fts, " + ", ".join(
    f"(select count(*) from {fts} where {fts} match fts_query(:q)) as {kind}" for kind, *_, fts in GROUPS)
TOO_SLOW = ("The search took too long: it matches too much of the corpus to rank in time. "
            "Try more specific words, or a “quoted phrase”.")


async def search_groups(datasette, q: str, per_type: int = HTML_PER_TYPE) -> dict:
    """The best `per_type` results of each kind, grouped, with how many
    matched in all; or an error a reader understands."""
    db = datasette.get_database(DATABASE_NAME)
    sql = datasette.config["databases"][DATABASE_NAME]["queries"]["search_everything"]["sql"]
    try:
        rows = (await db.execute(sql, {"q": q, "per_type": str(per_type)})).rows
    except QueryInterrupted:
        return {"groups": [], "total": 0, "error": TOO_SLOW}
    try:
        counts = dict((await db.execute(COUNT_SQL, {"q": q})).first())
    except QueryInterrupted:
        counts = {}
    by_type: dict[str, list] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(dict(r))
    groups = []
    for kind, label, one, many, _ in GROUPS:
        if not by_type.get(kind):
            continue
        shown = len(by_type[kind])
        matched = max(counts.get(kind) or 0, shown)
        all_url = None
        if matched > shown and counts.get("fts"):
            all_url = datasette.urls.table(DATABASE_NAME, ALL_MATCHES[kind]) + "?" + urlencode(
                {"_search": counts["fts"], "_searchmode": "raw"})
        groups.append({"type": kind, "label": label, "rows": by_type[kind], "matched": matched,
                       "noun": one if matched == 1 else many, "all_url": all_url})
    return {"groups": groups, "total": sum(g["matched"] for g in groups), "error": None}


async def search_page(datasette, request):
    if request.method not in ("GET", "HEAD"):  # a read-only page
        return Response.text("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
    q = (request.args.get("q") or "").strip()
    results = await search_groups(datasette, q) if q else None
    failed = bool(results and results["error"])
    html = await datasette.render_template(
        TEMPLATE, {"database": DATABASE_NAME, "search_q": q, "results": results, "highlight": snippet_markup},
        request=request, view_name="search")
    ttl = datasette.setting("default_cache_ttl")
    return Response.html(html, status=400 if failed else 200,
                         headers={"Cache-Control": "no-store" if failed else f"max-age={ttl}"})


@hookimpl
def register_routes():
    return [(rf"^/{DATABASE_NAME}/search_everything$", search_page)]
