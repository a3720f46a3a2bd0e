"""Error pages: cheap, quiet, and never a traceback (ingest/site/errors.py;
the template is error.html)."""

from datasette import hookimpl

from ingest.site import errors


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    """Every plugin's handler runs as usual; Datasette's own (the last)
    only hands back a function that would print the traceback and render
    the page, so that one is dropped, unrun, and ours answers."""
    return errors.answers(datasette, request, exception, (yield))
