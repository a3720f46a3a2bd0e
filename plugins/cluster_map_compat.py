"""Let datasette-cluster-map's data requests through Datasette 1.0a41.

The map (datasette-cluster-map 0.18.2, on the places table and on queries
that return coordinates) loads its points from the page's JSON with
`_extra=count&_extra=next_url`. Datasette 1.0a41 has no `next_url` extra
(its JSON carries next_url anyway), and a canned query has no `count`
extra either: it answers 400 "Unknown _extra" and the map stays empty. So
those names are dropped from the request; the map then reads the rows and
next_url as it expects.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from ingest.site import DATABASE_NAME as DATABASE
from ingest.site import route_path

_JSON_PATH = re.compile(rf"^/{DATABASE}/([^/]+)\.json$")


def without_unknown_extras(query: bytes, is_canned_query: bool) -> bytes:
    unknown = {"next_url", "count"} if is_canned_query else {"next_url"}
    args = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [(k, v) for k, v in args if not (k == "_extra" and v in unknown)]
    return urlencode(kept).encode("utf-8") if len(kept) != len(args) else query


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def compatible(scope, receive, send):
            if scope.get("type") == "http" and b"_extra=" in scope.get("query_string", b""):
                match = _JSON_PATH.match(route_path(datasette, scope.get("path", "")))
                queries = datasette.config.get("databases", {}).get(DATABASE, {}).get("queries", {})
                canned = bool(match) and match.group(1) in queries
                scope = dict(scope, query_string=without_unknown_extras(scope["query_string"], canned))
            await app(scope, receive, send)

        return compatible

    return wrap
