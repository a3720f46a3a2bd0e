"""Quotes in the built database: offsets, speakers, clusters and the site's query."""

from __future__ import annotations

import pytest

from helpers import rows

pytestmark = [pytest.mark.shared, pytest.mark.nlp]


def test_quote_offsets_in_paragraph_and_body(site_db):
    for text, start, end, paragraph, body_start, body_end, body in rows(site_db, """
            select q.text, q.start, q."end", p.text, q.body_start, q.body_end, a.body_text
            from quotes q join paragraphs p on p.id = q.paragraph join articles a on a.id = q.article"""):
        assert paragraph[start:end] == text
        assert body[body_start:body_end] == text


def test_zelensky_statement_is_one_cluster_across_seeds(site_db):
    clusters = rows(site_db, """select c.id, c.version_count, c.speaker from quote_clusters c
                                where c.text like '%preliminary data%'""")
    assert len(clusters) == 1
    cid, versions, speaker = clusters[0]
    assert speaker == "Volodymyr Zelensky" and versions >= 3
    seeds = {path.split("/")[-1][:3] for (path,) in rows(site_db, """
        select s.path from quote_cluster_members m join articles a on a.id = m.article
        join sources s on s.id = a.source where m.cluster = ?""", [cid])}
    assert {"000", "003", "004"} <= seeds
    # Retranslated versions are in it, not only verbatim copies.
    texts = {t for (t,) in rows(site_db, """select q.text from quote_cluster_members m
                                           join quotes q on q.id = m.quote where m.cluster = ?""", [cid])}
    assert any("there is already preliminary data" in t for t in texts) or len(texts) >= 2


def test_speakers_link_to_person_entities(site_db):
    linked = rows(site_db, """select distinct q.speaker_resolved, e.name, e.type from quotes q
                              join entities e on e.id = q.speaker_entity""")
    [(zelensky,)] = rows(site_db, "select name from entities where id = 'person:volodymyr-zelensky'")
    # However the outlets spelt him, his quotes link to the one person.
    assert ("Volodymyr Zelensky", zelensky, "person") in linked
    assert all(t == "person" for _, _, t in linked)


def test_a_copy_is_never_the_earliest_version_on_the_same_day(site_db):
    assert rows(site_db, """select count(*) from quote_clusters c join articles a on a.id = c.earliest_article
        where a.duplicate_of is not null and exists (
          select 1 from quote_cluster_members m where m.cluster = c.id and m.article = a.duplicate_of)""")[0][0] == 0


async def test_who_said_it(ds, site_db):
    [(zelensky,)] = rows(site_db, "select name from entities where id = 'person:volodymyr-zelensky'")
    r = await ds.client.get("/press_atlas/who_said_it.json?q=preliminary+data&_shape=array")
    assert r.status_code == 200
    data = r.json()
    assert data and all("preliminary data" in row["quote"].lower() for row in data)
    assert {row["speaker"] for row in data} == {zelensky}
    for q in ['"', "AND", "", "NEAR(", "x" * 3000]:
        assert (await ds.client.get(f"/press_atlas/who_said_it.json?q={q}")).status_code == 200


def test_a_quote_that_opens_two_clusters_gives_two_ids(tmp_path):
    """A long block quote holding two statements is the earliest version of both."""
    import json

    from helpers import build

    first = "The sea wall was supposed to protect the old town for fifty years and it failed after sixteen"
    second = "We will ask the European Commission for emergency money to rebuild the harbour before winter"
    third = ("Engineers from Porto and Lisbon arrive on Thursday to inspect the foundations, the dunes "
             "south of the beach and every pumping station along the lagoon, and they will report by Friday.")
    records = [
        {"title": "Mayor's statement", "outlet": "a.example", "published": "2025-10-14",
         "text": f"The mayor said: \u201c{first}. {second}. {third}\u201d"},
        {"title": "Wall failed", "outlet": "b.example", "published": "2025-10-15",
         "text": f"\u201c{first},\u201d the mayor said on Wednesday."},
        {"title": "Money sought", "outlet": "c.example", "published": "2025-10-15",
         "text": f"\u201c{second},\u201d the mayor said on Wednesday."},
    ]
    corpus = tmp_path / "feed"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    ids = [i for (i,) in rows(db, "select id from quote_clusters order by id")]
    assert len(ids) == len(set(ids)) == 2


async def test_the_speaker_facet_counts_one_value_per_person(ds, site_db):
    """However the articles wrote the name ("Zelensky", "Mr Zelensky",
    "Volodymyr Zelenskiy"), the quotes table's speaker facet has one value
    per person, with all their quotes."""
    r = await ds.client.get("/press_atlas/quotes.json?_extra=facet_results&_size=0")
    assert r.status_code == 200
    values = r.json()["facet_results"]["results"]["speaker_entity"]["results"]
    zelensky = [v for v in values if v["value"] == "person:volodymyr-zelensky"]
    [(count, spellings)] = rows(site_db, """select count(*), count(distinct speaker_resolved) from quotes
                                            where speaker_entity = 'person:volodymyr-zelensky'""")
    assert len(zelensky) == 1 and zelensky[0]["count"] == count and spellings >= 2
    assert zelensky[0]["label"].startswith("Volodymyr Zelensk")
    assert len({v["label"] for v in values}) == len(values)  # no person split across values
