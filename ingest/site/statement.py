"""/-/quote-clusters/<id>: one statement, every version side by side.

Earliest first, each with its outlet, date, speaker and a link to its
article, and the words that differ from the earliest version marked.
/-/quote-clusters/<id>.json gives the same with names and text, .csv
the versions (quote, outlet, article title, date, speaker). The template
(quote_cluster.html) autoescapes every value; the only markup added is
<ins>/<del> around escaped text.
"""

from __future__ import annotations

from datasette import Response

from ingest.corpus.quote_clusters import word_diff

from .common import DATABASE_NAME as DATABASE
from .common import FORMAT_SUFFIX, csv_response, json_response, page_path, requested_item

ROUTE = r"^/-/quote-clusters/(?P<cluster_id>[^/]+?)" + FORMAT_SUFFIX + "$"
VERSION_COLUMNS = ["position", "quote", "text", "speaker", "speaker_resolved", "speaker_entity", "speaker_name",
                   "outlet", "title", "published", "article", "url", "duplicate_of", "kind", "cue", "channel"]
MAX_ROWS = 200  # versions shown


async def statement_data(datasette, cluster_id: str) -> dict | None:
    """The cluster, its versions (each with its word diff against the
    earliest) and its speaker's entity; None when there is no such
    cluster."""
    db = datasette.get_database(DATABASE)
    cluster = (await db.execute("select * from quote_clusters where id = ?", [cluster_id])).first()
    if cluster is None:
        return None
    versions = (await db.execute(
        """select m.position, q.id as quote, q.text, q.kind, q.speaker, q.speaker_resolved, q.speaker_entity,
                  q.cue, q.channel,
                  q.article, a.title, a.published, a.url, a.duplicate_of, o.name as outlet,
                  e.name as speaker_name
           from quote_cluster_members m join quotes q on q.id = m.quote join articles a on a.id = q.article
           left join outlets o on o.id = a.outlet left join entities e on e.id = q.speaker_entity
           where m.cluster = ? order by m.position limit ?""", [cluster_id, MAX_ROWS])).rows
    earliest = versions[0]["text"] if versions else ""
    shown = []
    for v in versions:
        segments = [("equal", v["text"])] if v["position"] == 0 else word_diff(earliest, v["text"])
        shown.append({**dict(v), "segments": segments})
    speaker_entity = next((v["speaker_entity"] for v in versions if v["speaker_entity"]), None)
    return {"cluster": dict(cluster), "versions": shown, "speaker_entity": speaker_entity, "database": DATABASE}


def statement_json(data: dict) -> dict:
    """The page's data for /-/quote-clusters/<id>.json: every version with
    its text, outlet, article title, date and speaker."""
    return {
        "cluster": {**data["cluster"], "page": page_path("quote_clusters", data["cluster"]["id"])},
        "speaker_entity": data["speaker_entity"],
        "versions": [{k: v[k] for k in VERSION_COLUMNS} for v in data["versions"]],
    }


async def statement_page(datasette, request):
    data, fmt = await requested_item(request, "cluster_id", lambda cid: statement_data(datasette, cid),
                                     "No such quote cluster", formats=("json", "csv"))
    if fmt == "json":
        return json_response(datasette, statement_json(data))
    if fmt == "csv":
        return csv_response(datasette, VERSION_COLUMNS, data["versions"])
    return Response.html(await datasette.render_template("quote_cluster.html", data, request=request))
