"""The home page: the corpus at a glance (ingest/site/home.py; the
template is index.html)."""

from datasette import hookimpl

from ingest.site import home


@hookimpl
def extra_template_vars(template, datasette):
    return home.template_vars(datasette, template)
