"""The article page: the body from its Markdown, sanitised, with quotes,
speakers and names marked by their stored offsets; its map, story, copies,
credits and the cut blocks; nothing from a hostile page able to run."""

from __future__ import annotations

import csv
import html as htmllib
import importlib.util
import io
import json

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, build, rows
from ingest.site import make_datasette

INDEPENDENT = "707a23a156d80705"  # the seed article from The Independent


def load_plugin(name: str):
    spec = importlib.util.spec_from_file_location(f"plugin_{name}", REPO / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


article_page = load_plugin("article_page")


@pytest.fixture(scope="module")
async def site(site_db):
    ds = make_datasette(site_db)
    await ds.invoke_startup()
    return ds


async def page_of(site, article_id):
    response = await site.client.get(f"/press_atlas/articles/{article_id}")
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


async def test_article_page_shows_the_article(site, site_db):
    [(title, author, published, words)] = rows(
        site_db, "select title, author, published, word_count from articles where id = ?", [INDEPENDENT])
    page = await page_of(site, INDEPENDENT)
    assert page.cssselect("h1#article-title")[0].text_content() == title
    assert page.cssselect(".kicker a")[0].text_content() == "The Independent"
    byline = page.cssselect(".byline")[0].text_content()
    assert author in byline and f"{words:,} words" in byline
    assert page.cssselect(".byline time")[0].get("datetime") == published
    # Every stored paragraph is a block of the rendered body, in order, with its
    # anchor (the speaker tags after quotes aside).
    body = page.cssselect(".article-body")[0]
    for tag in body.cssselect(".quote-speaker"):
        tag.drop_tree()
    stored = rows(site_db, "select position, text from paragraphs where article = ? order by position", [INDEPENDENT])
    blocks = [(el.get("id"), " ".join(el.text_content().split())) for el in body.cssselect("[id^=p-]")]
    assert blocks == [(f"p-{pos}", text) for pos, text in stored]


async def test_quotes_are_highlighted_with_their_speakers(site, site_db):
    page = await page_of(site, INDEPENDENT)
    body = page.cssselect(".article-body")[0]
    quotes = rows(site_db, """select q.text, p.position, coalesce(e.name, q.speaker_resolved), q.speaker_entity
                              from quotes q join paragraphs p on p.id = q.paragraph left join entities e
                              on e.id = q.speaker_entity where q.article = ?""", [INDEPENDENT])
    assert len(quotes) >= 3
    for text, position, speaker, entity in quotes:
        block = body.cssselect(f"#p-{position}")[0]
        marked = "".join(m.text_content() for m in block.cssselect("mark.quote"))
        assert " ".join(text.split()) in " ".join(marked.split())
        tags = [t.text_content() for t in block.cssselect(".quote-speaker")]
        assert any(speaker in t for t in tags), (speaker, tags)
        if entity:
            assert block.cssselect(f'.quote-speaker a[href="/-/entities/{entity.replace(":", "%3A")}"]')
    # ... and listed below, each with a link to every version of the statement.
    listed = page.cssselect(".quote-list > li")
    assert len(listed) == len(quotes)
    clusters = {c for (c,) in rows(site_db, "select cluster from quotes where article = ? and cluster is not null",
                                   [INDEPENDENT])}
    hrefs = {a.get("href") for a in page.cssselect(".quote-list a")}
    assert {f"/-/quote-clusters/{c}" for c in clusters} <= hrefs


async def test_every_mention_links_to_its_entity_page(site, site_db):
    page = await page_of(site, INDEPENDENT)
    links = page.cssselect(".article-body a.mention")
    stored = rows(site_db, "select text, entity from mentions where article = ?", [INDEPENDENT])
    assert sorted((a.text_content(), a.get("href")) for a in links) == \
        sorted((text, "/-/entities/" + entity.replace(":", "%3A")) for text, entity in stored)
    for href in sorted({a.get("href") for a in links})[:12]:
        assert (await site.client.get(href)).status_code == 200, href


async def test_map_story_copies_credits_and_cuts(site, site_db):
    page = await page_of(site, INDEPENDENT)
    places = json.loads(page.cssselect("script#article-places")[0].text)
    expected = rows(site_db, """select distinct e.name, e.latitude, e.longitude from mentions m
                                join entities e on e.id = m.entity
                                where m.article = ? and e.type = 'place' and e.latitude is not null""", [INDEPENDENT])
    assert sorted((p["name"], p["lat"], p["lon"]) for p in places) == sorted(expected)
    assert page.cssselect('.place-map[data-places="article-places"]')
    # Its story and the story's other articles; the copy made of it.
    [(story,)] = rows(site_db, "select story from articles where id = ?", [INDEPENDENT])
    assert page.cssselect(f'.aside-story a[href="/-/stories/{story}"]')
    others = rows(site_db, "select id from articles where story = ? and id != ?", [story, INDEPENDENT])
    story_links = {a.get("href") for a in page.cssselect(".aside-story li a")}
    assert story_links == {f"/press_atlas/articles/{a}" for (a,) in others}
    copies = rows(site_db, "select id from articles where duplicate_of = ?", [INDEPENDENT])
    assert copies and all(page.cssselect(f'.aside-copies a[href="/press_atlas/articles/{c}"]') for (c,) in copies)
    credits = rows(site_db, "select agency, text from credits where article = ?", [INDEPENDENT])
    shown = page.cssselect(".aside-credits")[0].text_content()
    assert credits and all(agency in shown and text in shown for agency, text in credits)
    # What the cleaner cut: every block, with its reason, inside a closed <details>.
    details = page.cssselect("details.cut-blocks")[0]
    assert details.get("open") is None
    cut = rows(site_db, "select text, reason from removed_blocks where article = ? order by position", [INDEPENDENT])
    items = details.cssselect(".cut-list > li")
    assert [li.cssselect("p")[0].text_content() for li in items] == [t for t, _ in cut]
    assert all(reason in li.text_content() for li, (_, reason) in zip(items, cut))
    assert f"({len(cut)} blocks)" in details.cssselect("summary")[0].text_content()


async def test_a_copy_says_what_it_copies(site, site_db):
    [(copy, original)] = rows(site_db, "select id, duplicate_of from articles where duplicate_of = ?", [INDEPENDENT])
    page = await page_of(site, copy)
    notice = page.cssselect(".notice")[0]
    assert "is a copy" in notice.text_content()
    assert notice.cssselect(f'a[href="/press_atlas/articles/{original}"]')


async def test_json_and_csv_links_of_the_row(site, site_db):
    page = await page_of(site, INDEPENDENT)
    links = {a.text_content(): a.get("href") for a in page.cssselect(".article-links a")}
    data = (await site.client.get(links["JSON"])).json()
    assert data["rows"][0]["id"] == INDEPENDENT
    labelled = (await site.client.get(links["JSON with labels"])).json()
    assert labelled[0]["outlet"] == {"value": "the-independent", "label": "The Independent"}
    response = await site.client.get(links["CSV"])
    assert response.headers["content-disposition"].startswith("attachment")
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["id"] == INDEPENDENT and row["outlet_label"] == "The Independent"
    [(source,)] = rows(site_db, "select source from articles where id = ?", [INDEPENDENT])
    assert links["the input as received"] == f"/-/raw/{source}"


def test_markdown_is_rendered_and_nothing_executable_survives():
    markdown = ("## A subhead\n\nSome *emphasis* and a [link](https://example.org/x) and "
                "[bad](javascript:alert(1)) and [worse](JAVASCRIPT:alert(2)) and "
                "[data](data:text/html;base64,PHNjcmlwdD4=).\n\n"
                "<script>alert(3)</script>\n\n<img src=x onerror=alert(4)>\n\n"
                "![a photo](https://tracker.example/pixel.png)\n\n"
                '<a href="javascript:alert(5)" onclick="alert(6)">raw</a>\n\n- one\n- two\n\n> quoted')
    html = article_page.sanitised_html(markdown)
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [h.tag for h in tree.iter("h1", "h2", "h3")] == ["h3"]  # demoted under the page's <h1>
    assert tree.cssselect("em") and tree.cssselect("ul > li") and tree.cssselect("blockquote")
    assert {a.get("href") for a in tree.iter("a") if a.get("href")} == {
        "https://example.org/x", "https://tracker.example/pixel.png"}
    assert not list(tree.iter("script", "img", "iframe"))
    for el in tree.iter():
        assert not any(name.startswith("on") for name in el.attrib)
    # The raw HTML is still there to read, as text.
    assert "<script>alert(3)</script>" in tree.text_content()
    assert "onerror=alert(4)" in tree.text_content()


def _characters(el, inside=frozenset()):
    """(character, tags it is inside) for the text of an element, in order."""
    inside = inside | {el.tag}
    out = [(c, inside) for c in el.text or ""]
    for child in el:
        out += _characters(child, inside)
        out += [(c, inside) for c in child.tail or ""]
    return out


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text(alphabet=st.sampled_from("ab *_<>&\"'"), min_size=1, max_size=12),
                      min_size=1, max_size=8),
       spans=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 30), st.booleans()), max_size=6))
