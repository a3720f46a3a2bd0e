"""The public site: pages, exports, search, and refusal of every write."""

from __future__ import annotations

import csv
import io

import pytest

from helpers import STALL_WORD, STALLED_OUTLET, rows, stalled_copy
from ingest.store.schema import TABLES
from ingest.site import make_datasette

pytestmark = [pytest.mark.shared, pytest.mark.nlp]


async def get(ds, path, status=200):
    response = await ds.client.get(path)
    assert response.status_code == status, f"{path}: {response.status_code} {response.text[:500]}"
    return response


async def test_home_page_shows_title_description_license_source(ds):
    html = (await get(ds, "/")).text
    assert "<h1>Press Atlas</h1>" in html
    assert "How the press covered a story" in html
    assert "Article texts belong to their publishers" in html
    assert "built with press-atlas" in html
    assert 'action="/press_atlas/search_everything"' in html


@pytest.mark.parametrize("table", [t.name for t in TABLES])
async def test_each_table_page_json_and_csv(ds, table):
    await get(ds, f"/press_atlas/{table}")
    data = (await get(ds, f"/press_atlas/{table}.json?_shape=array&_labels=on")).json()
    assert isinstance(data, list) and data
    text = (await get(ds, f"/press_atlas/{table}.csv")).text
    header = next(csv.reader(io.StringIO(text)))
    assert header[0] in ("id", "rowid")


async def test_article_row_page_and_labels(ds, site_db):
    article_id, title = rows(site_db, "select id, title from articles where author = 'Namita Singh'")[0]
    html = (await get(ds, f"/press_atlas/articles/{article_id}")).text
    assert title in html
    [row] = (await get(ds, f"/press_atlas/articles.json?id={article_id}&_shape=array&_labels=on")).json()
    # Foreign keys come with their labels.
    assert row["outlet"] == {"value": "the-independent", "label": "The Independent"}
    assert row["source"]["label"].startswith("seeds/004_")


async def test_facets(ds):
    data = (await get(ds, "/press_atlas/articles.json?_facet=outlet&_facet=author")).json()
    outlets = {f["value"] for f in data["facet_results"]["results"]["outlet"]["results"]}
    assert {"the-independent", "tovima-com", "harbourgazette-example"} <= outlets


async def test_table_search(ds):
    data = (await get(ds, "/press_atlas/articles.json?_search=Kovalenko&_shape=array")).json()
    assert len(data) == 3
    data = (await get(ds, "/press_atlas/paragraphs.json?_search=Kovalenko&_shape=array")).json()
    assert data and all("Kovalenko" in r["text"] for r in data)


async def test_search_everything_ranked_with_highlights(ds):
    data = (await get(ds, "/press_atlas/search_everything.json?q=Kovalenko&_shape=array")).json()
    assert {r["type"] for r in data} == {"article", "paragraph", "quote", "entity"}
    for r in data:
        if r["type"] == "quote":  # found by its speaker: the snippet is the quote's words
            assert "Kovalenko" in r["speaker"] and r["cluster"]
        else:
            assert "<mark>Kovalenko</mark>" in r["snippet"], r
    assert {r["entity"] for r in data if r["type"] == "entity"} == {"person:andry-kovalenko"}
    ranks = [r["rank"] for r in data]
    assert ranks == sorted(ranks)


