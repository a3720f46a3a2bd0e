"""The article page: /press_atlas/articles/<id> read like an article
(ingest/site/article.py; the template is row-press_atlas-articles.html)."""

from datasette import hookimpl

from ingest.site import article


@hookimpl
def extra_template_vars(view_name, table, database, datasette):
    return article.template_vars(datasette, view_name, table, database)
