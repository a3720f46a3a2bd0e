"""Links on every page: the site menu, the template helpers that link to
items' pages, ids in query results as links, and a row's link to its
item's page.

Links go through `datasette.urls`, so they honour base_url. A scraped
`url` may be `javascript:...`: autoescaping does not stop that in an
href, so templates link only to what safe_url lets through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from datasette.utils import tilde_encode
from markupsafe import Markup

from .common import DATABASE_NAME, PAGE_PREFIXES, page_path, snippet_markup

# The tile layer datasette-cluster-map uses unless configured otherwise:
# every map on the site looks the same.
TILE_LAYER = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

# Query result columns shown as markup (escaped snippets with <mark>).
SNIPPETS = {"snippet", "speaker_snippet"}
# Query result columns holding ids, by the table they come from.
ID_COLUMNS = {"entity": "entities", "speaker_entity": "entities", "cluster": "quote_clusters",
              "story": "stories"}
# A row of these tables links to its item's page.
LINK_LABELS = {"quote_clusters": "Every version of this statement, side by side",
               "stories": "This story's page: its articles and who carried what (coverage matrix)",
               "entities": "The page for this name: mentions in context, quotes, who appears alongside"}


def menu_links(datasette) -> list[dict]:
    """The pages a reader looks for first, in the menu of every page."""
    return [
        {"href": datasette.urls.database(DATABASE_NAME) + "/search_everything", "label": "Search everything"},
        {"href": datasette.urls.table(DATABASE_NAME, "articles"), "label": "Articles"},
        {"href": datasette.urls.database(DATABASE_NAME) + "/stories_with_most_outlets", "label": "Stories"},
        {"href": datasette.urls.table(DATABASE_NAME, "entities"), "label": "Names"},
        {"href": datasette.urls.path("/-/api"), "label": "API: JSON and CSV"},
    ]


def safe_url(url) -> str | None:
    """The URL if it is a plain http(s) address, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\x00\r\n\t"):
        return None
    return url


def template_helpers(datasette) -> dict:
    """What every template may call: links to items' pages and rows,
    safe_url, and the maps' tile layer."""
    config = datasette.plugin_config("datasette-cluster-map") or {}
    options = config.get("tile_layer_options") or {}
    return {
        "entity_url": lambda entity_id: datasette.urls.path(page_path("entities", entity_id)),
        "cluster_url": lambda cluster_id: datasette.urls.path(page_path("quote_clusters", cluster_id)),
        "story_url": lambda story_id: datasette.urls.path(page_path("stories", story_id)),
        # A row's own page (or its .json): ids are tilde-encoded, as Datasette's router wants them.
        "row_url": lambda table, row_id, format=None: datasette.urls.row(DATABASE_NAME, table,
                                                                          tilde_encode(str(row_id)), format=format),
        "safe_url": safe_url,
        "map_tiles": {"url": config.get("tile_layer") or TILE_LAYER,
                      "attribution": options.get("attribution") or TILE_ATTRIBUTION},
    }


def query_cell(datasette, value, column, table, database) -> Markup | None:
    """A cell of a query's results (not a table's): snippets as markup
    (whatever a query returns there still passes nh3 allowing <mark> and
    nothing else), article, entity, quote cluster and story ids as links
    to their pages. None: Datasette renders the cell as usual."""
    if table is not None or not isinstance(value, str):
        return None
    if column in SNIPPETS:
        return snippet_markup(value)
    if column in ("article", "other_article") and database:
        url = datasette.urls.row(database, "articles", value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column in ID_COLUMNS and value:
        return Markup('<a href="{}">{}</a>').format(datasette.urls.path(page_path(ID_COLUMNS[column], value)),
                                                    value)
    return None


def item_page_link(datasette, database, table, row) -> Markup | None:
    """Above a row of quote_clusters, stories or entities: a link to its
    item's page."""
    if database != DATABASE_NAME or table not in PAGE_PREFIXES:
        return None
    return Markup('<p class="page-link"><a href="{}">{}</a></p>').format(
        datasette.urls.path(page_path(table, row["id"])), LINK_LABELS[table])