async def test_search_everything_page_groups_results_by_kind(ds, site_db):
    import lxml.html

    html = (await get(ds, "/press_atlas/search_everything?q=Kovalenko")).text
    page = lxml.html.fromstring(html)
    groups = [s.get("id") for s in page.cssselect("section.result-group")]
    assert groups == ["results-entity", "results-article", "results-quote", "results-paragraph"]
    data = (await get(ds, "/press_atlas/search_everything.json?q=Kovalenko&_shape=array")).json()
    # The summary links to each group with its count, and each group holds that many results.
    summary = {a.get("href"): a.text_content() for a in page.cssselect(".search-summary a")}
    for group in groups:
        kind = group.removeprefix("results-")
        expected = sum(r["type"] == kind for r in data)
        assert len(page.cssselect(f"#{group} li.result")) == expected
        assert summary[f"#{group}"].startswith(f"{expected} ")
    assert "<mark>Kovalenko</mark>" in html
    # Each result leads to its page: the name to its entity page, quotes to their
    # versions and speaker, paragraphs to their place in the article.
    assert page.cssselect('#results-entity a[href="/-/entities/person%3Aandry-kovalenko"]')
    quote_links = [a.get("href") for a in page.cssselect("#results-quote a")]
    assert any(h.startswith("/-/quote-clusters/") for h in quote_links)
    assert "/-/entities/person%3Aandry-kovalenko" in quote_links
    [(position,)] = rows(site_db, """select position from paragraphs where article = '707a23a156d80705'
                                     and text like 'Andrii Kovalenko, an official%'""")
    assert page.cssselect(f'#results-paragraph a[href="/press_atlas/articles/707a23a156d80705#p-{position}"]')
    # Nothing found says so; no query shows the box alone.
    assert "No results for" in (await get(ds, "/press_atlas/search_everything?q=zzzqqqxxx")).text
    empty = lxml.html.fromstring((await get(ds, "/press_atlas/search_everything")).text)
    assert empty.cssselect("input#search-q") and not empty.cssselect("section.result-group")


async def test_search_prefix_and_phrase(ds):
    prefix = (await get(ds, "/press_atlas/search_everything.json?q=Kovalen&_shape=array")).json()
    assert prefix and all("Kovalenko" in r["snippet"] or "Kovalenko" in (r["speaker"] or "") for r in prefix)
    phrase = (await get(ds, '/press_atlas/search_everything.json?q="sea+wall"+mayor&_shape=array')).json()
    assert phrase and {r["outlet"] for r in phrase} >= {"The Harbour Gazette"}


@pytest.mark.parametrize("q", ["", '"', "AND OR", "*", "NEAR(", "'; drop table articles; --", "a" * 5000,
                               "((((", "title:x", "^", "-", "\x00"])
