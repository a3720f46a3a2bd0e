"""Datasette's bugs, worked around in one place.

Each workaround below names the upstream issue it works around (or says
none was found, with the nearest one) and the versions it was checked
against. The site refuses to start on any other version of those
distributions (`check_versions`, called by `make_datasette`): an upgrade
is one review of this file, then one edit of CHECKED_AGAINST.

The hooks that apply them are registered by plugins/workarounds.py
(query strings, the navigation script, SQLite limits) and
plugins/error_pages.py (Datasette's own error handler, misreported
errors).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import Response
from datasette.utils import tilde_decode

from .common import DATABASE_NAME, route_path

# The versions every workaround here was checked against.
CHECKED_AGAINST = {"datasette": "1.0a41", "datasette-cluster-map": "0.18.2"}


@dataclass(frozen=True)
class Workaround:
    name: str
    upstream: str  # the upstream issue, or "none found" and the nearest
    checked_against: str
    summary: str


WORKAROUNDS = [
    Workaround("unknown extras", "none found; nearest: simonw/datasette#2042 and #2769 (the ?_extra= design, "
               "closed: it has no next_url extra), simonw/datasette-cluster-map#42 (1.0 alphas, closed in 2024)",
               "datasette 1.0a41, datasette-cluster-map 0.18.2",
               "the map's `_extra=next_url` (and `_extra=count` on a canned query) answer 400 'Unknown _extra'"),
    Workaround("sort column kept", "simonw/datasette#1773 (closed: fixed for IndexError only); the KeyError "
               "fix is simonw/datasette#2600 (open when checked)", "datasette 1.0a41",
               "a table page sorted by a column it hides answers 500 when it needs a next page"),
    Workaround("navigation search matches", "none found", "datasette 1.0a41",
               "<navigation-search>'s `this.matches` hides Element.prototype.matches"),
    Workaround("default error handler", "none found for opting out; the handler is a trylast hook since "
               "simonw/datasette#1770, its rich traceback simonw/datasette#1416", "datasette 1.0a41",
               "every error, a 404 included, prints a traceback with every local (cookies too)"),
    Workaround("misreported bad requests", "none found; nearest: simonw/datasette#1950 (a bad ?_sort was a 500, "
               "closed)", "datasette 1.0a41",
               "an unknown format, a malformed ?_through= or ?_timelimit= answer 500"),
    Workaround("sqlite limits", "simonw/datasette#762 (PRAGMA hard_heap_limit, open)", "datasette 1.0a41",
               "nothing bounds the memory a query may allocate within its time limit"),
    # The one workaround not in this file: it runs in the browser.
    Workaround("unlabelled filter controls", "none found", "datasette 1.0a41",
               "the table page's filter and sort controls have no label (fixed by static/press-atlas-a11y.js)"),
]


# --- The versions ---------------------------------------------------------------


class UnsupportedVersion(RuntimeError):
    """The installed Datasette (or cluster map) is not the version the
    workarounds were checked against."""


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def check_versions() -> None:
    """Raise UnsupportedVersion unless every distribution in
    CHECKED_AGAINST is installed at that very version."""
    wrong = [(name, checked, installed_version(name)) for name, checked in CHECKED_AGAINST.items()
             if installed_version(name) != checked]
    if wrong:
        found = "; ".join(f"{name} {installed or '(not installed)'} is installed, not {checked}"
                          for name, checked, installed in wrong)
        raise UnsupportedVersion(
            f"the site was checked against {', '.join(f'{n} {v}' for n, v in CHECKED_AGAINST.items())}: {found}. "
            f"ingest/site/workarounds.py works around those versions' bugs: install them (`make install`), "
            f"or review each workaround against the new version and update CHECKED_AGAINST.")


# --- Unknown extras -----------------------------------------------------------------
# datasette-cluster-map 0.18.2 (on the places table and on queries that
# return coordinates) loads its points with `_extra=count&_extra=next_url`.
# Datasette 1.0a41 has no `next_url` extra (its JSON carries next_url
# anyway), and a canned query has no `count` extra either: it answers 400
# "Unknown _extra" and the map stays empty. Those names are dropped from
# the request; the map then reads the rows and next_url as it expects.

_JSON_PATH = re.compile(rf"^/{DATABASE_NAME}/([^/]+)\.json$")


def without_unknown_extras(query: bytes, is_canned_query: bool) -> bytes:
    unknown = {"next_url", "count"} if is_canned_query else {"next_url"}
    args = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [(k, v) for k, v in args if not (k == "_extra" and v in unknown)]
    return urlencode(kept).encode("utf-8") if len(kept) != len(args) else query


def _known_extras_only(datasette, path: str, query: bytes) -> bytes:
    if b"_extra=" not in query:
        return query
    match = _JSON_PATH.match(path)
    queries = datasette.config.get("databases", {}).get(DATABASE_NAME, {}).get("queries", {})
    return without_unknown_extras(query, bool(match) and match.group(1) in queries)


# --- Sort column kept --------------------------------------------------------------
# /press_atlas/articles?_nocol=published (the "Hide column" menu on the
# default sort column), or ?_col=title, fails with KeyError as soon as there
# are more rows than one page: the next-page code expects an IndexError
# from rows with labels expanded. The next-page token is built from the
# sort column's value, so the page keeps that column: a _nocol naming it
# is dropped, and it is added to an explicit _col list.

_TABLE_PATH = re.compile(rf"^/{DATABASE_NAME}/([^/]+?)(?:\.(?:json|csv))?$")


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


def _sort_column_kept(datasette, path: str, query: bytes) -> bytes:
    match = _TABLE_PATH.match(path)
    if not match or not (b"_col=" in query or b"_nocol=" in query):
        return query
    table = tilde_decode(match.group(1))
    config = datasette.config.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {}).get(table, {})
    args = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    fixed = kept_sort_column(args, config.get("sort") or config.get("sort_desc"))
    return urlencode(fixed).encode("utf-8") if fixed != args else query


def fixed_query_strings(datasette, app):
    """An ASGI app that rewrites the query strings the two workarounds
    above are about, then calls `app`."""

    async def fixed(scope, receive, send):
        if scope.get("type") == "http":
            path = route_path(datasette, scope.get("path", ""))
            original = query = scope.get("query_string", b"")
            query = _known_extras_only(datasette, path, query)
            query = _sort_column_kept(datasette, path, query)
            if query is not original:
                scope = dict(scope, query_string=query)
        await app(scope, receive, send)

    return fixed


# --- Navigation search matches ---------------------------------------------------------
# The <navigation-search> element (the "Jump to..." dialog on every page)
# keeps its results in `this.matches`, an own property that hides
# Element.prototype.matches on that element. Anything that calls
# element.matches(selector) while walking the page then throws "matches is
# not a function": axe-core's accessibility audit, Playwright's selectors,
# any delegated event handler. The script is served from a plugin route
# (plugin routes come before Datasette's /-/static/) with the field
# renamed to `searchMatches`; nothing else changes.

NAVIGATION_SEARCH_ROUTE = r"^/-/static/navigation-search\.js$"


def navigation_search_source() -> Path:
    import datasette

    return Path(datasette.__file__).parent / "static" / "navigation-search.js"


def patched_navigation_search(text: str) -> str:
    return re.sub(r"\bthis\.matches\b", "this.searchMatches", text)


@functools.cache
def _navigation_search_script() -> str:
    return patched_navigation_search(navigation_search_source().read_text(encoding="utf-8"))


async def navigation_search_js(request):
    return Response(_navigation_search_script(), content_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


# --- Default error handler -------------------------------------------------------------
# Datasette's own handle_exception (a trylast hook implementation) prints a
# rich traceback, with every local variable, for every error, a 404
# included: about a second of CPU for each request for an unknown article,
# and the request's headers (cookies included) in the log. It cannot be
# turned off, and it answers with a function to run, so the only way to
# keep it quiet is to drop that answer unrun: it is recognised by its
# module's name.


def is_datasettes_default_handler(answer) -> bool:
    return getattr(answer, "__module__", None) == "datasette.handle_exception"


def without_datasettes_default_handler(answers: list) -> list:
    """The handle_exception hook's answers, Datasette's own left out."""
    return [a for a in answers if not is_datasettes_default_handler(a)]


# --- Misreported bad requests --------------------------------------------------------------
# Datasette answers 500 to some bad URLs: an unknown format
# (/press_atlas/articles.tsv, `assert False, "Invalid format"` in its table
# and query views), and URL parameters it parses without checking:
# ?_timelimit=abc is int("abc"), ?_through= is json.loads and indexing.

UNCHECKED_ARGS = ("_through", "_timelimit")


def misreported_status(request, exception) -> tuple[int, str] | None:
    """(status, message) for an exception that is the URL's fault though
    Datasette raised it as a server error; None for any other."""
    if isinstance(exception, AssertionError) and str(exception).startswith("Invalid format:"):
        return 404, str(exception)
    malformed = [name for name in UNCHECKED_ARGS if name in request.args]
    if malformed and isinstance(exception, (ValueError, KeyError, TypeError)):
        return 400, f"This request cannot be answered: malformed {malformed[0]}"
    return None


# --- SQLite limits ---------------------------------------------------------------------------
# Datasette stops a query after sql_time_limit_ms, but nothing bounds what it
# allocates meanwhile (randomblob(1e9), printf padding, an enormous
# statement). These limits do, on every connection to our databases.

SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 64 * 1024 * 1024,  # largest string or blob
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL statement
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
}
# Process-wide ceiling on SQLite's heap: a query past it fails with
# "out of memory" instead of taking the machine down.
HARD_HEAP_LIMIT = 2 * 1024 * 1024 * 1024


def limit_connection(conn, database: str) -> None:
    """Set SQLITE_LIMITS and HARD_HEAP_LIMIT on a connection (Datasette's
    own _internal database aside)."""
    if database == "_internal":
        return
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"pragma hard_heap_limit = {HARD_HEAP_LIMIT}")
