"""Link across the corpus: what no single document can decide alone.

Outlets: every article claims an outlet as its page states it, a name
("The Independent"), a domain ("independent.co.uk"), or both. Claims that
share a domain are one outlet; a name-only claim joins the domain outlet
whose name or domain label matches it ("The Independent" joins
independent.co.uk); otherwise the name stands alone. Outlet ids are slugs,
so they stay the same across rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager


def slug(text: str) -> str:
    """ASCII slug when the name has Latin letters ("Le Monde" -> "le-monde"),
    else a Unicode one ("Новая газета" -> "новая-газета"), so names in other
    scripts never collapse into one id."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if ascii_slug and len(ascii_slug.replace("-", "")) * 2 >= len(re.sub(r"\W", "", text)):
        return ascii_slug
    unicode_slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    return unicode_slug or hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _norm_name(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    return slug(name).replace("-", "")


def _domain_label(domain: str) -> str:
    return _norm_name(domain.split(".")[0])


def resolve_outlets(claims: dict[tuple[str | None, str | None], int]):
    """claims: {(name, domain): number of articles}.

    Returns (outlets, mapping) where outlets is a list of rows for the
    outlets table (without counts) and mapping sends each claim to an
    outlet id.
    """
    names_by_domain: dict[str, Counter] = defaultdict(Counter)
    for (name, domain), n in claims.items():
        if domain:
            names_by_domain[domain][name] += n if name else 0
    outlets: dict[str, dict] = {}
    by_norm: dict[str, str] = {}
    for domain in sorted(names_by_domain):
        named = [(n, c) for n, c in names_by_domain[domain].items() if n]
        name = max(named, key=lambda nc: (nc[1], nc[0]))[0] if named else domain
        oid = slug(domain)
        outlets[oid] = {"id": oid, "name": name, "domain": domain}
        for norm in (_norm_name(name), _domain_label(domain)):
            if norm:
                by_norm.setdefault(norm, oid)

    mapping: dict[tuple[str | None, str | None], str] = {}
    for (name, domain) in sorted(claims, key=lambda k: (k[0] or "", k[1] or "")):
        if domain:
            mapping[(name, domain)] = slug(domain)
            continue
        oid = by_norm.get(_norm_name(name))
        if oid is not None and outlets[oid]["name"] == outlets[oid]["domain"]:
            outlets[oid]["name"] = name  # the domain outlet had no name of its own
        if oid is None:
            oid = slug(name)
            outlets.setdefault(oid, {"id": oid, "name": name, "domain": None})
        mapping[(name, domain)] = oid
    return list(outlets.values()), mapping


def link_outlets(db) -> None:
    """Resolve the `_outlet_claims` the writer collected into `outlets` rows
    and set `articles.outlet`."""
    claims = {
        (row[0], row[1]): row[2]
        for row in db.execute("select name, domain, count(*) from _outlet_claims group by 1, 2")
    }
    outlets, mapping = resolve_outlets(claims)
    db["outlets"].insert_all(outlets)
    db["_outlet_map"].create({"name": str, "domain": str, "outlet": str})
    db["_outlet_map"].insert_all(
        {"name": n, "domain": d, "outlet": o} for (n, d), o in mapping.items()
    )
    db.execute(
        """
        update articles set outlet = m.outlet
        from _outlet_claims c join _outlet_map m
          on c.name is m.name and c.domain is m.domain
        where c.article = articles.id
        """
    )
    db.execute(
        """
        update outlets set article_count = (
          select count(*) from articles where articles.outlet = outlets.id
        )
        """
    )
    db["_outlet_map"].drop()
    db["_outlet_claims"].drop()


def insert_rows(db, table: str, columns: tuple[str, ...], rows, ignore: bool = False) -> None:
    """Rows of plain values (tuples in the order of `columns`) with one
    prepared statement: what sqlite-utils' insert_all writes for them,
    without building its SQL and converting every value batch by batch
    (0.4-0.6 of 1.0 s of processor time for the entities and aliases of
    12,000 articles)."""
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.executemany(f"insert {'or ignore ' if ignore else ''}into [{table}] ({names}) "
                        f"values ({', '.join('?' * len(columns))})", rows)


@contextmanager
def indexes_after(db, table: str):
    """Drop the table's own indexes, then make them again once the rows are
    in: built by sorting the rows, not by inserting each row into each index
    (the 940,000 mentions of 12,000 articles: 30 s -> 4 s once the database
    is larger than SQLite's page cache)."""
    made = db.execute("select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
                      "and sql is not null", [table]).fetchall()
    for name, _sql in made:
        db.execute(f"drop index [{name}]")
    yield
    for _name, sql in made:
        db.execute(sql)


def link_entities(db) -> None:
    """Resolve the names each article's mentions give (`_mentions`) across
    the corpus into `entities`, `mentions` and `entity_aliases`. Mentions in
    paragraphs that left the body (repeated furniture) are dropped.

    Streams: each mention comes with its provisional key, found in the
    per-document stage (entities.provisional_keys); the resolver keeps
    counts per distinct name, and the mentions stay in `_mentions` (read
    twice: counted, then written with their entities) until the keys are
    merged into entities, so memory does not grow with the number of
    mentions."""
    from . import entities

    # The mentions that count: in paragraphs still in the body, in the
    # order they came (article, paragraph, offset): the resolver counts
    # them in that order, and the mentions get the same rowids in every build.
    kept = """from _mentions m join paragraphs p on p.id = m.article || '-' || m.paragraph
              where m.ident is not null"""
    order = "order by m.article, m.paragraph, m.start, m.rowid"
    resolver = entities.Resolver()
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
