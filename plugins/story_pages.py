"""The pages of one item: an entity, a statement (quote cluster), a story
(ingest/site/entity.py, statement.py, story.py), and each such row's link
to its page (ingest/site/links.py)."""

from datasette import hookimpl

from ingest.site import entity, links, statement, story


@hookimpl
def register_routes():
    return [
        (statement.ROUTE, statement.statement_page),
        (entity.ROUTE, entity.entity_page),
        (story.ROUTE, story.story_page),
    ]


@hookimpl
def top_row(datasette, request, database, table, row):
    return links.item_page_link(datasette, database, table, row)
