"""/-/entities/<id>: one person, organisation or place.

Its spellings, mentions in context grouped under their article, the
person's statements (one per quote cluster, with how many outlets carried
it), who appears alongside, and articles month by month (the undated
counted apart). /-/entities/<id>.json gives the same with names and text.
The template (entity.html) autoescapes every value.
"""

from __future__ import annotations

import json

from datasette import Response

from .common import DATABASE_NAME as DATABASE
from .common import FORMAT_SUFFIX, json_response, page_path, requested_item

ROUTE = r"^/-/entities/(?P<entity_id>[^/]+?)" + FORMAT_SUFFIX + "$"
CONTEXT_CHARS = 160  # characters either side of a mention
MAX_ROWS = 200  # mentions and statements shown
MAX_QUOTES = 5000  # quotes read to group into statements


def in_context(paragraph: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, the mention, after), at most CONTEXT_CHARS either side."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(paragraph), end + CONTEXT_CHARS)
    return (("…" if left else "") + paragraph[left:start], paragraph[start:end],
            paragraph[end:right] + ("…" if right < len(paragraph) else ""))


def by_article(mentions: list[dict]) -> list[dict]:
    """Mentions (ordered so each article's are together) grouped under
    their article: the source first, then its snippets."""
    groups: list[dict] = []
    for m in mentions:
        if not groups or groups[-1]["article"] != m["article"]:
            groups.append({k: m[k] for k in ("article", "title", "outlet", "published")} | {"snippets": []})
        groups[-1]["snippets"].append(m["context"])
    return groups


def statements_of(quotes) -> list[dict]:
    """Quotes (earliest first) as statements: one per quote cluster (a
    quote in none is a statement of its own), with its earliest version,
    the outlets that carried it and how many."""
    statements: dict = {}
    for q in quotes:
        key = q["cluster"] or ("quote", q["id"])
        st = statements.get(key)
        if st is None:
            st = statements[key] = {"cluster": q["cluster"], "text": q["text"], "kind": q["kind"],
                                    "article": q["article"], "title": q["title"], "published": q["published"],
                                    "outlet": q["outlet"], "outlets": [], "versions": 0,
                                    "outlet_count": q["cluster_outlets"]}
        st["versions"] += 1
        if q["outlet"] and q["outlet"] not in st["outlets"]:
            st["outlets"].append(q["outlet"])
    for st in statements.values():
        st["outlet_count"] = max(st["outlet_count"] or 0, len(st["outlets"]), 1)
    return list(statements.values())


async def timeline(db, sql: str, params) -> dict:
    """Articles by month from `sql` (rows of (month or None, articles)):
    {"months": [{month, articles, width}], "undated": articles without a
    usable date}. Every timeline counts the undated rather than drop them."""
    rows = (await db.execute(sql, params)).rows
    dated = [r for r in rows if r["month"]]
    most = max((r["articles"] for r in dated), default=1)
    return {"months": [{"month": r["month"], "articles": r["articles"], "width": round(100 * r["articles"] / most)}
                       for r in dated],
            "undated": sum(r["articles"] for r in rows if not r["month"])}


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
               where m.entity = ? order by a.published is null, a.published desc, m.article, m.id limit ?""",
            [eid, MAX_ROWS])).rows
    ]
    quotes = (await db.execute(
        """select q.id, q.text, q.kind, q.cluster, q.article, a.title, a.published, o.name as outlet,
                  c.outlet_count as cluster_outlets
           from quotes q join articles a on a.id = q.article left join outlets o on o.id = q.outlet
           left join quote_clusters c on c.id = q.cluster
           where q.speaker_entity = ? order by a.published is null, a.published, q.id limit ?""",
        [eid, MAX_QUOTES])).rows
    statements = statements_of(quotes)
    quotes_total = (await db.execute("select count(*) from quotes where speaker_entity = ?", [eid])).first()[0]
    alongside = (await db.execute(
        """select e.id, e.name, e.type, count(distinct m.article) as shared
           from mentions m join entities e on e.id = m.entity
           where m.article in (select article from mentions where entity = ?) and m.entity != ?
             and e.type in ('person', 'org', 'place')
           group by e.id order by shared desc, e.name limit 30""", [eid, eid])).rows
    over_time = await timeline(db, """
           select case when length(a.published) >= 7 then substr(a.published, 1, 7) end as month,
                  count(distinct a.id) as articles
           from mentions m join articles a on a.id = m.article
           where m.entity = ? group by month order by month""", [eid])
    return {"entity": dict(entity), "aliases": json.loads(entity["aliases"] or "[]"),
            "mentions": mentions, "sources": by_article(mentions),
            "statements": statements[:MAX_ROWS], "statements_total": len(statements), "quotes_total": quotes_total,
            "mentions_total": (await db.execute("select count(*) from mentions where entity = ?", [eid])).first()[0],
            "alongside": [dict(a) for a in alongside], **over_time, "database": DATABASE}


def entity_json(data: dict) -> dict:
    """The page's data for /-/entities/<id>.json: names and text, not only ids."""
    entity = {k: v for k, v in data["entity"].items() if k != "aliases"}
    return {
        "entity": {**entity, "aliases": data["aliases"], "page": page_path("entities", entity["id"])},
        "mentions_total": data["mentions_total"],
        "mentions": [{k: s[k] for k in ("article", "title", "outlet", "published")}
                     | {"snippets": ["".join(c) for c in s["snippets"]]} for s in data["sources"]],
        "quotes_total": data["quotes_total"],
        "statements_total": data["statements_total"],
        "statements": [{**{k: v for k, v in st.items()},
                        "page": page_path("quote_clusters", st["cluster"]) if st["cluster"] else None}
                       for st in data["statements"]],
        "alongside": [{"id": a["id"], "name": a["name"], "type": a["type"], "articles": a["shared"]}
                      for a in data["alongside"]],
        "articles_by_month": [{"month": m["month"], "articles": m["articles"]} for m in data["months"]],
        "undated_articles": data["undated"],
    }


async def entity_page(datasette, request):
    data, fmt = await requested_item(request, "entity_id", lambda eid: entity_data(datasette, eid),
                                     "No such entity")
    if fmt == "json":
        return json_response(datasette, entity_json(data))
    return Response.html(await datasette.render_template("entity.html", data, request=request))
