"""Keep the sort column when a table page hides columns.

Datasette 1.0a41 answers 500 when a table page sorted by a column it does
not show needs a next page: /press_atlas/articles?_nocol=published (the
"Hide column" menu on the default sort column), or ?_col=title, fails
with KeyError as soon as there are more rows than one page, because its
next-page code expects an IndexError from rows with labels expanded. The
next-page token is built from the sort column's value, so this wrapper
keeps that column in the page: it drops a _nocol naming it and adds it
to an explicit _col list.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode

from ingest.site import DATABASE_NAME as DATABASE
from ingest.site import route_path

_TABLE_PATH = re.compile(rf"^/{DATABASE}/([^/]+?)(?:\.(?:json|csv))?$")


def kept_sort_column(args: list[tuple[str, str]], default_sort: str | None) -> list[tuple[str, str]]:
    names = dict(args)
    sort = names.get("_sort") or names.get("_sort_desc") or default_sort
    if not sort:
        return args
    cols = [v for k, v in args if k == "_col"]
    args = [(k, v) for k, v in args if not (k == "_nocol" and v == sort)]
    if cols and sort not in cols:
        args.append(("_col", sort))
    return args


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def keep_sort_column(scope, receive, send):
            query = scope.get("query_string", b"")
            match = (_TABLE_PATH.match(route_path(datasette, scope.get("path", ""))) if scope.get("type") == "http"
                     else None)
            if match and (b"_col=" in query or b"_nocol=" in query):
                table = tilde_decode(match.group(1))
                config = datasette.config.get("databases", {}).get(DATABASE, {}).get("tables", {}).get(table, {})
                args = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
                fixed = kept_sort_column(args, config.get("sort") or config.get("sort_desc"))
                if fixed != args:
                    scope = dict(scope, query_string=urlencode(fixed).encode("utf-8"))
            await app(scope, receive, send)

        return keep_sort_column

    return wrap
