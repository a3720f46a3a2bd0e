"""The site menu: the pages a reader looks for first, on every page."""

from datasette import hookimpl

from ingest.site import DATABASE_NAME as DATABASE



@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.database(DATABASE) + "/search_everything", "label": "Search everything"},
        {"href": datasette.urls.table(DATABASE, "articles"), "label": "Articles"},
        {"href": datasette.urls.database(DATABASE) + "/stories_with_most_outlets", "label": "Stories"},
        {"href": datasette.urls.table(DATABASE, "entities"), "label": "Names"},
        {"href": datasette.urls.path("/-/api"), "label": "API: JSON and CSV"},
    ]
