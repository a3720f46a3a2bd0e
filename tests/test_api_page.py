"""The API page: every documented URL answers, and every CSV it documents
is safe to open in a spreadsheet, even when the articles are hostile."""

from __future__ import annotations

import csv
import io
import json

import lxml.html
import pytest

from helpers import build, rows
from ingest.site import make_datasette

pytestmark = pytest.mark.nlp

FORMULAS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory):
    """Articles whose every text field is a spreadsheet formula."""
    folder = tmp_path_factory.mktemp("formulas")
    corpus = folder / "feed"
    corpus.mkdir()
    records = [{"url": f"https://evil{n}.example/a", "title": f'=HYPERLINK("http://evil.example/{n}","click") sea wall',
                "outlet": "@SUM(1+1)", "author": "+cmd|' /C calc'!A0", "published": f"2025-10-1{n}",
                "text": f"-2+3 sea wall report number {n}: the wall failed and the harbour flooded.\n\n"
                        "=1+1 and the mayor said it was a disgrace."}
               for n in range(3)]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    return build(folder, corpus)


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell


async def api_examples(ds):
    response = await ds.client.get("/-/api")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    return page, [a.get("href") for a in page.cssselect(".api-url a")]


@pytest.mark.shared
async def test_every_example_is_live(ds):
    page, urls = await api_examples(ds)
    documented = " ".join(urls)
    for parameter in ("_shape=array", "_labels=on", "_col=", "_sort=", "_sort_desc=", "_search=", "_next=",
                      "_facet=", "_dl=1", "_stream=on", ".csv", "_nocol="):
        assert parameter in documented, parameter
    statuses = [p.text_content().split(" · ")[0] for p in page.cssselect(".api-example .meta")]
    assert statuses and set(statuses) == {"200"}
    for url in urls:
        response = await ds.client.get(url)
        assert response.status_code == 200, url
        if ".json" in url and "_nl=on" not in url:
            data = response.json()
            assert data if isinstance(data, (list, dict)) else False, url
    # The _next example really is the second page of the first.
    first = next(u for u in urls if u.endswith("_size=2&_col=title"))
    second = next(u for u in urls if "_next=" in u)
    one = (await ds.client.get(first)).json()
    two = (await ds.client.get(second)).json()
    assert {r["id"] for r in one["rows"]}.isdisjoint({r["id"] for r in two["rows"]})
    # Live: the excerpt shown is the start of what the URL answers.
    example = page.cssselect(".api-example")[0]
    url = example.cssselect(".api-url a")[0].get("href")
    shown = example.cssselect("pre")[0].text_content()
    answer = json.dumps((await ds.client.get(url)).json(), indent=2, ensure_ascii=False)
    assert answer.startswith(shown.rstrip("\n…"))


async def test_documented_csv_is_spreadsheet_safe(formula_db):
    ds = make_datasette(formula_db)
    await ds.invoke_startup()
    _, urls = await api_examples(ds)
    [(article,)] = rows(formula_db, "select id from articles limit 1")
    csv_urls = [u for u in urls if ".csv" in u] + [
        "/press_atlas/articles.csv?_labels=on", "/press_atlas/articles.csv?_stream=on",
        f"/press_atlas/articles/{article}.csv", "/press_atlas/paragraphs.csv?_search=wall",
        "/press_atlas/search_everything.csv?q=sea+wall", "/press_atlas/outlets.csv?_dl=1",
    ]
    assert len([u for u in urls if ".csv" in u]) >= 4
    checked = 0
    for url in csv_urls:
        response = await ds.client.get(url)
        assert response.status_code == 200, url
        for row in csv.reader(io.StringIO(response.text)):
            for cell in row:
                assert not cell.startswith(FORMULAS) or is_number(cell), (url, cell)
                checked += cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@")
    assert checked >= 10  # the hostile values were there, neutralised


async def test_empty_database_shows_notes_not_failing_examples(tmp_path):
    """A database with one article and nothing else: the examples that need
    a name, a statement or a story say so instead of showing a live 404."""
    corpus = tmp_path / "feed"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text(json.dumps({"url": "https://a.example/1", "outlet": "A", "title": "Only",
                                                   "text": "One short paragraph."}))
    db = build(tmp_path, corpus, args=("--no-nlp",))
    assert rows(db, "select count(*) from entities")[0][0] == 0
    ds = make_datasette(db)
    page, urls = await api_examples(ds)
    statuses = [p.text_content().split(" · ")[0] for p in page.cssselect(".api-example .meta")]
    assert statuses and set(statuses) == {"200"}
    notes = [n.text_content() for n in page.cssselect(".api-note")]
    assert any("no names" in n for n in notes) and any("no quoted statements" in n for n in notes)
    assert not [u for u in urls if "ENTITY_ID" in u or "CLUSTER_ID" in u]
    for url in urls:
        assert (await ds.client.get(url)).status_code == 200, url


@pytest.mark.shared
async def test_examples_show_this_sites_address_but_no_forged_host(ds):
    page = (await ds.client.get("/-/api", headers={"host": "atlas.example:8443"})).text
    assert "http://atlas.example:8443/press_atlas/articles.json" in page  # next_url, as this site's
    forged = (await ds.client.get("/-/api", headers={"host": 'evil.example"><x'})).text
    assert "evil.example" not in forged and "http://localhost/press_atlas/articles.json" in forged
