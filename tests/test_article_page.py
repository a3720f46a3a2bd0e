"""The article page: the body from its Markdown, sanitised, with quotes,
speakers and names marked by their stored offsets; its map, story, copies,
credits and the cut blocks; nothing from a hostile page able to run."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import sqlite3

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import build, rows
from ingest.site import article, article_body, make_datasette

INDEPENDENT = "707a23a156d80705"  # the seed article from The Independent


async def page_of(ds, article_id):
    response = await ds.client.get(f"/press_atlas/articles/{article_id}")
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


@pytest.mark.shared
@pytest.mark.nlp
async def test_article_page_shows_the_article(ds, site_db):
    [(title, author, published, words)] = rows(
        site_db, "select title, author, published, word_count from articles where id = ?", [INDEPENDENT])
    page = await page_of(ds, INDEPENDENT)
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


@pytest.mark.shared
@pytest.mark.nlp
async def test_quotes_are_highlighted_with_their_speakers(ds, site_db):
    page = await page_of(ds, INDEPENDENT)
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


@pytest.mark.shared
@pytest.mark.nlp
async def test_every_mention_links_to_its_entity_page(ds, site_db):
    page = await page_of(ds, INDEPENDENT)
    links = page.cssselect(".article-body a.mention")
    stored = rows(site_db, "select text, entity from mentions where article = ?", [INDEPENDENT])
    assert sorted((a.text_content(), a.get("href")) for a in links) == \
        sorted((text, "/-/entities/" + entity.replace(":", "%3A")) for text, entity in stored)
    for href in sorted({a.get("href") for a in links})[:12]:
        assert (await ds.client.get(href)).status_code == 200, href


@pytest.mark.shared
@pytest.mark.nlp
async def test_map_story_copies_credits_and_cuts(ds, site_db):
    page = await page_of(ds, INDEPENDENT)
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


@pytest.mark.shared
@pytest.mark.nlp
async def test_a_copy_says_what_it_copies(ds, site_db):
    [(copy, original)] = rows(site_db, "select id, duplicate_of from articles where duplicate_of = ?", [INDEPENDENT])
    page = await page_of(ds, copy)
    notice = page.cssselect(".notice")[0]
    assert "is a copy" in notice.text_content()
    assert notice.cssselect(f'a[href="/press_atlas/articles/{original}"]')


@pytest.mark.shared
@pytest.mark.nlp
async def test_json_and_csv_links_of_the_row(ds, site_db):
    page = await page_of(ds, INDEPENDENT)
    links = {a.text_content(): a.get("href") for a in page.cssselect(".article-links a")}
    data = (await ds.client.get(links["JSON"])).json()
    assert data["rows"][0]["id"] == INDEPENDENT
    labelled = (await ds.client.get(links["JSON with labels"])).json()
    assert labelled[0]["outlet"] == {"value": "the-independent", "label": "The Independent"}
    response = await ds.client.get(links["CSV"])
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
    html = article_body.sanitised_html(markdown)
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
    article_body.annotate_block(block, annotations)
    chars = _characters(block)
    assert "".join(c for c, _ in chars) == text
    for tag in ("mark", "a"):
        expected = {i for a in annotations if a["tag"] == tag for i in range(a["start"], a["end"])}
        assert {i for i, (_, tags) in enumerate(chars) if tag in tags} == expected, tag


@pytest.mark.nlp
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
    # The build escapes text that looks like Markdown or HTML; a stored body
    # must be safe to render whatever it holds, so one is given the raw payload.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update articles set body_markdown = body_markdown || '\n\n' || ? "
                     "where id = (select min(id) from articles where title != 'Links')", [payload])
    conn.close()
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


# --- Matching, marking at scale, caching (review of issue 8) ---


PLAIN_TEXT = """Harbour council publishes its lessons from the flood

{points}

# 5 reasons the wall failed

> "We were told the wall would hold," said Ricardo Pinto, the mayor of Aveiro.

