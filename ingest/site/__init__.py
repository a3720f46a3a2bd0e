"""The site: a Press Atlas database served by Datasette.

One module per kind of page, each testable by importing it; the files in
plugins/ only register Datasette's hooks and call into these:

- app.py: the Datasette factory (`make_datasette`), `serve`, where the
  site's files are (`site_root`);
- common.py: the database's name, item page paths, helpers every page uses;
- article_body.py: an article's Markdown as safe HTML, quotes and names
  marked by their stored offsets; article.py: everything else on the
  article page;
- home.py: the home page; api.py: /-/api; search.py: Search everything
  and its SQL functions;
- entity.py, statement.py (a quote cluster), story.py: one item's page;
- links.py: menus, links to items' pages, query cells;
- errors.py: the error pages; csv_export.py: CSV cells a spreadsheet
  cannot run; sources.py: the raw input documents, downloadable;
- workarounds.py: Datasette's bugs, worked around, each naming its
  upstream issue, and the versions they were checked against.
"""

from .app import make_datasette, serve, site_root
from .common import DATABASE_NAME, PAGE_PREFIXES, page_path, query_rows, route_path, snippet_markup
from .workarounds import UnsupportedVersion

__all__ = ["make_datasette", "serve", "site_root", "DATABASE_NAME", "PAGE_PREFIXES", "page_path", "query_rows",
           "route_path", "snippet_markup", "UnsupportedVersion"]
