"""Error pages: cheap, quiet, and never a traceback.

Every error the site raises is answered here:

- not found (an unknown article, table or page) and an unknown format
  (/press_atlas/articles.tsv): 404;
- a bad request (Datasette's 400s; a facet on a missing column, which
  raises sqlite3.OperationalError, since every query the site runs comes
  from the URL; a malformed ?_through= or ?_timelimit=): 400 with a plain
  message;
- a query that ran out of time: 400, saying so in words, without the SQL;
- a table search that SQLite's full-text index cannot read (a lone `"`,
  `?_search=AND`...), which Datasette reports as "Invalid SQL": 400,
  saying the search could not be read, without the SQL or SQLite's words;
- anything else: 500 "something went wrong on our side", logged as one
  line (method, path, exception, where) and never shown to the reader.

JSON requests get Datasette's JSON error body, CSV requests plain text.
Datasette's own handler still runs when another plugin asks it to; only
its answer to our errors is dropped (workarounds.py says why and how).
"""

from __future__ import annotations

import logging
import sqlite3
import traceback

from datasette import Response
from datasette.database import QueryInterrupted
from datasette.utils import add_cors_headers, error_body
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

from .workarounds import misreported_status, without_datasettes_default_handler

log = logging.getLogger("press_atlas.site")

TOO_SLOW = ("This took too long: the site gives each query {seconds:g} s. Try more specific words, "
            "a narrower filter or fewer facets.")
NO_PAGE = "There is no page at this address."
BAD_SEARCH = ("This search could not be read. Try plain words, without quote marks, brackets or operators "
              "such as AND, OR, NOT, NEAR on their own.")
SERVER_ERROR = "Something went wrong on our side. It has been logged; please try again later."
_LOG_CHARS = 300


def _one_line(text: str) -> str:
    """Text safe for one log line: no newlines or control characters (a URL
    is the client's to choose), and not too long."""
    return ascii(str(text))[1:-1][:_LOG_CHARS]


def _timed_out(exception) -> bool:
    if isinstance(exception, QueryInterrupted):
        return True
    return isinstance(exception, DatasetteError) and isinstance(exception.__context__, QueryInterrupted)


def _bad_search(request, exception) -> bool:
    """A table's ?_search= (or _search_column=) that the full-text index
    could not parse (or, in _searchmode=raw, a column it does not have):
    Datasette raises it as "Invalid SQL"."""
    if not (isinstance(exception, DatasetteError) and exception.title == "Invalid SQL"):
        return False
    return any(key == "_search" or key.startswith("_search_") for key in request.args)


def classify(request, exception) -> tuple[int, str | None, str]:
    """(status, title, message a reader may see) for an exception."""
    if _timed_out(exception):
        return 400, "Too slow", ""
    if isinstance(exception, Base400):
        message = str(exception.args[0]) if exception.args else ""
        if exception.status == 404 and message in ("", "404"):
            message = NO_PAGE
        return exception.status, None, message or "Bad request"
    if _bad_search(request, exception):
        return 400, "Search not understood", BAD_SEARCH
    if isinstance(exception, DatasetteError):
        message = exception.plain_message or ("This request cannot be answered." if exception.message_is_html
                                              else str(exception.message))
        return exception.status, exception.title, message
    misreported = misreported_status(request, exception)
    if misreported:
        return misreported[0], None, misreported[1]
    if isinstance(exception, sqlite3.OperationalError):
        return 400, None, f"This request cannot be answered: {exception}"
    return 500, "Server error", SERVER_ERROR


def log_server_error(request, exception) -> None:
    """One line: what was asked, what failed, where. No headers, no locals."""
    frames = traceback.extract_tb(exception.__traceback__)
    where = f"{frames[-1].filename.rsplit('site-packages/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error("500 %s %s: %s: %s at %s", _one_line(request.method), _one_line(request.path),
              type(exception).__name__, _one_line(exception), where)


async def error_response(datasette, request, exception) -> Response:
    """The page (or JSON, or text) answering an exception."""
    status, title, message = classify(request, exception)
    if status >= 500:
        log_server_error(request, exception)
    if title == "Too slow":
        message = TOO_SLOW.format(seconds=datasette.sql_time_limit_ms / 1000)
    headers = {"Cache-Control": "no-store"}
    if datasette.cors:
        add_cors_headers(headers)
    path = request.path
    if path.endswith(".json"):
        return Response.json({**error_body(message, status), "title": title}, status=status, headers=headers)
    if path.endswith(".csv"):
        return Response.text(message, status=status, headers=headers)
    context = {"ok": False, "error": message, "status": status, "title": title or ("Not found" if status == 404
                                                                                   else f"Error {status}")}
    try:
        html = await datasette.render_template("error.html", context, request=request)
    except Exception as failure:  # noqa: BLE001 - the error page itself failed: a page with no template
        log_server_error(request, failure)
        html = f"<!DOCTYPE html><title>Error {status}</title><h1>Error {status}</h1><p>{SERVER_ERROR}</p>"
    return Response.html(html, status=status, headers=headers)


def answers(datasette, request, exception, others: list) -> list:
    """The handle_exception hook's answers: every other plugin's as they
    were, Datasette's own dropped unrun, and ours."""

    async def ours():
        return await error_response(datasette, request, exception)

    return without_datasettes_default_handler(others) + [ours]
