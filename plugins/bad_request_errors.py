"""Answer 400, not 500, when a URL asks for something that does not exist.

Datasette 1.0a41 lets some URL parameters through unchecked: a facet on a
missing column (?_facet=nope) raises sqlite3.OperationalError, and a
malformed ?_through= raises ValueError or KeyError; both become 500s. The database is immutable and every query it runs comes
from the URL, so an OperationalError is a bad request. It is handed to
Datasette's own error handler as one, so the page looks like every other
error page (and, like them, shows no traceback).
"""

import sqlite3

from datasette import hookimpl
from datasette.handle_exception import handle_exception as default_handler
from datasette.utils.asgi import BadRequest


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    malformed_through = "_through" in request.args and isinstance(exception, (ValueError, KeyError, TypeError))
    if isinstance(exception, sqlite3.OperationalError) or malformed_through:
        return default_handler(datasette, request, BadRequest(f"This request cannot be answered: {exception}"))
    return None
