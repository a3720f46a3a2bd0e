"""Render search snippets and article links in query results.

Snippets come from FTS5's snippet() with <mark> around the matches. The
text around them is scraped web content, so the whole value is escaped
first and only the exact <mark> and </mark> markers are restored.
"""

from datasette import hookimpl
from markupsafe import Markup, escape


def highlight(value):
    escaped = str(escape(value))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or not isinstance(value, str):
        return None
    if column == "snippet":
        return highlight(value)
    if column == "article" and database:
        url = datasette.urls.row(database, "articles", value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    return None
