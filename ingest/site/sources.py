"""Download any input document exactly as it was received.

sources.raw holds each document's bytes zlib-compressed. /-/raw/<source id>
streams them back decompressed, as an attachment: scraped pages are never
rendered as HTML on this site's origin (octet-stream, nosniff, a sandbox
policy), and they are decompressed chunk by chunk so a large one does not
take a large amount of memory.
"""

from __future__ import annotations

import re
import zlib

from datasette import Response
from markupsafe import Markup

from .common import DATABASE_NAME as DATABASE

CHUNK = 256 * 1024


class RawDownload:
    def __init__(self, compressed: bytes, filename: str):
        self.compressed = compressed
        self.filename = filename

    async def asgi_send(self, send):
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": [
                [b"content-type", b"application/octet-stream"],
                [b"content-disposition", f'attachment; filename="{self.filename}"'.encode("ascii")],
                [b"x-content-type-options", b"nosniff"],
                [b"content-security-policy", b"sandbox; default-src 'none'"],
                [b"cache-control", b"max-age=300"],
            ],
        })
        inflater = zlib.decompressobj()
        data = self.compressed
        while data:
            chunk = inflater.decompress(data, CHUNK)
            data = inflater.unconsumed_tail
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": inflater.flush(), "more_body": False})


def safe_filename(path: str) -> str:
    name = path.rsplit("/", 1)[-1].replace("#", "-")
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:120] or "source"


ROUTE = r"^/-/raw/(?P<source_id>[0-9a-f]{16})$"


async def raw_source(datasette, request):
    """/-/raw/<source id>: the document's bytes as an attachment."""
    source_id = request.url_vars["source_id"]
    db = datasette.get_database(DATABASE)
    row = (await db.execute("select path, raw from sources where id = ?", [source_id])).first()
    if row is None or row["raw"] is None:
        return Response.text("No such source", status=404)
    return RawDownload(row["raw"], safe_filename(row["path"]))


def raw_cell(datasette, row, value, column, table) -> Markup | None:
    """sources.raw on table pages: a download link, not the bytes."""
    if table == "sources" and column == "raw" and isinstance(value, bytes):
        url = datasette.urls.path(f"/-/raw/{row['id']}")
        return Markup('<a href="{}">download original ({:,} bytes)</a>').format(url, row["size"] or 0)
    return None
