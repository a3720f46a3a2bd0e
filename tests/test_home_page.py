"""The home page: the corpus at a glance, every figure from the database."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from helpers import rows
from ingest.site import home as home_page
from ingest.site import make_datasette


@pytest.fixture(scope="module")
async def home(ds):
    response = await ds.client.get("/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.text)


def count(db, sql):
    return rows(db, sql)[0][0]


@pytest.mark.shared
@pytest.mark.nlp
async def test_counts_and_date_range(home, site_db):
    shown = {}
    for li in home.cssselect(".counts li"):
        number, label = li.cssselect("strong")[0].text_content(), li.text_content().split()[-1]
        shown[label] = int(number.replace(",", ""))
    assert shown == {
        "articles": count(site_db, "select count(*) from articles"),
        "outlets": count(site_db, "select count(*) from outlets"),
        "stories": count(site_db, "select count(*) from stories"),
        "quotes": count(site_db, "select count(*) from quotes"),
        "people": count(site_db, "select count(*) from entities where type = 'person'"),
        "places": count(site_db, "select count(*) from entities where type = 'place'"),
    }
    [(first, last)] = rows(site_db, "select min(substr(published, 1, 10)), max(substr(published, 1, 10)) "
                                    "from articles where published is not null")
    times = [t.get("datetime") for t in home.cssselect(".date-range time")]
    assert times == [first, last]
    undated = count(site_db, "select count(*) from articles where published is null")
    assert f"{undated} undated" in home.cssselect(".date-range")[0].text_content()


@pytest.mark.shared
@pytest.mark.nlp
async def test_coverage_chart_counts_every_dated_article(home, site_db):
    svg = home.cssselect("svg.coverage-chart")[0]
    assert svg.get("role") == "img" and svg.cssselect("title") and svg.cssselect("desc")
    bars = [r.cssselect("title")[0].text_content() for r in svg.cssselect("rect.bar")]
    total = sum(int(re.search(r": (\d+) article", b).group(1)) for b in bars)
    assert total == count(site_db, "select count(*) from articles where published is not null")
    # The same numbers as a table, each linking to that month's articles.
    table_rows = home.cssselect(".chart-table tbody tr")
    assert sum(int(tr.cssselect("td")[1].text_content()) for tr in table_rows) == total
    month = table_rows[-1].cssselect("a")[0].get("href")
    assert re.fullmatch(r"/press_atlas/articles\?published__startswith=\d{4}-\d{2}", month)


def test_buckets_by_day_month_and_year():
    unit, bars = home_page.buckets({"2025-10-14": 2, "2025-10-16": 1})
    assert unit == "day" and bars == [("2025-10-14", 2), ("2025-10-15", 0), ("2025-10-16", 1)]
    unit, bars = home_page.buckets({"2024-12-16": 1, "2025-10-14": 3, "2025-10-15": 1})
    assert unit == "month" and len(bars) == 11 and bars[0] == ("2024-12", 1) and bars[-1] == ("2025-10", 4)
    unit, bars = home_page.buckets({"1999-01-01": 1, "2025-06-01": 2})
    assert unit == "year" and len(bars) == 27 and sum(n for _, n in bars) == 3
    assert home_page.buckets({}) == ("day", [])
    assert home_page.coverage_svg("day", []) == ""


@pytest.mark.shared
@pytest.mark.nlp
async def test_most_quoted_latest_stories_and_places(home, site_db):
    quoted = home.cssselect(".home-quoted li")
    top = rows(site_db, """select coalesce(e.name, q.speaker_resolved), count(*) from quotes q
                           left join entities e on e.id = q.speaker_entity
                           where coalesce(e.name, q.speaker_resolved) is not null
                           group by coalesce(q.speaker_entity, q.speaker_resolved) order by 2 desc""")
    assert quoted[0].cssselect("a")[0].text_content() == top[0][0]
    assert f"{top[0][1]} quotes" in quoted[0].text_content()
    assert all(a.get("href").startswith("/-/entities/") for li in quoted for a in li.cssselect("a"))
    stories = [a.get("href") for a in home.cssselect(".story-list a")]
    expected = [f"/-/stories/{s}" for (s,) in rows(site_db, """select id from stories
        order by last_published is null, last_published desc, outlet_count desc, article_count desc limit 8""")]
    assert stories == expected
    places = json.loads(home.cssselect("script#home-places")[0].text)
    assert len(places) == count(site_db, "select count(*) from entities where type = 'place' and latitude is not null")
    assert all(p["url"].startswith("/-/entities/place%3A") for p in places)
    outlets = [a.text_content() for a in home.cssselect(".home-outlets li a")]
    assert outlets[0] in {n for (n,) in rows(site_db, """select name from outlets
        where article_count = (select max(article_count) from outlets)""")}


def test_chart_has_at_most_sixty_bars_whatever_the_dates():
    """A scraped date of 0001-01-01 beside 9999-12-31: spans of years, not
    ten thousand bars."""
    dates = {"0001-01-01": 1, "1999-06-01": 2, "2025-10-14": 3, "9999-12-31": 1}
    unit, bars = home_page.buckets(dates)
    assert unit == "200 years" and len(bars) <= home_page.MAX_BARS
    assert sum(n for _, n in bars) == 7
    assert bars[0] == ("0000", 1) and bars[-1] == ("9800", 1)
    assert home_page.bucket_label(unit, "1800") == "1800–1999"
    assert home_page.bucket_filter(unit, "1800") == {"published__gte": "1800", "published__lt": "2000"}
    assert home_page.bucket_filter(unit, "9800") == {"published__gte": "9800"}
    svg = home_page.coverage_svg(unit, bars)
    assert svg.count("<rect") == len(bars)
    for dates in ({"1990-01-01": 1, "2025-01-01": 1}, {"2000-01-01": 1, "2059-12-31": 1}):
        unit, bars = home_page.buckets(dates)
        assert len(bars) <= home_page.MAX_BARS and sum(n for _, n in bars) == 2, (dates, unit, len(bars))


@pytest.mark.shared
@pytest.mark.nlp
async def test_home_page_with_centuries_of_dates_and_an_older_database(site_db, tmp_path):
    """Hostile dates: the chart stays readable and each bar's link finds its
    articles. An older database without an outlets table: the page shows."""
    import shutil
    import sqlite3

    db = tmp_path / "atlas.db"
    shutil.copy(site_db, db)
    conn = sqlite3.connect(db)
    with conn:
        ids = [a for (a,) in conn.execute("select id from articles order by id limit 2")]
        conn.execute("update articles set published = '0001-01-01' where id = ?", [ids[0]])
        conn.execute("update articles set published = '9999-12-31T00:00:00' where id = ?", [ids[1]])
    conn.close()
    ds = make_datasette(db)
    page = lxml.html.fromstring((await ds.client.get("/")).text)
    assert len(page.cssselect("svg.coverage-chart rect.bar")) <= home_page.MAX_BARS
    table_rows = page.cssselect(".chart-table tbody tr")
    dated = count(db, "select count(*) from articles where published is not null")
    assert sum(int(tr.cssselect("td")[1].text_content()) for tr in table_rows) == dated
    for tr in (table_rows[0], table_rows[-1]):
        href, shown = tr.cssselect("a")[0].get("href"), int(tr.cssselect("td")[1].text_content())
        data = (await ds.client.get(href.replace("/articles?", "/articles.json?") + "&_size=0&_extra=count")).json()
        assert data["count"] == shown, href

    older = tmp_path / "older.db"
    shutil.copy(site_db, older)
    conn = sqlite3.connect(older)
    with conn:
        conn.execute("drop table outlets")
    conn.close()
    response = await make_datasette(older).client.get("/")
    assert response.status_code == 200
    assert lxml.html.fromstring(response.text).cssselect(".counts")
