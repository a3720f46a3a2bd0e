"""Pages that read like a newsroom tool, on top of Datasette's tables.

- /-/quote-clusters/<id>: every version of one statement side by side,
  earliest first, each with its outlet, date, speaker and a link to its
  article, and the words that differ from the earliest version marked.
- /-/entities/<id>: one person, organisation or place: its spellings,
  mentions in context, quotes by the person, who appears alongside, and
  articles month by month.
- /-/stories/<id>: a story's articles (copies marked) and its coverage
  matrix: each quoted statement, figure and main name by outlet.

Everything shown comes from scraped pages: the templates autoescape every
value, and the only markup added is <mark>/<ins>/<del> around escaped text.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from datasette import Response, hookimpl
from markupsafe import Markup

from ingest.corpus.quote_clusters import word_diff
from ingest.site import DATABASE_NAME as DATABASE
from ingest.site import PAGE_PREFIXES, page_path

CONTEXT_CHARS = 160
MAX_ROWS = 200


async def _not_found(datasette, request, message: str) -> Response:
    return Response.html(await datasette.render_template(
        "error.html", {"error": message, "status": 404, "title": "Not found"}, request=request), status=404)


async def quote_cluster_page(datasette, request):
    db = datasette.get_database(DATABASE)
    cid = unquote(request.url_vars["cluster_id"])
    cluster = (await db.execute("select * from quote_clusters where id = ?", [cid])).first()
    if cluster is None:
        return await _not_found(datasette, request, "No such quote cluster")
    versions = (await db.execute(
        """select m.position, q.id as quote, q.text, q.kind, q.speaker, q.speaker_resolved, q.speaker_entity,
                  q.cue, q.channel,
                  q.article, a.title, a.published, a.duplicate_of, o.name as outlet
           from quote_cluster_members m join quotes q on q.id = m.quote join articles a on a.id = q.article
           left join outlets o on o.id = a.outlet
           where m.cluster = ? order by m.position limit ?""", [cid, MAX_ROWS])).rows
    earliest = versions[0]["text"] if versions else ""
    shown = []
    for v in versions:
        segments = [("equal", v["text"])] if v["position"] == 0 else word_diff(earliest, v["text"])
        shown.append({**dict(v), "segments": segments})
    speaker_entity = next((v["speaker_entity"] for v in versions if v["speaker_entity"]), None)
    return Response.html(await datasette.render_template(
        "quote_cluster.html", {"cluster": dict(cluster), "versions": shown, "speaker_entity": speaker_entity,
                               "database": DATABASE}, request=request))


def _in_context(paragraph: str, start: int, end: int) -> tuple[str, str, str]:
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(paragraph), end + CONTEXT_CHARS)
    return (("…" if left else "") + paragraph[left:start], paragraph[start:end],
            paragraph[end:right] + ("…" if right < len(paragraph) else ""))


async def entity_page(datasette, request):
    db = datasette.get_database(DATABASE)
    eid = unquote(request.url_vars["entity_id"])
    entity = (await db.execute("select * from entities where id = ?", [eid])).first()
    if entity is None:
        return await _not_found(datasette, request, "No such entity")
    mentions = [
        {**dict(r), "context": _in_context(r["paragraph_text"], r["start"], r["end"])}
        for r in (await db.execute(
            """select m.article, m.start, m."end", p.text as paragraph_text, a.title, a.published,
                      o.name as outlet
               from mentions m join paragraphs p on p.id = m.paragraph join articles a on a.id = m.article
               left join outlets o on o.id = a.outlet
               where m.entity = ? order by a.published desc, m.article, m.id limit ?""", [eid, MAX_ROWS])).rows
    ]
    quotes = (await db.execute(
        """select q.text, q.kind, q.cluster, q.article, a.title, a.published, o.name as outlet
           from quotes q join articles a on a.id = q.article left join outlets o on o.id = q.outlet
           where q.speaker_entity = ? order by a.published, q.id limit ?""", [eid, MAX_ROWS])).rows
    quotes_total = (await db.execute("select count(*) from quotes where speaker_entity = ?", [eid])).first()[0]
    alongside = (await db.execute(
        """select e.id, e.name, e.type, count(distinct m.article) as shared
           from mentions m join entities e on e.id = m.entity
           where m.article in (select article from mentions where entity = ?) and m.entity != ?
             and e.type in ('person', 'org', 'place')
           group by e.id order by shared desc, e.name limit 30""", [eid, eid])).rows
    months = (await db.execute(
        """select substr(a.published, 1, 7) as month, count(distinct a.id) as articles
           from mentions m join articles a on a.id = m.article
           where m.entity = ? and a.published is not null and length(a.published) >= 7
           group by month order by month""", [eid])).rows
    most = max((r["articles"] for r in months), default=1)
    return Response.html(await datasette.render_template(
        "entity.html",
        {"entity": dict(entity), "aliases": json.loads(entity["aliases"] or "[]"), "mentions": mentions,
         "quotes": [dict(q) for q in quotes], "quotes_total": quotes_total,
         "mentions_total": (await db.execute("select count(*) from mentions where entity = ?", [eid])).first()[0],
         "alongside": [dict(a) for a in alongside],
         "months": [{**dict(m), "width": round(100 * m["articles"] / most)} for m in months],
         "database": DATABASE},
        request=request))


STATUS_MARK = {"verbatim": "✓ verbatim", "paraphrased": "≈ paraphrased", "same number": "= same",
               "different number": "≠ different", "mentioned": "✓", "absent": "—"}


async def story_page(datasette, request):
    """A story: its articles and its coverage matrix, items by outlets (the
    coverage_matrix canned query, pivoted)."""
    db = datasette.get_database(DATABASE)
    sid = unquote(request.url_vars["story_id"])
    story = (await db.execute("select * from stories where id = ?", [sid])).first()
    if story is None:
        return await _not_found(datasette, request, "No such story")
    articles = (await db.execute(
        """select a.id, a.title, a.published, a.duplicate_of, a.copy_score, o.name as outlet
           from articles a left join outlets o on o.id = a.outlet
           where a.story = ? order by a.published is null, a.published, a.id limit ?""", [sid, MAX_ROWS])).rows
    sql = datasette.config["databases"][DATABASE]["queries"]["coverage_matrix"]["sql"]
    try:
        cells = (await db.execute(sql, {"story": sid})).rows
    except Exception:  # noqa: BLE001 - too slow for the time limit: the articles still show
        cells = []
    outlets = sorted({(c["outlet_name"], c["outlet"]) for c in cells})
    rows_by_item: dict = {}
    for c in cells:
        row = rows_by_item.setdefault((c["item_type"], c["item"]), {
            "type": c["item_type"], "item": c["item"], "label": c["label"], "cells": {}})
        row["cells"][c["outlet"]] = {"status": c["status"], "mark": STATUS_MARK.get(c["status"], c["status"]),
                                     "detail": c["detail"]}
    return Response.html(await datasette.render_template(
        "story.html",
        {"story": dict(story), "articles": [dict(a) for a in articles], "outlets": outlets,
         "matrix": list(rows_by_item.values()), "database": DATABASE},
        request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/quote-clusters/(?P<cluster_id>[^/]+)$", quote_cluster_page),
        (r"^/-/entities/(?P<entity_id>[^/]+)$", entity_page),
        (r"^/-/stories/(?P<story_id>[^/]+)$", story_page),
    ]


LINK_LABELS = {"quote_clusters": "Every version of this statement, side by side",
               "stories": "This story's page: its articles and who carried what (coverage matrix)",
               "entities": "The page for this name: mentions in context, quotes, who appears alongside"}


@hookimpl
def top_row(datasette, request, database, table, row):
    """A row of quote_clusters, stories or entities links to its page."""
    if database != DATABASE or table not in PAGE_PREFIXES:
        return None
    return Markup('<p class="page-link"><a href="{}">{}</a></p>').format(
        datasette.urls.path(page_path(table, row["id"])), LINK_LABELS[table])