async def test_search_survives_any_input(ds, q):
    response = await ds.client.get("/press_atlas/search_everything.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)
    page = await ds.client.get("/press_atlas/search_everything", params={"q": q})
    assert page.status_code == 200 and "Traceback" not in page.text


async def test_hostile_text_is_escaped_in_search_results(tmp_path):
    from helpers import build

    corpus = tmp_path / "hostile"
    corpus.mkdir()
    payload = ('<script>alert(1)</script> The harbourmaster <img src=x onerror="alert(2)"> '
               '<mark>said</mark> the wall held, <a href="javascript:alert(3)">click</a>.')
    (corpus / "page.txt").write_text("Harbourmaster speaks about the wall\n\n" + (payload + " ") * 3)
    hostile = make_datasette(build(tmp_path, corpus))
    for path in ["/press_atlas/search_everything?q=harbourmaster", "/press_atlas/paragraphs",
                 "/press_atlas/articles", "/press_atlas/articles?_search=harbourmaster"]:
        html = (await get(hostile, path)).text
        assert_no_active_content(html)
        assert "alert(1)" in html  # the text is shown, as text
    html = (await get(hostile, "/press_atlas/search_everything?q=harbourmaster")).text
    assert "<mark>harbourmaster</mark>" in html
    data = (await get(hostile, "/press_atlas/search_everything.json?q=harbourmaster&_shape=array")).json()
    # JSON snippets are HTML-safe too: escaped text, <mark> around matches.
    assert all("<script" not in r["snippet"] and "&lt;script&gt;" in r["snippet"] for r in data)


def assert_no_active_content(html: str) -> None:
    """The payloads (all of which call alert) are nowhere active: not in a
    script, not in an attribute, and no element they tried to inject exists."""
    import lxml.html

    root = lxml.html.fromstring(html)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("img", "iframe", "object", "embed"), lxml.html.tostring(el)
        if el.tag == "script":
            assert "alert(" not in (el.text or ""), el.text
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                assert "alert(" not in value, (el.tag, name, value)
            if name.lower() in ("href", "src", "action", "formaction", "srcdoc"):
                assert not value.strip().lower().startswith("javascript:"), (el.tag, name, value)


async def test_articles_by_outlet(ds):
    data = (await get(ds, "/press_atlas/articles_by_outlet.json?outlet=The+Independent&_shape=array")).json()
    assert [r["author"] for r in data] == ["Namita Singh"]
    everything = (await get(ds, "/press_atlas/articles_by_outlet.json?outlet=&_shape=array")).json()
    assert len(everything) == 17


async def test_copied_passages_between_two_outlets(ds, site_db):
    data = (await get(ds, "/press_atlas/copied_passages.json?outlet=tideandtown.example"
                          "&other=Iberia+Press+Wire&_shape=array")).json()
    assert len(data) >= 5
    blog = rows(site_db, "select id from articles where outlet = 'tideandtown-example'")
    wire = {r[0] for r in rows(site_db, "select id from articles where outlet = 'iberiapresswire-example'")}
    assert {r["article"] for r in data} == {blog[0][0]} and {r["other_article"] for r in data} <= wire
    assert all(r["similarity"] >= 0.5 and r["passage"] and r["other_passage"] for r in data)
    # Either order of the two outlets gives the same pairs, mirrored.
    mirrored = (await get(ds, "/press_atlas/copied_passages.json?outlet=iberiapresswire-example"
                              "&other=tideandtown-example&_shape=array")).json()
    assert sorted((r["other_passage"], r["passage"]) for r in mirrored) == \
        sorted((r["passage"], r["other_passage"]) for r in data)
    csv_text = (await get(ds, "/press_atlas/copied_passages.csv?outlet=tideandtown-example&other=")).text
    assert csv_text.count("\n") > len(data)


async def test_writes_are_refused(ds, site_db):
    before = rows(site_db, "select count(*) from outlets")
    attempts = [
        ds.client.post("/press_atlas/outlets/-/insert", json={"row": {"id": "x", "name": "x"}}),
        ds.client.post("/press_atlas/-/create", json={"table": "t", "row": {"id": 1}}),
        ds.client.post("/press_atlas/search_everything", data={"q": "x"}),
        ds.client.post("/press_atlas/-/execute-write", json={"sql": "delete from outlets"}),
        ds.client.post("/press_atlas/-/queries/store", json={"name": "q", "sql": "select 1"}),
        ds.client.post("/press_atlas/outlets/the-independent/-/delete"),
        ds.client.post("/press_atlas/outlets/-/drop", json={"confirm": True}),
    ]
    for attempt in attempts:
        response = await attempt
        assert 400 <= response.status_code < 500, response.text
    for sql in ["insert into outlets (id, name) values ('x', 'y')", "select 1"]:
        response = await ds.client.get("/press_atlas/-/query", params={"sql": sql})
        assert response.status_code == 403  # no arbitrary SQL on the public site
    # Even an all-powerful actor cannot write: the database is immutable.
    assert ds.get_database("press_atlas").is_mutable is False
    ds.root_enabled = True
    try:
        root = {"ds_actor": ds.client.actor_cookie({"id": "root"})}
        response = await ds.client.post("/press_atlas/outlets/-/insert", json={"row": {"id": "x", "name": "x"}},
                                        cookies=root)
        assert response.status_code == 403 and "immutable" in response.text.lower()
    finally:
        ds.root_enabled = False
    assert rows(site_db, "select count(*) from outlets") == before


async def test_sqlite_limits_on_the_sites_connections(ds):
    """Defence in depth behind the SQL ban: no value over the size limit can be
    made on the site's own connections, whatever query runs there."""
    db = ds.get_database("press_atlas")
    with pytest.raises(Exception, match="too big"):
        await db.execute("select length(randomblob(1000000000))")
    assert (await db.execute("select length(randomblob(1000))")).first()[0] == 1000


async def test_whole_database_download(ds, site_db):
    response = await get(ds, "/press_atlas.db")
    assert response.content[:16] == b"SQLite format 3\x00"
    assert len(response.content) == site_db.stat().st_size


async def test_errors_are_pages_not_tracebacks(ds):
    for path, status in [("/press_atlas/nope", 404), ("/press_atlas/articles/nope", 404), ("/nope.db", 404),
                         ("/press_atlas/articles.json?_sort=nope", 400),
                         ("/press_atlas/articles?_next=%ff", 200), ("/press_atlas/articles?_size=999999", 400),
                         ("/press_atlas/articles?_facet=nope", 400), ("/press_atlas/articles?id__gt=%00", 200),
                         ("/press_atlas/articles.json?_timelimit=abc", 400),
                         ("/press_atlas/who_said_it?q=wall&_timelimit=abc", 400)]:
        response = await ds.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        assert "Traceback" not in response.text


async def test_every_url_in_the_readme_works(ds, site_db):
    import re

    from helpers import REPO

    article_id = rows(site_db, "select id from articles where author = 'Namita Singh'")[0][0]
    readme = (REPO / "README.md").read_text()
    urls = set(re.findall(r"`(/press_atlas/[^`\s]*)`", readme))
    urls |= {u for u in re.findall(r"`(/-/[^`\s]*)`", readme) if "<" not in u}
    assert len(urls) >= 20 and "/-/entities/person:volodymyr-zelensky" in urls
    for url in sorted(urls):
        url = url.replace("<id>", article_id).replace("...", "Kovalenko")
        response = await ds.client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        if ".json" in url:
            data = response.json()
            assert data if isinstance(data, list) else data.get("ok", True), url


async def test_original_bytes_download(ds, site_db, seeds):
    source_id, path = rows(site_db, "select id, path from sources where path like 'seeds/004_%'")[0]
    response = await get(ds, f"/-/raw/{source_id}")
    assert response.content == (seeds.parent / path).read_bytes()
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")
    html = (await get(ds, "/press_atlas/sources")).text
    assert f'href="/-/raw/{source_id}"' in html
    await get(ds, "/-/raw/0000000000000000", status=404)


async def test_coverage_matrix_of_the_sample_story(ds, site_db):
    [(story,)] = rows(site_db, """select story from articles where outlet = 'iberiapresswire-example'
                                   group by story order by count(*) desc limit 1""")
    data = (await get(ds, f"/press_atlas/coverage_matrix.json?story={story}&_shape=array")).json()
    outlets = {o for (o,) in rows(site_db, "select distinct outlet from articles where story = ? and outlet is not null",
                                  [story])}
    cells = {(r["item_type"], r["item"], r["outlet"]): r["status"] for r in data}
    assert len(cells) == len(data)  # one cell per item and outlet
    items = {(t, i) for t, i, _ in cells}
    assert {(t, i, o) for t, i in items for o in outlets} == set(cells)  # a full matrix
    statuses = set(cells.values())
    assert {"verbatim", "paraphrased", "absent", "same number", "different number", "mentioned"} <= statuses
    # A verbatim cell really holds the cluster's words.
    for r in data:
        if r["status"] == "verbatim":
            assert r["label"].lower() in r["detail"].lower()
    csv_text = (await get(ds, f"/press_atlas/coverage_matrix.csv?story={story}")).text
    assert csv_text.splitlines()[0].startswith("item_type,item,label,outlet")


async def test_what_an_outlet_left_out(ds, site_db):
    data = (await get(ds, "/press_atlas/what_outlet_left_out.json?outlet=The+Harbour+Gazette&_shape=array")).json()
    assert {r["item_type"] for r in data} >= {"entity", "figure"}
    mine = {a for (a,) in rows(site_db, "select id from articles where outlet = 'harbourgazette-example'")}
    for r in data:
        assert r["carried_by_outlets"] >= 1 and "The Harbour Gazette" not in (r["carried_by"] or "")
        if r["item_type"] == "entity":
            said = rows(site_db, f"""select count(*) from mentions m
                where m.entity = ? and m.article in ({",".join("?" * len(mine))})""", [r["item"], *mine])
            assert said[0][0] == 0


async def test_articles_mentioning_two_names_any_spelling(ds, site_db):
    data = (await get(ds, "/press_atlas/articles_mentioning.json?x=Zelenskiy&y=Kim+Jong+Un&_shape=array")).json()
    both = {a for (a,) in rows(site_db, """
        select m1.article from mentions m1 join mentions m2 on m2.article = m1.article
        join entities e1 on e1.id = m1.entity join entities e2 on e2.id = m2.entity
        where e1.name = 'Volodymyr Zelensky' and e2.name = 'Kim Jong Un'""")}
    assert {r["article"] for r in data} == both
    only_x = (await get(ds, "/press_atlas/articles_mentioning.json?x=Zelensky&y=&_shape=array")).json()
    assert len(only_x) == 5 and all(r["x_mentions"] > 0 for r in only_x)


async def test_who_appears_with(ds):
    data = (await get(ds, "/press_atlas/who_appears_with.json?x=Zelenskiy&_shape=array")).json()
    names = [r["name"] for r in data]
    assert "Volodymyr Zelensky" not in names
    assert {"Russia", "Ukraine"} <= set(names[:10])
    # Places come with coordinates, so the query's map shows them.
    assert any(r["latitude"] is not None for r in data if r["type"] == "place")


async def test_hiding_the_sort_column_keeps_paging(ds):
    """Datasette 1.0a41 answers 500 when a page that needs a next page hides
    its sort column; the sort column is kept instead."""
    for url in ("/press_atlas/articles?_size=2&_nocol=published", "/press_atlas/articles?_size=2&_col=title",
                "/press_atlas/articles.json?_size=2&_col=title&_col=outlet&_labels=on"):
        response = await get(ds, url)
        assert "Traceback" not in response.text
    data = (await get(ds, "/press_atlas/articles.json?_size=2&_col=title&_labels=on")).json()
    assert data["next"] and set(data["rows"][0]) == {"id", "title", "published"}
    second = (await get(ds, data["next_url"].replace("http://localhost", ""))).json()
    assert {r["id"] for r in second["rows"]}.isdisjoint({r["id"] for r in data["rows"]})


async def test_menu_and_jump_to_script(ds):
    html = (await get(ds, "/")).text
    for href in ("/press_atlas/search_everything", "/-/api", "/press_atlas/articles"):
        assert f'<li><a href="{href}">' in html, href
    # Datasette's "Jump to" element no longer hides Element.matches (which broke
    # axe-core and Playwright); otherwise its script is Datasette's own.
    script = (await get(ds, "/-/static/navigation-search.js")).text
    assert "this.searchMatches" in script and "this.matches" not in script
    assert "customElements.define" in script


async def test_cluster_map_data_requests_answer(ds):
    """datasette-cluster-map asks for `_extra=count&_extra=next_url`, which
    Datasette 1.0a41 refuses (no next_url extra; no count on a query)."""
    qs = "_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects"
    for path in ("/press_atlas/entities.json?type=place&latitude__notblank=1",
                 "/press_atlas/who_appears_with.json?x=Zelenskiy"):
        data = (await get(ds, f"{path}&{qs}")).json()
        assert any(r["latitude"] is not None for r in data["rows"]), path
    table = (await get(ds, f"/press_atlas/entities.json?type=place&{qs}")).json()
    assert table["count"] == len(table["rows"])


# --- Search everything at full size, errors, CORS, base_url (review of issue 8) ---


@pytest.fixture(scope="module")
def stalled_db(site_db, tmp_path_factory):
    return stalled_copy(site_db, tmp_path_factory.mktemp("stalled"))


async def test_search_page_runs_the_search_once(ds):
    """The HTML page is its own route: Datasette's canned-query view (whose
    table the page never showed) no longer runs the search first."""
    db = ds.get_database("press_atlas")
    searches = []
    execute = db.execute

    async def counted(sql, *args, **kwargs):
        if "snippet(" in sql:
            searches.append(sql)
        return await execute(sql, *args, **kwargs)

    db.execute = counted
    try:
        html = (await get(ds, "/press_atlas/search_everything?q=Kovalenko")).text
    finally:
        del db.execute
    assert "<mark>Kovalenko</mark>" in html
    assert len(searches) == 1


async def test_search_that_runs_out_of_time_says_so(stalled_db):
    """At the site's own time limit: the search for STALL_WORD can never
    finish (helpers.stalled_copy), so it runs out of time on any machine."""
    import lxml.html

    site = make_datasette(stalled_db)
    await site.invoke_startup()
    assert (await site.client.get("/press_atlas/search_everything?q=Kovalenko")).status_code == 200
    response = await site.client.get(f"/press_atlas/search_everything?q={STALL_WORD}")
    assert response.status_code == 400 and response.headers["cache-control"] == "no-store"
    page = lxml.html.fromstring(response.text)
    message = page.cssselect("#search-results .message-error")[0].text_content()
    assert "took too long" in message and "more specific words" in message
    assert page.cssselect("input#search-q")[0].get("value") == STALL_WORD  # the form, to try again
    assert "textarea" not in response.text and "paragraphs_fts" not in response.text
    # Another search still answers; the JSON API says why it failed, as JSON.
    narrow = await site.client.get("/press_atlas/search_everything?q=Kovalenko")
    assert narrow.status_code == 200 and "<mark>Kovalenko</mark>" in narrow.text
    data = (await site.client.get(f"/press_atlas/search_everything.json?q={STALL_WORD}")).json()
    assert data["ok"] is False and "too long" in data["error"] and "select" not in data["error"]
    # Any other page that runs out of time: a message, never the SQL.
    table = await site.client.get(f"/press_atlas/outlets?id={STALLED_OUTLET}")
    assert table.status_code == 400 and "too long" in table.text.lower()
    assert "<textarea" not in table.text and "select " not in table.text.lower()


async def test_search_page_shows_the_best_of_each_kind_and_how_many(ds, site_db):
    import lxml.html

    page = lxml.html.fromstring((await get(ds, "/press_atlas/search_everything?q=the")).text)
    [(matched,)] = rows(site_db, """select count(*) from paragraphs_fts
                                    where paragraphs_fts match '"the"*'""")
    assert matched > 20
    group = page.cssselect("#results-paragraph")[0]
    assert len(group.cssselect("li.result")) == 20
    assert f"the best 20 of {matched:,}" in group.cssselect("h2")[0].text_content()
    more = group.cssselect(".all-matches a")[0]
    assert more.text_content() == f"All {matched:,} matching paragraphs"
    listed = (await get(ds, more.get("href").replace("/paragraphs?", "/paragraphs.json?") + "&_extra=count")).json()
    assert listed["count"] == matched
    summary = page.cssselect(".search-summary")[0].text_content()
    assert f"{matched:,} paragraphs" in summary
    # The API: the best 100 of each kind, or fewer with per_type.
    data = (await get(ds, "/press_atlas/search_everything.json?q=the&_shape=array")).json()
    assert sum(r["type"] == "paragraph" for r in data) == min(matched, 100)
    few = (await get(ds, "/press_atlas/search_everything.json?q=the&per_type=3&_shape=array")).json()
    kinds = {r["type"] for r in few}
    assert all(sum(r["type"] == k for r in few) <= 3 for k in kinds) and "paragraph" in kinds


async def test_search_snippets_decode_spellings_and_mark_speakers(site_db, tmp_path):
    """An entity's spellings are a JSON array: shown decoded, never with its
    backslashes; a quote found by its speaker has the speaker marked."""
    import shutil
    import sqlite3

    db = tmp_path / "atlas.db"
    shutil.copy(site_db, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("""update entities set aliases = json_insert(aliases, '$[#]', 'Andrii "The Hammer" Kovalenko')
                        where id = 'person:andry-kovalenko'""")
        conn.execute("insert into entities_fts(entities_fts) values ('rebuild')")
    conn.close()
    site = make_datasette(db)
    data = (await get(site, "/press_atlas/search_everything.json?q=Hammer&_shape=array")).json()
    [entity] = [r for r in data if r["type"] == "entity"]
    assert entity["snippet"] == 'written Andrii "The <mark>Hammer</mark>" Kovalenko'
    quotes = [r for r in (await get(site, "/press_atlas/search_everything.json?q=Kovalenko&_shape=array")).json()
              if r["type"] == "quote"]
    assert quotes and all("<mark>Kovalenko</mark>" in r["speaker_snippet"] for r in quotes)
    import lxml.html

    page = lxml.html.fromstring((await get(site, "/press_atlas/search_everything?q=Kovalenko")).text)
    speakers = [li.cssselect(".meta")[0] for li in page.cssselect("#results-quote li.result")]
    assert speakers and all(m.cssselect("a mark")[0].text_content() == "Kovalenko" for m in speakers)


async def test_unknown_article_or_format_is_a_quiet_404(ds, capfd):
    """A 404 costs a template, not a traceback: nothing is printed (Datasette
    printed every local variable, request headers included, for each one)."""
    capfd.readouterr()
    for path in ("/press_atlas/articles/0000000000000000", "/press_atlas/articles/nope",
                 "/press_atlas/articles.tsv", "/press_atlas/articles/0000000000000000.tsv", "/nowhere"):
        response = await ds.client.get(path, headers={"x-secret": "s3cr3t-header"})
        assert response.status_code == 404, (path, response.status_code)
        assert "Traceback" not in response.text and "s3cr3t" not in response.text
        assert "<h1>Not found</h1>" in response.text, path
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    data = (await ds.client.get("/press_atlas/articles/nope.json")).json()
    assert data["ok"] is False and data["status"] == 404


async def test_server_error_is_one_log_line_and_never_shown(site_db, caplog, capfd):
    import logging

    from datasette import hookimpl
    from datasette.plugins import pm

    class Broken:
        """A page that fails the way a bug would."""

        @hookimpl
        def register_routes(self):
            async def broken(request):
                raise RuntimeError("internal detail\nsecond line")

            return [(r"^/-/broken$", broken)]

    pm.register(Broken(), name="test-broken-page")
    try:
        site = make_datasette(site_db)
        capfd.readouterr()
        with caplog.at_level(logging.ERROR, logger="press_atlas.site"):
            response = await site.client.get("/-/broken?token=abc", headers={"x-secret": "s3cr3t-header"},
                                             cookies={"session": "s3cr3t-cookie"})
    finally:
        pm.unregister(name="test-broken-page")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "internal detail" not in response.text and "Traceback" not in response.text
    [record] = [r for r in caplog.records if r.name == "press_atlas.site"]
    line = record.getMessage()
    assert "\n" not in line and "RuntimeError" in line and "/-/broken" in line and "internal detail" in line
    assert "s3cr3t" not in line
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "s3cr3t" not in out + err


async def test_json_api_allows_any_origin(ds):
    for path in ("/press_atlas/articles.json?_size=1", "/press_atlas/search_everything.json?q=Kovalenko",
                 "/press_atlas/articles.csv?_size=1", "/press_atlas/articles/nope.json"):
        response = await ds.client.get(path, headers={"origin": "https://notebook.example"})
        assert response.headers.get("access-control-allow-origin") == "*", path


async def test_every_link_honours_base_url(site_db):
    """Served under a prefix (a proxy's /atlas/), every link and script on
    the pages points inside it, and the links work."""
    import lxml.html
    from datasette.utils import PrefixedUrlString

    site = make_datasette(site_db, settings={"base_url": "/atlas/"})
    [(article, story)] = rows(site_db, "select id, story from articles where author = 'Namita Singh'")
    [(cluster,)] = rows(site_db, "select id from quote_clusters limit 1")
    pages = ["/", f"/press_atlas/articles/{article}", "/-/entities/person%3Aandry-kovalenko", f"/-/stories/{story}",
             f"/-/quote-clusters/{cluster}", "/-/api", "/press_atlas/search_everything?q=Kovalenko",
             "/press_atlas/articles/nope", "/press_atlas/quote_clusters/" + cluster]
    links = set()
    for path in pages:
        response = await site.client.get(path)
        assert response.status_code in (200, 404), path
        for el in lxml.html.fromstring(response.text).iter():
            for name in ("href", "src", "action"):
                value = el.get(name) if isinstance(el.tag, str) else None
                if value and value.startswith("/") and not value.startswith("//"):
                    assert value.startswith("/atlas/"), (path, el.tag, value)
                    links.add(value.split("#")[0])
    checked = 0
    for link in sorted(links):
        if link.endswith(".db") or "/-/raw/" in link:
            continue
        response = await site.client.get(PrefixedUrlString(link))
        assert response.status_code == 200, (link, response.status_code)
        checked += 1
    assert checked > 40
