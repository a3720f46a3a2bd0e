"""Render search snippets and links in query results.

The search query escapes its snippets and adds <mark> around the matches.
Whatever a query returns in a column called `snippet` is still passed
through nh3 allowing <mark> and nothing else, so no query, canned or future,
can put markup from scraped pages on the site.

Columns that hold an article, entity, quote cluster or story id link to
that item's page, so a name, quote or story in any query result leads to
its page.
"""

from urllib.parse import quote

import nh3
from datasette import hookimpl
from markupsafe import Markup

PAGES = {"entity": "/-/entities/", "speaker_entity": "/-/entities/", "cluster": "/-/quote-clusters/",
         "story": "/-/stories/"}


def highlight(value):
    return Markup(nh3.clean(value, tags={"mark"}, attributes={}))


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or not isinstance(value, str):
        return None
    if column == "snippet":
        return highlight(value)
    if column in ("article", "other_article") and database:
        url = datasette.urls.row(database, "articles", value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column in PAGES and value:
        return Markup('<a href="{}">{}</a>').format(datasette.urls.path(PAGES[column] + quote(value, safe="")), value)
    return None