def test_annotations_never_change_the_text(words, spans):
    """Whatever the offsets, marking quotes and names in a block (across its
    inline elements) leaves its text as it was, and marks exactly the
    characters the offsets cover."""
    text = " ".join(" ".join(words).split())
    if not text:
        return
    block = lxml.html.fragment_fromstring(f"<p>{htmllib.escape(text[:5])}<em>{htmllib.escape(text[5:12])}"
                                          f"</em>{htmllib.escape(text[12:])}</p>")
    annotations = [{"start": s, "end": min(s + n, len(text)), "tag": "mark" if q else "a",
                    "attrs": {"class": "quote" if q else "mention", "href": None if q else "/-/entities/x"}}
                   for s, n, q in spans if s < len(text)]
    article_page.annotate_block(block, annotations)
    chars = _characters(block)
    assert "".join(c for c, _ in chars) == text
    for tag in ("mark", "a"):
        expected = {i for a in annotations if a["tag"] == tag for i in range(a["start"], a["end"])}
        assert {i for i, (_, tags) in enumerate(chars) if tag in tags} == expected, tag


async def test_hostile_article_is_inert(tmp_path):
    payload = ('<script>alert(1)</script> and <img src=x onerror=alert(2)> and '
               '<a href="javascript:alert(3)">a link</a>')
    records = [{"url": f"https://o{n}.example/a", "title": f"<script>alert(4)</script> Report {n}",
                "outlet": f"o{n}.example", "published": f"2025-10-1{n}", "author": '<img src=x onerror=alert(5)>',
                "text": f"\u201cThe wall failed us all and somebody will answer for it {payload},\u201d "
                        f"Helena Marques said on Tuesday in Lisbon.\n\nThe mayor of Aveiro {payload} spoke."}
               for n in range(3)]
    records.append({"url": "javascript:alert(6)", "title": "Links", "outlet": "o9.example",
                    "html": '<html><body><article><h1>Links</h1><p>Read <a href="javascript:alert(7)">this '
                            'report</a> about the Aveiro sea wall, which failed after sixteen years of '
                            'service and flooded the old town.</p><p><img src="x" onerror="alert(8)">The '
                            'storm surge breached the wall on Tuesday morning, the council said.</p>'
                            '</article></body></html>'})
    corpus = tmp_path / "feed"
    corpus.mkdir()
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    ds = make_datasette(db)
    stored = " ".join(m for (m,) in rows(db, "select body_markdown from articles"))
    assert "<script>" in stored and "onerror=" in stored and "javascript:" in stored
    assert rows(db, "select count(*) from quotes")[0][0] >= 3  # the payload sits inside quotes too
    for (aid,) in rows(db, "select id from articles"):
        response = await ds.client.get(f"/press_atlas/articles/{aid}")
        assert response.status_code == 200
        tree = lxml.html.fromstring(response.text)
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag == "script":
                assert "alert(" not in (el.text or "") or el.get("type") == "application/json", el.text
            assert el.tag not in ("img", "iframe", "object", "embed")
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (el.tag, name)
                assert not value.strip().lower().startswith("javascript:"), (el.tag, name, value)
        # What the page says is shown, as text: the payloads too.
        [(markdown,)] = rows(db, "select body_markdown from articles where id = ?", [aid])
        if "<script>alert(1)</script>" in markdown:
            assert "<script>alert(1)</script>" in tree.cssselect(".article-body")[0].text_content()
        if "javascript:alert(7)" in markdown:
            assert "this report" in tree.cssselect(".article-body")[0].text_content()
