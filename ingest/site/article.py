"""The article page: /press_atlas/articles/<id> read like an article.

The row template (templates/row-press_atlas-articles.html) calls
`article_extras` for everything around the row: the body rendered from
its Markdown (article_body.py), with quotes highlighted and their
speakers named and names linked to their entity pages; a map of its
places; its copies, its story and its credits; what the cleaner cut.

The database is immutable: a rendered body is kept (the last MAX_CACHED
bodies), and rendering runs off the event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict

from .article_body import render_body
from .common import DATABASE_NAME, page_path, query_rows

MAX_ROWS = 500  # quotes and cut blocks listed on the page
MAX_FIGURES = 100
MAX_MENTIONS = 5000  # names linked in the body
MAX_CACHED = 256  # rendered bodies kept


class BoundedCache:
    """The last `size` values, least recently used out first."""

    def __init__(self, size: int):
        self.size, self.items, self.hits, self.misses = size, OrderedDict(), 0, 0

    def get(self, key):
        if key in self.items:
            self.items.move_to_end(key)
            self.hits += 1
            return self.items[key]
        self.misses += 1
        return None

    def put(self, key, value) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


bodies = BoundedCache(MAX_CACHED)


async def article_extras(datasette, row) -> dict:
    """Everything the article page shows beyond the row itself."""
    db = datasette.get_database(DATABASE_NAME)
    aid = row["id"]

    def entity_link(entity_id) -> str:
        return datasette.urls.path(page_path("entities", entity_id))

    paragraphs = await query_rows(db, "select id, position, text from paragraphs where article = ? order by position",
                                  [aid])
    quotes = await query_rows(db, """
        select q.id, q.paragraph, q.start, q."end", q.text, q.kind, q.speaker, q.speaker_entity, q.cue, q.channel,
               q.cluster, coalesce(e.name, q.speaker_resolved, q.speaker) as speaker_name,
               c.version_count, c.outlet_count, p.position
        from quotes q left join entities e on e.id = q.speaker_entity
          left join quote_clusters c on c.id = q.cluster
          left join paragraphs p on p.id = q.paragraph
        where q.article = ? order by p.position, q.start limit ?""", [aid, MAX_ROWS])
    counts = dict((await db.execute("""
        select (select count(*) from quotes where article = :id) as quotes,
               (select count(*) from figures where article = :id) as figures,
               (select count(*) from mentions where article = :id) as mentions,
               (select count(*) from removed_blocks where article = :id) as removed""", {"id": aid})).first())
    key = (db.path, os.stat(db.path).st_mtime_ns, datasette.setting("base_url"), aid)
    body = bodies.get(key)
    if body is None:
        mentions = await query_rows(db, """
            select m.paragraph, m.start, m."end", m.entity, e.name, e.type
            from mentions m join entities e on e.id = m.entity where m.article = ? order by m.id limit ?""",
                                    [aid, MAX_MENTIONS])
        # Off the event loop: other readers' requests go on meanwhile.
        body = await asyncio.to_thread(render_body, row["body_markdown"] or row["body_text"] or "", paragraphs,
                                       quotes, mentions, entity_link)
        bodies.put(key, body)
    names = await query_rows(db, """
        select e.id, e.name, e.type, e.kind, e.latitude, e.longitude, count(*) as mentions
        from mentions m join entities e on e.id = m.entity where m.article = ?
        group by e.id order by mentions desc, e.name""", [aid])
    outlet = (await db.execute("select id, name, domain from outlets where id = ?", [row["outlet"]])).first()
    story = (await db.execute("select * from stories where id = ?", [row["story"]])).first()
    story_articles = await query_rows(db, """
        select a.id, a.title, a.published, a.duplicate_of, o.name as outlet
        from articles a left join outlets o on o.id = a.outlet
        where a.story = ? and a.id != ? order by a.published is null, a.published, a.id limit 50""",
                                      [row["story"], aid]) if row["story"] else []
    original = (await db.execute("""
        select a.id, a.title, a.published, o.name as outlet from articles a left join outlets o on o.id = a.outlet
        where a.id = ?""", [row["duplicate_of"]])).first()
    copies = await query_rows(db, """
        select a.id, a.title, a.published, a.copy_score, o.name as outlet
        from articles a left join outlets o on o.id = a.outlet where a.duplicate_of = ? order by a.published, a.id""",
                              [aid])
    shared = await query_rows(db, """
        select other as id, a.title, a.published, o.name as outlet, count(*) as passages,
               round(max(similarity), 2) as similarity
        from (select article_b as other, similarity from shared_passages where article_a = :id
              union all select article_a, similarity from shared_passages where article_b = :id) s
          join articles a on a.id = s.other left join outlets o on o.id = a.outlet
        group by other order by passages desc, a.published limit 50""", {"id": aid})
    credits = await query_rows(db, "select agency, text, kind from credits where article = ? order by id", [aid])
    figures = await query_rows(db, """
        select f.text, f.value, f.unit, f.noun_key, p.position from figures f
        left join paragraphs p on p.id = f.paragraph where f.article = ? order by p.position, f.start limit ?""",
                               [aid, MAX_FIGURES])
    removed = await query_rows(db, """
        select position, text, reason, score from removed_blocks where article = ? order by position limit ?""",
                               [aid, MAX_ROWS])
    places = [n for n in names if n["type"] == "place" and n["latitude"] is not None]
    return {
        "body": body,
        "quotes": quotes,
        "quotes_total": counts["quotes"],
        "mentions_total": counts["mentions"],
        "max_mentions": MAX_MENTIONS,
        "names": names,
        "names_by_type": {t: [n for n in names if n["type"] == t] for t in ("person", "org", "place", "other")},
        # For the map (the template writes it with |tojson, safe in a <script> block).
        "places": [{"name": p["name"], "lat": p["latitude"], "lon": p["longitude"], "url": entity_link(p["id"]),
                    "count": p["mentions"], "unit": "mention"} for p in places],
        "outlet": dict(outlet) if outlet else None,
        "story": dict(story) if story else None,
        "story_articles": story_articles,
        "original": dict(original) if original else None,
        "copies": copies,
        "shared": shared,
        "credits": credits,
        "figures": figures,
        "figures_total": counts["figures"],
        "removed": removed,
        "removed_total": counts["removed"],
        "source_url": datasette.urls.path(f"/-/raw/{row['source']}") if row["source"] else None,
    }


def template_vars(datasette, view_name, table, database) -> dict | None:
    """The article row page's `article_page(row)`; None on other pages."""
    if view_name != "row" or database != DATABASE_NAME or table != "articles":
        return None

    async def article_page(row):
        return await article_extras(datasette, row)

    return {"article_page": article_page}
