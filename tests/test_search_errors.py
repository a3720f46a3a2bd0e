"""A table search SQLite's full-text index cannot read (a lone quote
mark, an operator on its own) answers in plain words: never a page titled
"Invalid SQL", never SQL."""

from __future__ import annotations

import json

import lxml.html
import pytest

pytestmark = [pytest.mark.shared, pytest.mark.nlp]


# A table search SQLite cannot read: a plain message, never "Invalid SQL" or SQL.
@pytest.mark.parametrize("table", ["paragraphs", "articles", "quotes", "entities"])
@pytest.mark.parametrize("search", ['"', '"""', 'NEAR(" AND'])
async def test_malformed_table_search_answers_in_plain_words(ds, table, search):
    for query in ({"_search": search}, {"_search": search, "_searchmode": "raw"}):
        page = await ds.client.get(f"/press_atlas/{table}", params=query)
        assert page.status_code in (200, 400)
        tree = lxml.html.fromstring(page.text)
        title = tree.findtext(".//title")
        assert "Invalid SQL" not in page.text and "_fts match" not in page.text and "fts5" not in page.text
        if page.status_code == 400:
            assert title.startswith("Search not understood")
            message = tree.cssselect(".message-error")[0].text_content()
            assert "search could not be read" in message
            assert "fts" not in message.lower() and "select" not in message.lower()
        data = await ds.client.get(f"/press_atlas/{table}.json", params=query)
        assert data.status_code in (200, 400)
        if data.status_code == 400:
            body = data.json()
            assert body["title"] == "Search not understood" and "search could not be read" in body["error"]
            assert "select " not in json.dumps(body).lower()


async def test_searches_that_read_still_work(ds):
    r = await ds.client.get("/press_atlas/paragraphs.json", params={"_search": "AND", "_shape": "array"})
    assert r.status_code == 200  # a word like any other
    r = await ds.client.get("/press_atlas/paragraphs.json", params={"_search": "Zelensky", "_shape": "array"})
    assert r.status_code == 200 and r.json()
