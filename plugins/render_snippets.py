"""Render search snippets and links in query results.

The search query escapes its snippets and adds <mark> around the matches.
Whatever a query returns in a column called `snippet` (or
`speaker_snippet`) is still passed through nh3 allowing <mark> and nothing
else, so no query, canned or future, can put markup from scraped pages on
the site.

Columns that hold an article, entity, quote cluster or story id link to
that item's page, so a name, quote or story in any query result leads to
its page.
"""

from datasette import hookimpl
from markupsafe import Markup

from ingest.site import page_path, snippet_markup

SNIPPETS = {"snippet", "speaker_snippet"}
# Query result columns holding ids, by the table they come from.
ID_COLUMNS = {"entity": "entities", "speaker_entity": "entities", "cluster": "quote_clusters",
              "story": "stories"}


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or not isinstance(value, str):
        return None
    if column in SNIPPETS:
        return snippet_markup(value)
    if column in ("article", "other_article") and database:
        url = datasette.urls.row(database, "articles", value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column in ID_COLUMNS and value:
        return Markup('<a href="{}">{}</a>').format(datasette.urls.path(page_path(ID_COLUMNS[column], value)),
                                                    value)
    return None
