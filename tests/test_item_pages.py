"""The item pages (a name, a statement, a story) as a journalist reads
them and as data: .json and .csv with names and text, 404 for an unknown
id, mentions under their article, statements once each, undated articles
counted; and a table search SQLite cannot read answered in plain words."""

from __future__ import annotations

import csv
import io
import json

import lxml.html
import pytest

from helpers import build, rows
from ingest.site import make_datasette

pytestmark = [pytest.mark.shared, pytest.mark.nlp]

ZELENSKY = "person:volodymyr-zelensky"
FORMULAS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_entity_json_has_names_and_text(ds, site_db):
    r = await ds.client.get(f"/-/entities/{ZELENSKY}.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert data["entity"]["name"].startswith("Volodymyr Zelensk")  # the usual spelling
    assert {"Zelensky", "Zelenskiy"} <= set(data["entity"]["aliases"])
    texts = [s["text"] for s in data["statements"]]
    assert any("preliminary data that the Russians" in t for t in texts)
    assert any("The Independent" in s["outlets"] for s in data["statements"])
    assert all(s["outlet_count"] >= 1 for s in data["statements"])
    # Mentions under their article, with its title and outlet, the snippets as text.
    titles = {m["title"] for m in data["mentions"]}
    assert "Russia has begun using North Korean troops in significant numbers in Ukraine, Zelensky says" in titles
    assert all(any("Zelensk" in s for s in m["snippets"]) for m in data["mentions"])
    assert sum(len(m["snippets"]) for m in data["mentions"]) == data["mentions_total"]
    assert any(a["name"] == "Russia" for a in data["alongside"])
    [(undated,)] = rows(site_db, """select count(distinct a.id) from mentions m join articles a on a.id = m.article
                                    where m.entity = ? and a.published is null""", [ZELENSKY])
    assert data["undated_articles"] == undated > 0
    assert sum(m["articles"] for m in data["articles_by_month"]) + undated == data["entity"]["article_count"]


async def test_quote_cluster_json_and_csv_name_every_version(ds, site_db):
    [(cid, versions)] = rows(site_db, "select id, version_count from quote_clusters where text like '%preliminary data%'")
    data = (await ds.client.get(f"/-/quote-clusters/{cid}.json")).json()
    assert data["cluster"]["speaker"].startswith("Volodymyr Zelensk")
    assert len(data["versions"]) == versions
    assert all("North Korea" in v["text"] for v in data["versions"])
    r = await ds.client.get(f"/-/quote-clusters/{cid}.csv")
    assert r.status_code == 200
    table = csv_rows(r.text)
    assert len(table) == versions
    first = table[0]
    assert first["outlet"] == "The Independent" and first["speaker_name"].startswith("Volodymyr Zelensk")
    assert first["title"].startswith("Russia has begun using North Korean troops")
    assert "preliminary data" in first["text"] and first["published"].startswith("2024-12-16")
    # The page links to them.
    page = (await ds.client.get(f"/-/quote-clusters/{cid}")).text
    assert f'href="/-/quote-clusters/{cid}.csv"' in page and f'href="/-/quote-clusters/{cid}.json"' in page


async def test_story_json_and_csv(ds, site_db):
    [(sid, count)] = rows(site_db, """select story, count(*) from articles where story =
                                      (select story from articles where id = '707a23a156d80705') group by story""")
    data = (await ds.client.get(f"/-/stories/{sid}.json")).json()
    assert len(data["articles"]) == count
    assert "The Independent" in data["outlets"]
    assert any(a["title"].startswith("Russia has begun using North Korean troops") for a in data["articles"])
    assert any("preliminary data" in row["label"] for row in data["coverage"] if row["type"] == "quote")
    assert all(set(row["outlets"]) <= set(data["outlets"]) for row in data["coverage"])
    r = await ds.client.get(f"/-/stories/{sid}.csv")
    assert r.status_code == 200
    table = csv_rows(r.text)
    assert len(table) == count
    assert {"title", "outlet", "published", "copy_of"} <= set(table[0])
    assert "The Independent" in {t["outlet"] for t in table}
    page = (await ds.client.get(f"/-/stories/{sid}")).text
    assert f'href="/-/stories/{sid}.csv"' in page and f'href="/-/stories/{sid}.json"' in page


@pytest.mark.parametrize("path", ["/-/entities/person:nobody", "/-/stories/story-nothing",
                                  "/-/quote-clusters/qc-nothing"])
async def test_unknown_ids_answer_404_in_every_format(ds, path):
    page = await ds.client.get(path)
    assert page.status_code == 404
    tree = lxml.html.fromstring(page.text)
    assert tree.cssselect("h1")[0].text_content() == "Not found"
    assert "No such" in tree.cssselect(".message-error")[0].text_content()
    data = await ds.client.get(path + ".json")
    assert data.status_code == 404 and data.json()["ok"] is False
    if "entities" not in path:
        assert (await ds.client.get(path + ".csv")).status_code == 404
    # A name's page is not a table: no CSV.
    assert (await ds.client.get(f"/-/entities/{ZELENSKY}.csv")).status_code == 404


async def test_api_page_documents_the_item_data(ds):
    html = (await ds.client.get("/-/api")).text
    section = lxml.html.fromstring(html).get_element_by_id("items")
    urls = [a.get("href") for a in section.cssselect(".api-url a")]
    assert any(u.startswith("/-/entities/") and u.endswith(".json") for u in urls)
    assert any(u.startswith("/-/quote-clusters/") and u.endswith(".csv") for u in urls)
    assert any(u.startswith("/-/stories/") and u.endswith(".csv") for u in urls)
    assert [m.text_content() for m in section.cssselect(".meta")] and all(
        m.text_content().startswith("200") for m in section.cssselect(".meta"))
    for url in urls:
        assert (await ds.client.get(url)).status_code == 200, url


async def test_item_csv_is_spreadsheet_safe(tmp_path):
    records = [{"title": f'=HYPERLINK("http://evil.example/{n}","click") sea wall', "outlet": "@SUM(1+1)",
                "published": f"2025-10-1{n}",
                "text": "\u201c=1+1 is what the wall cost us all, and somebody will answer for it,\u201d "
                        "Helena Marques said on Tuesday in Aveiro."}
               for n in range(3)]
    corpus = tmp_path / "feed"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    ds = make_datasette(db)
    await ds.invoke_startup()
    urls = [f"/-/stories/{s}.csv" for (s,) in rows(db, "select id from stories")]
    urls += [f"/-/quote-clusters/{c}.csv" for (c,) in rows(db, "select id from quote_clusters")]
    assert len(urls) >= 2
    neutralised = 0
    for url in urls:
        response = await ds.client.get(url)
        assert response.status_code == 200, url
        for row in csv.reader(io.StringIO(response.text)):
            for cell in row:
                assert not cell.startswith(FORMULAS), (url, cell)
                neutralised += cell.startswith(("'=", "'@"))
    assert neutralised >= 3


async def test_entity_mentions_sit_under_their_article(ds, site_db):
    page = lxml.html.fromstring((await ds.client.get(f"/-/entities/{ZELENSKY}")).text)
    groups = page.cssselect("ul.mentions > li.mention-source")
    [(articles,)] = rows(site_db, "select count(distinct article) from mentions where entity = ?", [ZELENSKY])
    assert len(groups) == articles
    seen = []
    for group in groups:
        children = [c for c in group if isinstance(c.tag, str)]
        # The source first, its snippets after it, inside the same item.
        assert children[0].get("class") == "source" and children[0].cssselect("a[href^='/press_atlas/articles/']")
        assert children[1].get("class") == "snippets"
        snippets = children[1].cssselect("li")
        assert snippets and all("Zelensk" in s.cssselect("mark")[0].text_content() for s in snippets)
        seen.append(children[0].cssselect("a")[0].get("href"))
    assert len(set(seen)) == len(seen)  # each article once


async def test_a_persons_statements_are_listed_once_each(ds, site_db):
    page = lxml.html.fromstring((await ds.client.get(f"/-/entities/{ZELENSKY}")).text)
    items = page.cssselect("ul.statements > li")
    [(statements, quotes)] = rows(site_db, """select count(distinct coalesce(cluster, id)), count(*) from quotes
                                              where speaker_entity = ?""", [ZELENSKY])
    assert quotes > statements  # the same statement carried by several outlets
    assert len(items) == statements
    texts = [" ".join(li.cssselect("blockquote")[0].text_content().split()) for li in items]
    assert len([t for t in texts if "preliminary data" in t]) == 1
    [item] = [li for li in items if "preliminary data" in li.text_content()]
    [(outlets,)] = rows(site_db, "select outlet_count from quote_clusters where text like '%preliminary data%'")
    assert f"{outlets} outlets" in item.cssselect(".outlet-count")[0].text_content()
    assert item.cssselect("a[href^='/-/quote-clusters/']")


async def test_undated_articles_are_counted_on_every_timeline(ds, site_db):
    page = lxml.html.fromstring((await ds.client.get(f"/-/entities/{ZELENSKY}")).text)
    [(undated,)] = rows(site_db, """select count(distinct a.id) from mentions m join articles a on a.id = m.article
                                    where m.entity = ? and a.published is null""", [ZELENSKY])
    assert undated == 4
    assert f"+ {undated} undated" in page.cssselect("table.months tr.undated")[0].text_content()
    home = lxml.html.fromstring((await ds.client.get("/")).text)
    [(off_chart,)] = rows(site_db, """select count(*) from articles where published is null or published not glob
                                      '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'""")
    assert off_chart > 0
    assert f"+ {off_chart} undated" in home.cssselect(".home-coverage figcaption")[0].text_content()
    assert home.cssselect(".chart-table tr.undated td")[-1].text_content() == str(off_chart)


@pytest.mark.parametrize("path", ["/press_atlas/who_said_it?q=North+Korean", "/press_atlas/stories_with_most_outlets",
                                  "/press_atlas/copied_passages"])
async def test_canned_queries_show_the_answer_before_their_sql(ds, path):
    r = await ds.client.get(path)
    assert r.status_code == 200
    page = lxml.html.fromstring(r.text)
    [sql] = page.cssselect("pre#sql-query")
    [toggle] = page.cssselect("details.query-sql")
    assert sql.getparent() is toggle and toggle.get("open") is None  # closed until asked
    assert "select" in sql.text_content().lower()
    assert toggle.cssselect("summary")[0].text_content().strip()
    html = r.text
    if page.cssselect("table.rows-and-columns"):
        assert html.index('class="rows-and-columns"') < html.index('class="query-sql"')
    assert html.index('class="query-count"') < html.index('class="query-sql"')
    assert not page.cssselect("textarea#sql-editor") and "Custom SQL query" not in html
