"""/-/api: the JSON and CSV URLs, documented with live examples.

Every example is a real URL on this site built from this database's own
ids and words, requested here (through Datasette's internal client, no
network) so the page shows what it actually answers: status, type and the
start of the body. The database is immutable, so the examples are worked
out once per Datasette instance and file.
"""

from __future__ import annotations

import json
import os
import re
import weakref
from urllib.parse import quote, urlencode

from datasette import Response

from .common import DATABASE_NAME as DATABASE
from .common import page_path

BODY_CHARS = 900
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
CSV_LINES = 4
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _first(db, sql, default=None):
    try:
        row = (await db.execute(sql)).first()
    except Exception:  # noqa: BLE001 - an older or empty database: the example falls back
        return default
    return row[0] if row and row[0] is not None else default


# Stand-ins in an example's URL when the database has none of the thing:
# the example then shows its URL's form and says why it is not run.
PLACEHOLDERS = {"article": "ARTICLE_ID", "outlet": "OUTLET_ID", "month": "2025-01", "entity": "ENTITY_ID",
                "cluster": "CLUSTER_ID", "story": "STORY_ID"}
NOUNS = {"article": "articles", "outlet": "outlets", "month": "dated articles", "entity": "names",
         "cluster": "quoted statements", "story": "stories"}


async def sample_values(datasette) -> dict:
    """Real ids and words from this database for the examples (None where
    it has none)."""
    db = datasette.get_database(DATABASE)
    person = await _first(db, "select name from entities where type = 'person' order by mention_count desc limit 1")
    title = await _first(db, "select title from articles where title is not null order by published desc limit 1", "")
    words = [w for w in (person or title or "news").replace(",", " ").split() if len(w) > 3 and w.isalpha()]
    return {
        "article": await _first(db, "select id from articles order by published is null, published desc, id limit 1"),
        "outlet": await _first(db, "select id from outlets order by article_count desc, id limit 1"),
        "month": await _first(db, """select substr(published, 1, 7) from articles where published is not null
                                     group by 1 order by count(*) desc limit 1"""),
        "entity": await _first(db, "select id from entities order by mention_count desc limit 1"),
        "cluster": await _first(db, "select id from quote_clusters order by outlet_count desc limit 1"),
        "story": await _first(db, "select id from stories order by outlet_count desc, article_count desc limit 1"),
        "word": words[-1] if words else "news",
    }


def _table(name: str, **params) -> str:
    query = urlencode([(k, v) for k, values in params.items()
                       for v in (values if isinstance(values, list) else [values])])
    return f"/{DATABASE}/{name}" + (f"?{query}" if query else "")


