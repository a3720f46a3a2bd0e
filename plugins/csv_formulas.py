"""CSV exports that a spreadsheet opens safely: no cell runs as a formula
(ingest/site/csv_export.py)."""

from datasette import hookimpl

from ingest.site import csv_export


@hookimpl
def asgi_wrapper(datasette):
    return csv_export.guarded_csv
