"""Entities in the built database: resolved across articles, placed on the map."""

from __future__ import annotations

import json

import pytest

from helpers import rows

pytestmark = pytest.mark.nlp


@pytest.mark.shared
def test_mentions_point_at_their_text(site_db):
    mentions = rows(site_db, """select m.text, m.start, m."end", p.text from mentions m
                               join paragraphs p on p.id = m.paragraph""")
    assert len(mentions) > 100
    for text, start, end, paragraph in mentions:
        assert paragraph[start:end] == text


@pytest.mark.shared
def test_one_zelensky_however_spelt(site_db):
    [(entity, name, aliases, articles)] = rows(site_db, """select id, name, aliases, article_count
        from entities where type = 'person' and name like '%Zelensk%'""")
    # Shown by his commonest full spelling (the seeds tie between two).
    assert name in {"Volodymyr Zelensky", "Volodymyr Zelenskiy"} and articles == 5
    # Every seed spelling leads to him.
    written = {a for (a,) in rows(site_db, "select alias from entity_aliases where entity = ?", [entity])}
    assert {"Zelensky", "Zelenskiy", "Volodymyr Zelensky", "Volodymyr Zelenskiy"} <= written
    assert set(json.loads(aliases)) <= written


@pytest.mark.shared
def test_places_on_the_map_and_not_guessed(site_db):
    places = {name: (kind, lat, lon, country) for name, kind, lat, lon, country in rows(site_db, """
        select name, kind, latitude, longitude, country from entities where type = 'place'""")}
    assert places["Aveiro"][0] == "city" and abs(places["Aveiro"][1] - 40.64) < 0.5
    assert places["Russia"][0] == "country" and places["Russia"][3] == "RU"
    assert places["Kyiv"][3] == "UA"
    # A place the gazetteer cannot resolve has no coordinates rather than wrong ones.
    for kind, lat, lon, _country in places.values():
        assert (kind is None) == (lat is None) == (lon is None)


@pytest.mark.shared
def test_only_english_articles_get_entities(site_db):
    french = rows(site_db, "select id from articles where language = 'fr'")
    assert french
    assert rows(site_db, "select count(*) from mentions where article = ?", [french[0][0]])[0][0] == 0


@pytest.mark.shared
def test_counts_match_the_mentions(site_db):
    for entity, articles, count in rows(site_db, "select id, article_count, mention_count from entities"):
        assert rows(site_db, "select count(distinct article), count(*) from mentions where entity = ?",
                    [entity])[0] == (articles, count)


def test_no_nlp_builds_without_entities(tmp_path):
    from helpers import SAMPLE, build
    db = build(tmp_path, SAMPLE, args=("--no-nlp",))
    assert rows(db, "select count(*) from entities")[0][0] == 0
    assert rows(db, "select count(*) from articles")[0][0] == 12


def test_record_languages_are_codes_and_english_gets_entities(tmp_path):
    import json as _json

    from helpers import build
    from ingest.document.metadata import language_code

    assert [language_code(v) for v in ("en-GB", "EN", "English", "pt_BR", "xx-yy-zz", "???", None)] == \
        ["en", "en", "en", "pt", "xx", None, None]
    corpus = tmp_path / "feed"
    corpus.mkdir()
    text = ("Volodymyr Zelensky said on Monday that Russia had moved troops to the Kursk region. "
            "The Ukrainian president spoke in Kyiv after meeting officials from NATO.")
    (corpus / "feed.jsonl").write_text(_json.dumps({"title": "Troops", "text": text, "language": "en-GB",
                                                    "url": "https://x.example/a"}))
    db = build(tmp_path, corpus)
    assert rows(db, "select language from articles") == [("en",)]
    assert rows(db, "select count(*) from mentions")[0][0] >= 3
