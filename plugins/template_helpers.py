"""Helpers every template can use: links to the entity, quote-cluster and
story pages (through datasette.urls, so they honour base_url), a guard for
scraped URLs, and the map's tile layer.

A scraped `url` may be `javascript:...`: autoescaping does not stop that
in an href, so templates link only to what safe_url lets through. The
tile layer is the one datasette-cluster-map is configured with (or its
default), so every map on the site looks the same.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils import tilde_encode

from ingest.site import DATABASE_NAME, page_path

TILE_LAYER = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


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


@hookimpl
def extra_template_vars(datasette):
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
