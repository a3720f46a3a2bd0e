"""Helpers every template can use: links to the entity, quote-cluster and
story pages, a guard for scraped URLs, and the map's tile layer.

A scraped `url` may be `javascript:...`: autoescaping does not stop that
in an href, so templates link only to what safe_url lets through. The
tile layer is the one datasette-cluster-map is configured with (or its
default), so every map on the site looks the same.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from datasette import hookimpl

TILE_LAYER = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def entity_url(entity_id: str) -> str:
    return "/-/entities/" + quote(str(entity_id), safe="")


def cluster_url(cluster_id: str) -> str:
    return "/-/quote-clusters/" + quote(str(cluster_id), safe="")


def story_url(story_id: str) -> str:
    return "/-/stories/" + quote(str(story_id), safe="")


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
        "entity_url": entity_url,
        "cluster_url": cluster_url,
        "story_url": story_url,
        "safe_url": safe_url,
        "map_tiles": {"url": config.get("tile_layer") or TILE_LAYER,
                      "attribution": options.get("attribution") or TILE_ATTRIBUTION},
    }
