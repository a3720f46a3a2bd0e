"""The quote-cluster and entity pages: real data, every version, nothing executable."""

from __future__ import annotations

import json

import lxml.html
import pytest

from helpers import build, rows
from ingest.site import make_datasette

pytestmark = [pytest.mark.shared, pytest.mark.nlp]


async def test_quote_cluster_page_lists_every_version(ds, site_db):
    [(cid, versions)] = rows(site_db, "select id, version_count from quote_clusters where text like '%preliminary data%'")
    r = await ds.client.get(f"/-/quote-clusters/{cid}")
    assert r.status_code == 200
    page = lxml.html.fromstring(r.text)
    items = page.cssselect("li.version")
    assert len(items) == versions
    assert "earliest" in items[0].text_content()
    # Each version links to its article; later versions show their differences.
    links = {a.get("href") for a in page.cssselect("li.version a")}
    for (article,) in rows(site_db, "select article from quote_cluster_members where cluster = ?", [cid]):
        assert f"/press_atlas/articles/{article}" in links
    texts = [" ".join(li.cssselect("blockquote")[0].text_content().split()) for li in items]
    stored = {" ".join(t.split()) for (t,) in rows(site_db, """select q.text from quote_cluster_members m
        join quotes q on q.id = m.quote where m.cluster = ?""", [cid])}
    assert texts[0] in stored
    if len(stored) > 1:
        assert page.cssselect("ins") or page.cssselect("del")


async def test_entity_page(ds, site_db):
    r = await ds.client.get("/-/entities/person:volodymyr-zelensky")
    assert r.status_code == 200
    page = lxml.html.fromstring(r.text)
    [(name,)] = rows(site_db, "select name from entities where id = 'person:volodymyr-zelensky'")
    assert page.cssselect("h1")[0].text_content() == name and name.startswith("Volodymyr Zelensk")
    marks = [m.text_content() for m in page.cssselect(".mentions mark")]
    assert marks and all("Zelensk" in m for m in marks)
    assert page.cssselect(".quotes blockquote")  # his quotes
    assert any(a.text_content() == "Russia" for a in page.cssselect(".alongside a"))
    assert (await ds.client.get("/-/entities/person:nobody")).status_code == 404
    assert (await ds.client.get("/-/quote-clusters/qc-nothing")).status_code == 404


async def test_rows_link_to_the_pages(ds, site_db):
    [(cid,)] = rows(site_db, "select id from quote_clusters limit 1")
    html = (await ds.client.get(f"/press_atlas/quote_clusters/{cid}")).text
    assert f'href="/-/quote-clusters/{cid}"' in html
    html = (await ds.client.get("/press_atlas/entities/person~3Avolodymyr-zelensky")).text
    assert 'href="/-/entities/person%3Avolodymyr-zelensky"' in html


async def test_hostile_quotes_are_inert_on_the_pages(tmp_path):
    payload = '<script>alert(1)</script> and <img src=x onerror=alert(2)> were <a href="javascript:alert(3)">here</a>'
    records = [
        {"title": f"Report {n}", "outlet": f"o{n}.example", "published": f"2025-10-1{n}",
         "text": f"\u201cThe wall failed us all and somebody will answer for it {payload},\u201d "
                 f"Helena Marques said on Tuesday in Aveiro."}
        for n in range(3)
    ]
    corpus = tmp_path / "feed"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    ds = make_datasette(db)
    [(cid,)] = rows(db, "select id from quote_clusters")
    pages = [(await ds.client.get(f"/-/quote-clusters/{cid}")).text]
    pages += [(await ds.client.get(f"/-/entities/{e}")).text for (e,) in rows(db, "select id from entities")]
    for html in pages:
        tree = lxml.html.fromstring(html)
        assert not [s for s in tree.iter("script") if "alert" in (s.text or "")]
        for el in tree.iter():
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (el.tag, name)
                assert not value.strip().lower().startswith("javascript:"), (el.tag, name)


async def test_story_page_with_its_coverage_matrix(ds, site_db):
    [(sid, count)] = rows(site_db, """select id, article_count from stories where id = (
        select story from articles where outlet = 'iberiapresswire-example' limit 1)""")
    r = await ds.client.get(f"/-/stories/{sid}")
    assert r.status_code == 200
    page = lxml.html.fromstring(r.text)
    assert len(page.cssselect(".story-articles > li")) == count
    assert "a copy" in page.cssselect(".story-articles")[0].text_content()
    matrix = page.cssselect("table.coverage-matrix")[0]
    outlets = [th.text_content() for th in matrix.cssselect("thead th")][1:]
    assert "Iberia Press Wire" in outlets and "The Harbour Gazette" in outlets
    # Every row has one cell per outlet, and the statuses a reader needs appear.
    body_rows = matrix.cssselect("tbody tr")
    assert body_rows and all(len(tr.cssselect("td")) == len(outlets) for tr in body_rows)
    classes = {td.get("class") for td in matrix.cssselect("td")}
    assert {"status-verbatim", "status-paraphrased", "status-absent", "status-different-number"} <= classes
    assert (await ds.client.get("/-/stories/story-nope")).status_code == 404
    html = (await ds.client.get(f"/press_atlas/stories/{sid}")).text
    assert f'href="/-/stories/{sid}"' in html


async def test_places_and_queries_with_coordinates_get_the_map(ds):
    for url in ("/press_atlas/entities?type=place", "/press_atlas/who_appears_with?x=Zelenskiy"):
        html = (await ds.client.get(url)).text
        assert "datasette-cluster-map.js" in html, url
    assert "datasette-cluster-map.js" not in (await ds.client.get("/press_atlas/articles")).text


async def test_links_with_encoded_ids_reach_the_pages(ds):
    r = await ds.client.get("/-/entities/person%3Avolodymyr-zelensky")
    assert r.status_code == 200
    page = lxml.html.fromstring(r.text)
    # Every link to another entity page on it works as the browser sends it.
    hrefs = [a.get("href") for a in page.cssselect(".alongside a")][:5]
    assert hrefs and any("%3A" in h for h in hrefs)
    for href in hrefs:
        assert (await ds.client.get(href)).status_code == 200, href


async def test_long_lists_on_the_pages_say_they_are_cut(ds, site_db, monkeypatch):
    from ingest.site import entity, statement, story

    for page in (entity, statement, story):
        monkeypatch.setattr(page, "MAX_ROWS", 1)
    [(entity, mentions)] = rows(site_db, """select entity, count(*) from mentions
                                           where entity = 'person:volodymyr-zelensky' group by entity""")
    page = lxml.html.fromstring((await ds.client.get(f"/-/entities/{entity}")).text)
    assert len(page.cssselect(".mentions > li")) == 1
    notes = [p.text_content() for p in page.cssselect(".more")]
    assert any(f"The latest 1 of {mentions}" in n for n in notes), notes
    [(sid, articles)] = rows(site_db, "select id, article_count from stories order by article_count desc limit 1")
    page = lxml.html.fromstring((await ds.client.get(f"/-/stories/{sid}")).text)
    link = page.cssselect(".more a")[0]
    assert link.text_content() == f"all {articles} articles"
    listed = (await ds.client.get(link.get("href").replace("/articles?", "/articles.json?") + "&_extra=count")).json()
    assert listed["count"] == articles
    [(cid, versions)] = rows(site_db, "select id, version_count from quote_clusters "
                                      "order by version_count desc limit 1")
    page = lxml.html.fromstring((await ds.client.get(f"/-/quote-clusters/{cid}")).text)
    assert f"The first 1 of {versions}" in page.cssselect(".more")[0].text_content()