def sections(values: dict, next_token: str | None) -> list[dict]:
    """The documented URLs, by topic: (what it does, the URL) or (what it
    does, the URL, the sample value it needs)."""
    v = {k: PLACEHOLDERS[k] if value is None and k in PLACEHOLDERS else value for k, value in values.items()}
    article = quote(v["article"], safe="")
    return [
        {"title": "Every page is data", "id": "formats",
         "text": "Add .json or .csv to the path of any table, row or canned query; the page's own filters, "
                 "sorting and search carry over.",
         "examples": [
             ("A table as JSON: rows, columns, the total and the URL of the next page",
              _table("articles.json", _size=2, _col=["title", "published"])),
             ("The same as CSV", _table("articles.csv", _size=3, _col=["title", "published"])),
             ("One row", f"/{DATABASE}/articles/{article}.json", "article"),
         ]},
        {"title": "Shapes of JSON", "id": "shapes",
         "text": "_shape=array gives a plain list of objects (the easiest to load); _shape=arrays lists of values; "
                 "_shape=object an object keyed by id. _nl=on with _shape=array gives one object per line "
                 "(newline-delimited JSON).",
         "examples": [
             ("A plain array of objects", _table("articles.json", _shape="array", _size=2,
                                                 _col=["title", "published"])),
             ("Keyed by id", _table("outlets.json", _shape="object", _size=2)),
             ("Newline-delimited", _table("outlets.json", _shape="array", _nl="on", _size=3)),
         ]},
        {"title": "Labels instead of ids", "id": "labels",
         "text": "_labels=on replaces each foreign key (outlet, story, source...) by {value, label}; in CSV it adds "
                 "a column_label column beside each.",
         "examples": [
             ("Outlets and stories with their names",
              _table("articles.json", _shape="array", _labels="on", _size=2, _col=["title", "outlet", "story"])),
         ]},
        {"title": "Choosing columns", "id": "columns",
         "text": "_col=name keeps only the columns named (repeat it); _nocol=name drops one. The id is always "
                 "kept.",
         "examples": [
             ("Just titles and dates", _table("articles.json", _shape="array", _size=3,
                                              _col=["title", "published"])),
             ("Everything but the bodies", _table("articles.json", _shape="array", _size=1,
                                                  _nocol=["body_markdown", "body_text"])),
         ]},
        {"title": "Sorting", "id": "sorting",
         "text": "_sort=column sorts ascending, _sort_desc=column descending.",
         "examples": [
             ("Newest first", _table("articles.json", _shape="array", _size=3, _sort_desc="published",
                                     _col=["title", "published"])),
             ("Outlets by name", _table("outlets.json", _shape="array", _size=3, _sort="name")),
         ]},
        {"title": "Filtering", "id": "filtering",
         "text": "column=value keeps the rows equal to it; column__contains, __startswith, __gt, __gte, __lt, "
                 "__lte, __not, __in (comma-separated), __isnull and __notblank do what they say.",
         "examples": [
             ("One outlet's articles", _table("articles.json", _shape="array", outlet=v["outlet"],
                                              _col=["title", "published"]), "outlet"),
             ("Published in one month", _table("articles.json", _shape="array",
                                               published__startswith=v["month"], _col=["title", "published"],
                                               _size=3), "month"),
             ("Places with coordinates", _table("entities.json", _shape="array", type="place",
                                                latitude__notblank=1, _size=3,
                                                _col=["name", "latitude", "longitude"])),
         ]},
        {"title": "Full-text search", "id": "search",
         "text": "_search=words searches a table's full-text index (articles, paragraphs, quotes, entities), "
                 "best match first. Search everything searches all four at once, with highlighted snippets.",
         "examples": [
             ("Paragraphs mentioning a word", _table("paragraphs.json", _shape="array", _search=v["word"], _size=2)),
             ("Search everything", _table("search_everything.json", q=v["word"], _shape="array")),
         ]},
        {"title": "Paging", "id": "paging",
         "text": "Pages hold 50 rows (_size=N for up to 1,000). Each JSON page gives next, a token, and next_url: "
                 "request next_url (or add _next=token) until it is null. CSV with _stream=on gives every row "
                 "in one file instead.",
         "examples": [
             ("The first page of two", _table("articles.json", _size=2, _col=["title"])),
             *([("The page after it", _table("articles.json", _size=2, _col=["title"], _next=next_token))]
               if next_token else []),
         ]},
        {"title": "Facets", "id": "facets",
         "text": "_facet=column counts the rows by each value of a column (repeat it for several).",
         "examples": [
             ("Articles by outlet and language", _table("articles.json", _facet=["outlet", "language"], _size=0)),
         ]},
        {"title": "Canned queries", "id": "queries",
         "text": "Each canned query on the database page answers with its parameters in the URL, as JSON or CSV.",
         "examples": [
             ("Who said it", _table("who_said_it.json", q=v["word"], _shape="array")),
             ("A story's coverage matrix", _table("coverage_matrix.json", story=v["story"], _shape="array"),
              "story"),
         ]},
        {"title": "CSV for spreadsheets", "id": "csv",
         "text": "_dl=1 downloads the CSV as a file. Every cell that starts with =, +, -, @, a tab or a "
                 "carriage return gets a leading ' so a spreadsheet shows it as text and never runs it as a "
                 "formula (plain numbers such as -3.5 stay numbers). _stream=on gives every row, not one page.",
         "examples": [
             ("Download a CSV file", _table("articles.csv", _dl=1, _size=3, _col=["title", "author", "published"])),
             ("Every row, streamed", _table("outlets.csv", _stream="on")),
             ("Search results as CSV", _table("search_everything.csv", q=v["word"])),
         ]},
        {"title": "A name, a statement, a story as data", "id": "items",
         "text": "The pages of one name, one statement (quote cluster) and one story answer .json with names and "
                 "text, not only ids: a name's mentions under their articles, its statements (each once, with the "
                 "outlets that carried it) and who appears alongside; every version of a statement with its "
                 "outlet, article title, date and speaker; a story's articles and who carried what. .csv gives "
                 "the table of a statement's versions or of a story's articles, safe for spreadsheets. An "
                 "unknown id answers 404.",
         "examples": [
             ("A name, as JSON", page_path("entities", v["entity"]) + ".json", "entity"),
             ("Every version of a statement, as JSON", page_path("quote_clusters", v["cluster"]) + ".json",
              "cluster"),
             ("Every version of a statement, as CSV", page_path("quote_clusters", v["cluster"]) + ".csv", "cluster"),
             ("A story: its articles and who carried what, as JSON", page_path("stories", v["story"]) + ".json",
              "story"),
             ("A story's articles, as CSV", page_path("stories", v["story"]) + ".csv", "story"),
         ]},
        {"title": "Pages and files", "id": "pages",
         "text": "These are HTML pages, not data, but their URLs are stable; each links to its own JSON and CSV "
                 "(add .json, or .csv, to its path).",
         "examples": [
             ("A name: its mentions, quotes, who appears alongside", page_path("entities", v["entity"]), "entity"),
             ("A statement: every version side by side", page_path("quote_clusters", v["cluster"]), "cluster"),
             ("A story: its articles and who carried what", page_path("stories", v["story"]), "story"),
             ("The whole database, for your own SQL", f"/{DATABASE}.db"),
         ]},
    ]


