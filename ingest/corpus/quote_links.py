"""Link quotes across the corpus: offsets in the final bodies, speakers to
person entities (after the repeated-lines pass and the entities), and
versions of one statement written as quote clusters (found by
ingest/corpus/quote_clusters.py, maybe in another process).
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from operator import itemgetter

from . import quote_clusters


def link_offsets_and_speakers(db) -> None:
    """Each quote's outlet and body offsets, and its speaker's entity."""
    if db.execute("select 1 from quotes limit 1").fetchone():
        _outlets_and_offsets(db)
        _speaker_entities(db)


def cluster_items(db) -> list[quote_clusters.QuoteItem]:
    """What the clusters are found from: each quote's text, outlet (its
    article's: what _outlets_and_offsets gives it), date and speaker."""
    return [quote_clusters.QuoteItem(qid, text, outlet, published, speaker)
            for qid, text, outlet, published, speaker in db.execute("""
                select q.id, q.text, a.outlet, a.published, q.speaker_resolved
                from quotes q join articles a on a.id = q.article order by q.id""")]


def _outlets_and_offsets(db) -> None:
    """Each quote's outlet, and its offsets in body_text (the paragraphs
    joined by blank lines), from its offsets in its paragraph."""
    db.execute("update quotes set outlet = (select a.outlet from articles a where a.id = quotes.article)")
    # Keyed by paragraph id: each quote looks its paragraph up (without the
    # key, every quote scanned every paragraph).
    db.execute("create temp table _paragraph_starts (id text primary key, body_start integer) without rowid")
    db.execute("""
        insert into _paragraph_starts
        select id, coalesce(sum(length(text) + 2) over (
                   partition by article order by position
                   rows between unbounded preceding and 1 preceding), 0) as body_start
        from paragraphs
    """)
    db.execute("""
        update quotes set
          body_start = (select s.body_start from _paragraph_starts s where s.id = quotes.paragraph) + start,
          body_end = (select s.body_start from _paragraph_starts s where s.id = quotes.paragraph) + "end"
    """)
    db.execute("drop table _paragraph_starts")


def _speaker_entities(db) -> None:
    """The person entity a resolved speaker names: one mentioned in the same
    article under that name, else the one whose alias it is across the corpus
    (only when exactly one person has that alias)."""
    # Article by article, the mentions and the quotes side by side, read
    # once (not one query per article per quote): among the
    # person entities mentioned in the article under the speaker's name
    # (their name, or a mention written so), the one with most such
    # mentions, then the smallest id.
    persons = groupby(db.conn.execute("""
        select m.article, m.entity, e.name, m.text from mentions m join entities e on e.id = m.entity
        where e.type = 'person' order by m.article"""), key=itemgetter(0))
    quotes = groupby(db.conn.execute("""
        select article, id, speaker_resolved from quotes where speaker_resolved is not null
        order by article, id"""), key=itemgetter(0))
    updates = []
    article, mentions = next(persons, (None, ()))
    for quote_article, article_quotes in quotes:
        while article is not None and article < quote_article:
            article, mentions = next(persons, (None, ()))
        if article != quote_article:
            continue
        mentions = list(mentions)
        names = {entity: name for _, entity, name, _ in mentions}
        total = Counter(entity for _, entity, _, _ in mentions)
        by_text: dict[str, Counter] = {}
        for _, entity, _, text in mentions:
            by_text.setdefault(text, Counter())[entity] += 1
        for _, quote, speaker in article_quotes:
            counts = {entity: n for entity, n in total.items() if names[entity] == speaker}
            for entity, n in by_text.get(speaker, {}).items():
                counts.setdefault(entity, n)  # all its mentions count when its name matched
            if counts:
                updates.append((min(counts, key=lambda e: (-counts[e], e)), quote))
        article, mentions = next(persons, (None, ()))
    db.conn.executemany("update quotes set speaker_entity = ? where id = ?", updates)
    db.execute("""
        update quotes set speaker_entity = (
          select min(x.entity) from entity_aliases x join entities e on e.id = x.entity
          where x.alias = quotes.speaker_resolved and e.type = 'person'
          having count(distinct x.entity) = 1)
        where speaker_entity is null and speaker_resolved is not null
    """)


def write_clusters(db, clusters: list[quote_clusters.Cluster]) -> None:
    """`quote_clusters` and `quote_cluster_members` from the clusters that
    `quote_clusters.cluster_quotes(cluster_items(db))` found, each ordered
    earliest first, and each quote's cluster."""
    if not clusters:
        return
    items = cluster_items(db)
    by_id = {i.quote_id: i for i in items}
    outlet_names = dict(db.execute("select id, name from outlets"))
    article_of = dict(db.execute("select id, article from quotes"))
    copies = {a for (a,) in db.execute("select id from articles where duplicate_of is not null")}

    def order(qid: str) -> tuple:
        # By day; on the same day a copy never comes before its original,
        # then the more precise time, then the id.
        date = by_id[qid].date
        return (date is None, (date or "")[:10], article_of[qid] in copies, date or "", qid)

    cluster_rows, members = [], []
    taken: Counter = Counter()
    for cluster in clusters:
        ordered = sorted(cluster.members, key=order)
        # A long quote holding several statements can be the earliest
        # version of more than one cluster: number the later ones.
        cid = f"qc-{ordered[0]}"
        taken[cid] += 1
        if taken[cid] > 1:
            cid = f"{cid}-{taken[cid]}"
        first = by_id[ordered[0]]
        speakers = Counter(by_id[q].speaker_resolved for q in cluster.members if by_id[q].speaker_resolved)
        cluster_rows.append({
            "id": cid, "text": first.text,
            "speaker": speakers.most_common(1)[0][0] if speakers else None,
            "earliest_quote": first.quote_id, "earliest_article": article_of[first.quote_id],
            "first_published": first.date, "version_count": len(cluster.members),
            "outlet_count": len(cluster.outlets),
            "outlets": ", ".join(outlet_names.get(o, o) for o in cluster.outlets) or None,
        })
        for position, qid in enumerate(ordered):
            q = by_id[qid]
            members.append({"id": f"{cid}|{qid}", "cluster": cid, "quote": qid, "article": article_of[qid],
                            "outlet": q.outlet, "published": q.date, "position": position})
    db["quote_clusters"].insert_all(cluster_rows, batch_size=1000)
    db["quote_cluster_members"].insert_all(members, batch_size=1000)
    # A quote's cluster: the one it is the closest version in (a long block
    # quote holding several statements is in several; it keeps the first).
    db.execute("""
        update quotes set cluster = (
          select m.cluster from quote_cluster_members m where m.quote = quotes.id
          order by m.cluster limit 1)
    """)
