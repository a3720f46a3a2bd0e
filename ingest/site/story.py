"""/-/stories/<id>: a story's articles (copies marked) and its coverage
matrix: each quoted statement, figure and main name by outlet (the
coverage_matrix canned query, pivoted). /-/stories/<id>.json gives the
same with names and text, /-/stories/<id>.csv its articles. The template
(story.html) autoescapes every value.
"""

from __future__ import annotations

from datasette import Response

from .common import DATABASE_NAME as DATABASE
from .common import FORMAT_SUFFIX, csv_response, json_response, page_path, requested_item

ROUTE = r"^/-/stories/(?P<story_id>[^/]+?)" + FORMAT_SUFFIX + "$"
CSV_COLUMNS = ["id", "title", "outlet", "published", "url", "copy_of", "copy_of_title", "copy_score"]
MAX_ROWS = 200  # articles shown
STATUS_MARK = {"verbatim": "✓ verbatim", "paraphrased": "≈ paraphrased", "same number": "= same",
               "different number": "≠ different", "mentioned": "✓", "absent": "—"}


def pivoted(cells) -> tuple[list, list[dict]]:
    """The coverage_matrix query's cells as (outlets as (name, id), sorted;
    one row per item with its cells by outlet id)."""
    outlets = sorted({(c["outlet_name"], c["outlet"]) for c in cells})
    rows_by_item: dict = {}
    for c in cells:
        row = rows_by_item.setdefault((c["item_type"], c["item"]), {
            "type": c["item_type"], "item": c["item"], "label": c["label"], "cells": {}})
        row["cells"][c["outlet"]] = {"status": c["status"], "mark": STATUS_MARK.get(c["status"], c["status"]),
                                     "detail": c["detail"]}
    return outlets, list(rows_by_item.values())


async def story_data(datasette, story_id: str) -> dict | None:
    """What the story page shows; None when there is no such story."""
    db = datasette.get_database(DATABASE)
    story = (await db.execute("select * from stories where id = ?", [story_id])).first()
    if story is None:
        return None
    articles = (await db.execute(
        """select a.id, a.title, a.published, a.url, a.duplicate_of, a.copy_score, o.name as outlet,
                  d.title as duplicate_of_title
           from articles a left join outlets o on o.id = a.outlet left join articles d on d.id = a.duplicate_of
           where a.story = ? order by a.published is null, a.published, a.id limit ?""",
        [story_id, MAX_ROWS])).rows
    sql = datasette.config["databases"][DATABASE]["queries"]["coverage_matrix"]["sql"]
    try:
        cells = (await db.execute(sql, {"story": story_id})).rows
    except Exception:  # noqa: BLE001 - too slow for the time limit: the articles still show
        cells = []
    outlets, matrix = pivoted(cells)
    return {"story": dict(story), "articles": [dict(a) for a in articles], "outlets": outlets,
            "matrix": matrix, "database": DATABASE}


def story_json(data: dict) -> dict:
    """The page's data for /-/stories/<id>.json: names and text, not only
    ids; the matrix's cells by outlet name."""
    names = {oid: name for name, oid in data["outlets"]}
    return {
        "story": {**data["story"], "page": page_path("stories", data["story"]["id"])},
        "articles": data["articles"],
        "outlets": [name for name, _ in data["outlets"]],
        "coverage": [{"type": row["type"], "item": row["item"], "label": row["label"],
                      "outlets": {names[oid]: {"status": cell["status"], "detail": cell["detail"]}
                                  for oid, cell in row["cells"].items()}}
                     for row in data["matrix"]],
    }


async def story_page(datasette, request):
    data, fmt = await requested_item(request, "story_id", lambda sid: story_data(datasette, sid),
                                     "No such story", formats=("json", "csv"))
    if fmt == "json":
        return json_response(datasette, story_json(data))
    if fmt == "csv":
        return csv_response(datasette, CSV_COLUMNS, [
            {**a, "copy_of": a["duplicate_of"], "copy_of_title": a["duplicate_of_title"]} for a in data["articles"]])
    return Response.html(await datasette.render_template("story.html", data, request=request))