![the breached wall](https://example.org/wall.png) shows the breach near Lisbon.

* Keep sandbags ready in Porto.

+ Fund the repairs, Helena Marques said in Coimbra.

"The storm surge was the worst in forty years," Helena Marques told reporters in Aveiro on Tuesday.

Ricardo Pinto said the council would meet in Lisbon next week.
"""


@pytest.fixture(scope="module")
def markdown_looking_db(tmp_path_factory):
    """A plain-text article whose lines look like Markdown: numbered points,
    a heading, a blockquote, an image, bullets."""
    folder = tmp_path_factory.mktemp("markdown-looking")
    corpus = folder / "feed"
    corpus.mkdir()
    points = "\n\n".join(f"{n}. Check the sea wall in Aveiro every spring, said Helena Marques ({n})."
                         for n in range(1, 11))
    (corpus / "lessons.txt").write_text(PLAIN_TEXT.format(points=points), encoding="utf-8")
    return build(folder, corpus)


def assert_every_paragraph_anchored_and_marked(page, db, article):
    body = page.cssselect(".article-body")[0]
    stored = rows(db, "select id, position, text from paragraphs where article = ? order by position", [article])
    assert len(stored) >= 17
    for pid, position, text in stored:
        [block] = body.cssselect(f"#p-{position}")
        quotes = rows(db, "select text from quotes where paragraph = ?", [pid])
        marked = [" ".join(m.text_content().split()) for m in block.cssselect("mark.quote")]
        assert marked == [" ".join(t.split()) for (t,) in quotes], (position, text)
        mentions = rows(db, "select text from mentions where paragraph = ? order by start", [pid])
        assert [a.text_content() for a in block.cssselect("a.mention")] == [t for (t,) in mentions], (position, text)
    assert rows(db, "select count(*) from quotes")[0][0] >= 2 and rows(db, "select count(*) from mentions")[0][0] >= 15


@pytest.mark.nlp
async def test_markdown_looking_lines_keep_their_anchors_and_marks(markdown_looking_db, tmp_path):
    """Every paragraph gets its #p-N anchor and every quote and name its mark,
    as built (the Markdown escaped) and as an older database holds it (the
    same lines rendered as a list, a heading, a blockquote, a link: more than
    eight blocks in a row that read differently from their paragraphs)."""
    import shutil

    [(article,)] = rows(markdown_looking_db, "select id from articles")
    page = await page_of(make_datasette(markdown_looking_db), article)
    assert_every_paragraph_anchored_and_marked(page, markdown_looking_db, article)

    older = tmp_path / "older.db"
    shutil.copy(markdown_looking_db, older)
    conn = sqlite3.connect(older)
    with conn:
        conn.execute("""update articles set body_markdown = (select group_concat(text, char(10) || char(10))
                        from (select text from paragraphs where article = articles.id order by position))""")
    conn.close()
    site = make_datasette(older)
    page = await page_of(site, article)
    body = page.cssselect(".article-body")[0]
    assert len(body.cssselect("ol > li")) >= 10 and body.cssselect("h2") and body.cssselect("blockquote p")
    assert_every_paragraph_anchored_and_marked(page, older, article)


def test_alignment_skips_blocks_and_paragraphs_without_counterparts():
    blocks = ["Advertisement"] * 12 + ["First point", "Second point", "A caption", "Third paragraph.",
                                       "Fourth paragraph."]
    paragraphs = ["1. First point", "2. Second point", "A stale paragraph no longer in the body", "Third paragraph.",
                  "Fourth paragraph."]
    pairs = {(p.block, p.paragraph) for p in article_body.align_blocks(blocks, paragraphs)}
    assert pairs == {(12, 0), (13, 1), (15, 3), (16, 4)}
    # A paragraph rendered as several blocks (a list) pairs with each of them.
    pairs = [(p.block, p.paragraph) for p in article_body.align_blocks(["One", "Two", "After."],
                                                                       ["1. One 2. Two", "After."])]
    assert pairs == [(0, 0), (1, 0), (2, 1)]


def _mentions(count: int) -> tuple[str, list[dict]]:
    text = " ".join(["Paris"] * count)
    return text, [{"paragraph": "p0", "start": i * 6, "end": i * 6 + 5, "entity": "place:paris", "name": "Paris",
                   "type": "place"} for i in range(count)]


def test_five_thousand_names_in_one_paragraph_are_all_marked():
    text, mentions = _mentions(5000)
    quotes = [{"paragraph": "p0", "start": i * 60, "end": i * 60 + 11, "kind": "direct", "speaker_name": "Anne",
               "speaker_entity": "person:anne"} for i in range(500)]
    body = article_body.render_body(text, [{"id": "p0", "position": 0, "text": text}], quotes, mentions)
    assert body["annotations"] == 5500
    tree = lxml.html.fragment_fromstring(body["html"], create_parent="div")
    links = tree.cssselect("a.mention")
    assert len(links) == 5000 and {a.text_content() for a in links} == {"Paris"}
    assert len(tree.cssselect(".quote-speaker")) == 500
    for tag in tree.cssselect(".quote-speaker"):
        tag.drop_tree()
    chars = _characters(tree)
    assert "".join(c for c, _ in chars).strip() == text
    assert sum("mark" in tags for _, tags in chars) == 500 * 11


def _lines_run(function, *args) -> int:
    """How many lines of article_body.py a call executes: its work,
    counted, whatever the machine's speed."""
    import sys

    plugin_file = article_body.__file__
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != plugin_file:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    return count


def test_marking_work_grows_linearly_with_the_marks():
    """Four times the names in a paragraph: about four times the work (it
    was sixteen: each piece of text looked at every mark)."""
    work = {}
    for count in (250, 1000):
        text, mentions = _mentions(count)
        work[count] = _lines_run(article_body.render_body, text,
                                 [{"id": "p0", "position": 0, "text": text}], [], mentions)
    assert work[1000] < 5 * work[250], work


@pytest.mark.shared
@pytest.mark.nlp
async def test_bodies_are_rendered_once_and_off_the_event_loop(ds, site_db, monkeypatch):
    import threading

    threads = []
    render = article.render_body

    def recorded(*args):
        threads.append(threading.current_thread())
        return render(*args)

    monkeypatch.setattr(article, "render_body", recorded)
    monkeypatch.setattr(article, "bodies", article.BoundedCache(2))
    ids = [a for (a,) in rows(site_db, "select id from articles order by id limit 3")]
    for aid in [ids[0], ids[0], ids[1], ids[0], ids[2], ids[1]]:
        await page_of(ds, aid)
    # Rendered when first asked for, and again only once pushed out of the cache (two bodies).
    assert len(threads) == 4 and article.bodies.hits == 2
    assert all(t is not threading.main_thread() for t in threads)
    assert len(article.bodies.items) == 2


def test_control_characters_in_names_render():
    """lxml refuses control characters; scraped names may hold them."""
    text = "He said hello there in Paris."
    quote = {"paragraph": "p0", "start": 8, "end": 13, "kind": "direct", "speaker_name": "A\x01n\x00n\ud800e",
             "speaker_entity": "person:anne\x0b"}
    mention = {"paragraph": "p0", "start": 23, "end": 28, "entity": "place:paris", "name": "Pa\x1fris",
               "type": "pla\x02ce"}
    body = article_body.render_body(text, [{"id": "p0", "position": 0, "text": text}], [quote], [mention])
    tree = lxml.html.fragment_fromstring(body["html"], create_parent="div")
    assert tree.cssselect("mark.quote")[0].text_content() == "hello"
    assert tree.cssselect(".quote-speaker a")[0].text_content() == "Anne"
    assert tree.cssselect("a.mention")[0].get("title") == "Paris (place)"
    assert body["annotations"] == 2


@pytest.mark.shared
@pytest.mark.nlp
async def test_long_lists_say_they_are_cut(ds, site_db, monkeypatch):
    monkeypatch.setattr(article, "MAX_ROWS", 2)
    monkeypatch.setattr(article, "MAX_FIGURES", 1)
    [(quotes,)] = rows(site_db, "select count(*) from quotes where article = ?", [INDEPENDENT])
    [(figures,)] = rows(site_db, "select count(*) from figures where article = ?", [INDEPENDENT])
    assert quotes > 2 and figures > 1
    page = await page_of(ds, INDEPENDENT)
    assert len(page.cssselect(".quote-list > li")) == 2
    note = page.cssselect(".article-quotes .more")[0]
    assert f"The first 2 of {quotes} quotes" in note.text_content()
    assert (await ds.client.get(note.cssselect("a")[0].get("href"))).status_code == 200
    figures_note = page.cssselect(".aside-figures .more")[0]
    assert f"The first 1 of {figures}" in figures_note.text_content()
    link = figures_note.cssselect("a")[0].get("href")
    assert link == f"/press_atlas/figures?article={INDEPENDENT}"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab “”,."), min_size=1, max_size=60),
       quotes=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), min_size=1, max_size=4),
       mentions=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10)), max_size=3))
