"""Serve Datasette's navigation-search.js with its `matches` field renamed.

Datasette 1.0a41's <navigation-search> element (the "Jump to..." dialog on
every page) keeps its results in `this.matches`, an own property that
hides Element.prototype.matches on that element. Anything that calls
element.matches(selector) while walking the page then throws "matches is
not a function": axe-core's accessibility audit, Playwright's selectors,
any delegated event handler. The script is served from this route (plugin
routes come before Datasette's /-/static/) with the field renamed to
`searchMatches`; nothing else changes, and if a later Datasette no longer
uses the name the file is served as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import datasette
from datasette import Response, hookimpl

SOURCE = Path(datasette.__file__).parent / "static" / "navigation-search.js"


def patched_source(text: str) -> str:
    return re.sub(r"\bthis\.matches\b", "this.searchMatches", text)


_SCRIPT = patched_source(SOURCE.read_text(encoding="utf-8"))


async def navigation_search_js(request):
    return Response(_SCRIPT, content_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


@hookimpl
def register_routes():
    return [(r"^/-/static/navigation-search\.js$", navigation_search_js)]
