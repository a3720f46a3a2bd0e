"""/-/entities/<id>: one person, organisation or place.

Its spellings, mentions in context, quotes by the person, who appears
alongside, and articles month by month. The template (entity.html)
autoescapes every value.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from datasette import Response

from .common import DATABASE_NAME as DATABASE
from .common import not_found

ROUTE = r"^/-/entities/(?P<entity_id>[^/]+)$"
CONTEXT_CHARS = 160  # characters either side of a mention
MAX_ROWS = 200  # mentions and quotes shown


def in_context(paragraph: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, the mention, after), at most CONTEXT_CHARS either side."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(paragraph), end + CONTEXT_CHARS)
    return (("…" if left else "") + paragraph[left:start], paragraph[start:end],
            paragraph[end:right] + ("…" if right < len(paragraph) else ""))


async def entity_data(datasette, entity_id: str) -> dict | None:
    """What the entity page shows; None when there is no such entity."""
    db = datasette.get_database(DATABASE)
    eid = entity_id
    entity = (await db.execute("select * from entities where id = ?", [eid])).first()
    if entity is None:
        return None
    mentions = [
        {**dict(r), "context": in_context(r["paragraph_text"], r["start"], r["end"])}
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
    return {"entity": dict(entity), "aliases": json.loads(entity["aliases"] or "[]"), "mentions": mentions,
            "quotes": [dict(q) for q in quotes], "quotes_total": quotes_total,
            "mentions_total": (await db.execute("select count(*) from mentions where entity = ?", [eid])).first()[0],
            "alongside": [dict(a) for a in alongside],
            "months": [{**dict(m), "width": round(100 * m["articles"] / most)} for m in months],
            "database": DATABASE}


async def entity_page(datasette, request):
    data = await entity_data(datasette, unquote(request.url_vars["entity_id"]))
    if data is None:
        return await not_found(datasette, request, "No such entity")
    return Response.html(await datasette.render_template("entity.html", data, request=request))
