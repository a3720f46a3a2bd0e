"""Entities across the corpus: the names each article's mentions give,
resolved into `entities`, `mentions` and `entity_aliases`."""

from __future__ import annotations

import json

from ..store.sql import indexes_after, insert_rows


def link_entities(db) -> None:
    """Resolve the names each article's mentions give (`_mentions`) across
    the corpus into `entities`, `mentions` and `entity_aliases`. Mentions in
    paragraphs that left the body (repeated furniture) are dropped.

    Streams: each mention comes with its provisional key, found in the
    per-document stage (ingest.document.entities.provisional_keys); the resolver keeps
    counts per distinct name, and the mentions stay in `_mentions` (read
    twice: counted, then written with their entities) until the keys are
    merged into entities, so memory does not grow with the number of
    mentions."""
    from .entity_resolution import EntityResolver

    # The mentions that count: in paragraphs still in the body, in the
    # order they came (article, paragraph, offset): the resolver counts
    # them in that order, and the mentions get the same rowids in every build.
    kept = """from _mentions m join paragraphs p on p.id = m.article || '-' || m.paragraph
              where m.ident is not null"""
    order = "order by m.article, m.paragraph, m.start, m.rowid"
    resolver = EntityResolver()
    for ident, display, text, confidence in db.conn.execute(
            f"select m.ident, m.display, m.text, m.confidence {kept} {order}"):
        resolver.add(ident, display, text, confidence)
    by_final, alias_pairs = resolver.entities()
    db.execute("create temp table _key_entity (ident text primary key, entity text) without rowid")
    db.conn.executemany("insert into _key_entity values (?, ?)",
                        ((ident, by_final[resolver.final(ident)].id) for ident in resolver.counts))
    del resolver
    insert_rows(db, "entities", ("id", "name", "type", "aliases", "kind", "latitude", "longitude", "country",
                                 "confidence", "article_count", "mention_count"),
                ((e.id, e.name, e.type, json.dumps(e.aliases, ensure_ascii=False), e.kind, e.latitude,
                  e.longitude, e.country, e.confidence, 0, e.mention_count) for e in by_final.values()))
    del by_final
    insert_rows(db, "entity_aliases", ("id", "alias", "entity"),
                ((f"{entity}|{alias}", alias, entity) for alias, entity in alias_pairs), ignore=True)
    with indexes_after(db, "mentions"):
        db.execute(f"""
            insert or ignore into mentions (id, entity, article, paragraph, text, start, "end")
            select m.article || '-' || m.paragraph || '-' || m.start, k.entity, m.article,
                   m.article || '-' || m.paragraph, m.text, m.start, m."end"
            {kept.replace("from _mentions m", "from _mentions m join _key_entity k on k.ident = m.ident")}
            {order}""")
    db["_mentions"].drop()
    db.execute("drop table _key_entity")
    db.execute("""
        update entities set article_count = c.articles
        from (select entity, count(distinct article) as articles from mentions group by entity) c
        where c.entity = entities.id""")