def _excerpt(content_type: str, body: bytes) -> str:
    text = body[:200_000].decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass  # newline-delimited JSON: shown as it is
    elif "csv" in content_type or content_type.startswith("text/plain"):
        lines = text.splitlines()
        text = "\n".join(line[:200] + ("…" if len(line) > 200 else "") for line in lines[:CSV_LINES])
        if len(lines) > CSV_LINES:
            text += "\n…"
    return text[:BODY_CHARS] + ("\n…" if len(text) > BODY_CHARS else "")


async def live_examples(datasette) -> list[dict]:
    db = datasette.get_database(DATABASE)
    key = (db.path, os.stat(db.path).st_mtime_ns)
    cached = _cache.setdefault(datasette, {})
    if key in cached:
        return cached[key]
    values = await sample_values(datasette)
    first_page = await datasette.client.get(_table("articles.json", _size=2, _col=["title"]))
    next_token = first_page.json().get("next") if first_page.status_code == 200 else None
    out = []
    for section in sections(values, next_token):
        examples = []
        for label, url, *needs in section["examples"]:
            example = {"label": label, "url": url, "status": None, "type": "", "body": "", "note": ""}
            missing = [n for n in needs if values.get(n) is None]
            if missing:
                example["note"] = (f"This database has no {NOUNS[missing[0]]} yet, so this example is not run: "
                                   f"its URL shows the form, with {PLACEHOLDERS[missing[0]]} where a real value "
                                   f"goes.")
            elif not url.endswith(".db"):
                response = await datasette.client.get(url)
                content_type = response.headers.get("content-type", "").split(";")[0]
                example.update(status=response.status_code, type=content_type,
                               disposition=response.headers.get("content-disposition", ""),
                               body=_excerpt(content_type, response.content)
                               if content_type != "text/html" else "(an HTML page)")
            examples.append(example)
        out.append({**section, "examples": examples})
    cached[key] = out
    return out


ROUTE = r"^/-/api$"


async def api_page(datasette, request):
    """/-/api: every example with its live answer."""
    # The internal client answers as http://localhost: show this site's own address.
    origin = datasette.absolute_url(request, "/").rstrip("/")
    if not _ORIGIN.match(origin):  # the Host header is the client's to choose: only a plain host:port is shown
        origin = "http://localhost"
    # Links through datasette.urls: the site may live under a base_url.
    sections = [{**s, "examples": [{**e, "url": datasette.urls.path(e["url"]),
                                    "body": e["body"].replace("http://localhost/", origin + "/")}
                                   for e in s["examples"]]} for s in await live_examples(datasette)]
    return Response.html(await datasette.render_template(
        "api.html", {"sections": sections, "database": DATABASE}, request=request))