def test_quotes_overlapping_with_their_speakers(text, quotes, mentions):
    """Overlapping quotes, each followed by its speaker's tag, and names
    inside them: the text is unchanged once the tags are taken out, each
    tag comes right after its quote's last character, and the marks cover
    exactly the quoted and named characters."""
    text = " ".join(text.split())
    if not text:
        return
    quotes = [(s, min(s + n, len(text))) for s, n in quotes if s < len(text)]
    mentions = [(s, min(s + n, len(text))) for s, n in mentions if s < len(text)]
    annotations = [{"start": s, "end": e, "tag": "mark", "attrs": {"class": "quote", "title": f"q{n}"},
                    "after": article_body._speaker_tag({"speaker_name": f"Speaker{n}", "speaker_entity": None},
                                                       None)}
                   for n, (s, e) in enumerate(quotes)]
    annotations += [{"start": s, "end": e, "tag": "a", "attrs": {"class": "mention", "href": "/-/entities/x"}}
                    for s, e in mentions]
    block = lxml.html.fragment_fromstring(f"<p>{htmllib.escape(text)}</p>")
    assert article_body.annotate_block(block, annotations) == len(annotations)
    assert sorted(_speaker_positions(block)) == sorted((f"Speaker{n}", e) for n, (s, e) in enumerate(quotes))
    for tag in block.cssselect(".quote-speaker"):
        tag.drop_tree()
    chars = _characters(block)
    assert "".join(c for c, _ in chars) == text
    assert {i for i, (_, tags) in enumerate(chars) if "mark" in tags} == {i for s, e in quotes for i in range(s, e)}
    assert {i for i, (_, tags) in enumerate(chars) if "a" in tags} == {i for s, e in mentions for i in range(s, e)}


def _speaker_positions(block) -> list[tuple[str, int]]:
    """Each speaker tag's name, with how many characters of text precede it."""
    found, seen = [], 0

    def walk(el):
        nonlocal seen
        if el.get("class") == "quote-speaker":
            found.append((el.text_content().removeprefix("quote by "), seen))
            return
        seen += len(el.text or "")
        for child in el:
            walk(child)
            seen += len(child.tail or "")

    walk(block)
    return found
