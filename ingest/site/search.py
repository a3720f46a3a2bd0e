"""Search everything: its page, and the SQL functions its query uses.

The page: results grouped by kind, one query a request.

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

The SQL functions (registered on every connection, used by the
search_everything canned query in datasette.yml):

fts_query(text): any user input as a safe FTS5 query. Readers type words,
not FTS5 syntax. Unbalanced quotes, bare operators (`AND OR`), `*` or
`NEAR(` must not turn into a syntax error: words are quoted one by one and
ANDed, "quoted phrases" stay phrases, and the last word also matches as a
prefix (when it has three letters or more: "a*" would expand to most of
the vocabulary), so results come as you type. Input with no words at all
gives a query that matches nothing.

marked(text) and marked_aliases(name, aliases): FTS5's snippet() and
highlight() output, with char(1) and char(2) around the matches, as HTML
that is safe in every format (JSON and CSV too): the text escaped, then
<mark> and </mark> in place of the two markers. An entity's aliases are a
JSON array: it is decoded (not stripped of brackets and quotes, which
left a name with a `"` in it showing as `\\"`) and the spellings that
matched are listed.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

from datasette import Response
from datasette.database import QueryInterrupted

from .common import DATABASE_NAME, snippet_markup

ROUTE = rf"^/{DATABASE_NAME}/search_everything$"

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


# --- SQL functions ------------------------------------------------------------

MATCH_NOTHING = '"x" NOT "x"'
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")
MAX_TERMS = 16
START, END = "\x01", "\x02"


def fts_query(text):
    if text is None:
        return MATCH_NOTHING
    terms = []
    for phrase, word in _PHRASE_OR_WORD.findall(str(text)[:500]):
        words = _WORD.findall(phrase) if phrase else [word]
        if words:
            terms.append(" ".join(words))
    terms = terms[:MAX_TERMS]
    if not terms:
        return MATCH_NOTHING
    quoted = [f'"{t}"' for t in terms]
    if " " not in terms[-1] and len(terms[-1]) >= 3 and not str(text).rstrip().endswith('"'):
        quoted[-1] += "*"
    return " ".join(quoted)


def marked(text):
    """Snippet text as HTML: escaped, matches in <mark>."""
    if text is None:
        return None
    return html.escape(str(text), quote=False).replace(START, "<mark>").replace(END, "</mark>")


def marked_aliases(name, aliases):
    """An entity's snippet: its name when the name matched, else the
    spellings (aliases, a JSON array) that did."""
    if name is not None and START in str(name):
        return marked(name)
    try:
        spellings = json.loads(aliases, strict=False) if aliases else []
    except (TypeError, ValueError):
        spellings = []
    matched = [str(s) for s in spellings if isinstance(s, str) and START in s] if isinstance(spellings, list) else []
    if not matched:
        return marked(name)
    return "written " + ", ".join(marked(s) for s in matched)


def register_functions(conn) -> None:
    """fts_query, marked and marked_aliases on a SQLite connection."""
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("marked", 1, marked, deterministic=True)
    conn.create_function("marked_aliases", 2, marked_aliases, deterministic=True)
