"""The article page: /press_atlas/articles/<id> read like an article.

The row template (templates/row-press_atlas-articles.html) asks this plugin
for everything around the row: the body rendered from its Markdown, with
quotes highlighted and their speakers named and names linked to their
entity pages; a map of its places; its copies, its story and its credits;
what the cleaner cut.

The body is scraped, so it is hostile. Markdown is rendered with raw HTML
off (a `<script>` in the text shows as text), images off (an image becomes
a link to it: a reader's browser never fetches a third party's pixels),
then nh3 keeps a short list of tags and only http(s)/mailto links. Quotes
and mentions are wrapped around the escaped text afterwards, and the
result passes nh3 once more, so nothing the page adds can reopen a hole.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import lxml.html
import nh3
from datasette import hookimpl
from markdown_it import MarkdownIt
from markupsafe import Markup

DATABASE = "press_atlas"
MAX_ROWS = 500

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]).disable("image")
_BODY_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
              "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_URL_SCHEMES = {"http", "https", "mailto"}
# Our annotations: ids on blocks, classes and titles on marks, entity links.
_ANNOTATED_TAGS = _BODY_TAGS | {"mark", "span"}
_ANNOTATED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href", "rel"}}
# The blocks ingest/extract.py turns into paragraphs: a block holding no
# other block is one paragraph.
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th"}
_SPACE = re.compile(r"\s+")


def entity_url(entity_id: str) -> str:
    return "/-/entities/" + quote(entity_id, safe="")


def sanitised_html(markdown: str) -> str:
    """Markdown -> HTML with nothing executable: no raw HTML, no images,
    headings demoted under the page's own <h1>, links http(s) or mailto."""
    html = _MARKDOWN.render(markdown or "")
    html = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    return nh3.clean(html, tags=_BODY_TAGS, attributes={"a": {"href", "title"}}, url_schemes=_URL_SCHEMES,
                     link_rel="nofollow noopener noreferrer ugc", strip_comments=True)


def _leaf_blocks(root):
    for el in root.iter(*_BLOCKS):
        if not any(d.tag in _BLOCKS for d in el.iterdescendants() if isinstance(d.tag, str)):
            yield el


def _text_slots(block):
    """The element's text pieces in reading order, as (element, 'text' or
    'tail') pairs: where each run of characters lives in the tree."""
    slots = [(block, "text")]

    def walk(parent):
        for child in parent:
            if isinstance(child.tag, str):
                slots.append((child, "text"))
                walk(child)
            slots.append((child, "tail"))

    walk(block)
    return slots


def _squashed_index(raw: str) -> list[int]:
    """For each character of the whitespace-squashed text (as paragraphs are
    stored), the index of the raw character it comes from."""
    index, pending_space = [], None
    for i, ch in enumerate(raw):
        if ch.isspace():
            if index and pending_space is None:
                pending_space = i
            continue
        if pending_space is not None:
            index.append(pending_space)
            pending_space = None
        index.append(i)
    return index


def _inside_link(el, attr) -> bool:
    container = el if attr == "text" else el.getparent()
    while container is not None:
        if container.tag == "a":
            return True
        container = container.getparent()
    return False


def _wrap(text: str, spans: list[dict]):
    """One run of text with its spans (outermost first) as nested elements."""
    node = None
    inner = None
    for span in spans:
        el = lxml.html.Element(span["tag"], {k: v for k, v in span["attrs"].items() if v is not None})
        if node is None:
            node = el
        else:
            inner.append(el)
        inner = el
    inner.text = text
    return node


def _speaker_tag(q: dict):
    """After a quote: who said it, linked to their page when known."""
    tag = lxml.html.Element("span", {"class": "quote-speaker"})
    hidden = lxml.html.Element("span", {"class": "visually-hidden"})
    hidden.text = "quote by "
    tag.append(hidden)
    name = q["speaker_name"]
    if q["speaker_entity"]:
        link = lxml.html.Element("a", {"href": entity_url(q["speaker_entity"])})
        link.text = name
        tag.append(link)
    else:
        hidden.tail = name
    return tag


def annotate_block(block, annotations: list[dict]) -> int:
    """Wrap each annotation's [start, end) (offsets in the squashed text) in
    its element, across however many text nodes it spans. Returns how many
    annotations were placed."""
    slots = _text_slots(block)
    texts = [getattr(el, attr) or "" for el, attr in slots]
    raw = "".join(texts)
    index = _squashed_index(raw)
    placed = []
    for a in annotations:
        if 0 <= a["start"] < a["end"] <= len(index):
            placed.append({**a, "raw_start": index[a["start"]], "raw_end": index[a["end"] - 1] + 1})
    if not placed:
        return 0
    offset = 0
    for (el, attr), text in zip(slots, texts):
        begin, end = offset, offset + len(text)
        offset = end
        inside = [a for a in placed if a["raw_start"] < end and a["raw_end"] > begin]
        if not inside:
            continue
        in_link = _inside_link(el, attr)
        cuts = sorted({begin, end} | {p for a in inside for p in (a["raw_start"], a["raw_end"]) if begin < p < end})
        nodes = []
        for left, right in zip(cuts, cuts[1:]):
            piece = text[left - begin:right - begin]
            spans = [a for a in inside if a["raw_start"] <= left and a["raw_end"] >= right
                     and not (in_link and a["tag"] == "a")]
            spans.sort(key=lambda a: (a["tag"] != "mark", a["raw_start"]))
            nodes.append(_wrap(piece, spans) if spans else piece)
            for a in inside:
                if a["raw_end"] == right and a.get("after") is not None:
                    nodes.append(a["after"])
        _replace_slot(el, attr, nodes)
    return len(placed)


def _replace_slot(el, attr, nodes):
    """Put a list of strings and elements where el.text (or el.tail) was."""
    if attr == "text":
        parent, position = el, 0
        el.text = None
    else:
        parent, position = el.getparent(), el.getparent().index(el) + 1
        el.tail = None
    previous = el if attr == "tail" else None
    for node in nodes:
        if isinstance(node, str):
            if previous is None:
                parent.text = (parent.text or "") + node
            else:
                previous.tail = (previous.tail or "") + node
            continue
        parent.insert(position, node)
        position += 1
        previous = node


def render_body(markdown: str, paragraphs: list[dict], quotes: list[dict], mentions: list[dict]) -> dict:
    """The body as safe HTML, each block matched to its stored paragraph (by
    text, in order) so quotes and mentions can be placed by their offsets."""
    html = sanitised_html(markdown)
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    by_paragraph: dict[str, list[dict]] = {}
    for q in quotes:
        by_paragraph.setdefault(q["paragraph"], []).append({
            "start": q["start"], "end": q["end"], "tag": "mark",
            "attrs": {"class": f"quote quote-{q['kind']}", "id": None,
                      "title": f"Quote by {q['speaker_name']}" if q["speaker_name"] else "Quote"},
            "after": _speaker_tag(q) if q["speaker_name"] else None})
    for m in mentions:
        by_paragraph.setdefault(m["paragraph"], []).append({
            "start": m["start"], "end": m["end"], "tag": "a",
            "attrs": {"class": f"mention mention-{m['type']}", "href": entity_url(m["entity"]),
                      "title": f"{m['name']} ({m['type']})"}})
    remaining = list(paragraphs)
    matched = placed = 0
    for block in _leaf_blocks(root):
        text = _SPACE.sub(" ", block.text_content()).strip()
        if not text:
            continue
        for i, p in enumerate(remaining[:8]):
            if p["text"] == text:
                block.set("id", f"p-{p['position']}")
                placed += annotate_block(block, by_paragraph.get(p["id"], []))
                matched += 1
                del remaining[:i + 1]
                break
    body = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    body = (root.text or "") + body
    body = nh3.clean(body, tags=_ANNOTATED_TAGS, attributes=_ANNOTATED_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel=None, strip_comments=True)
    return {"html": Markup(body), "matched": matched, "annotations": placed}


async def _rows(db, sql, params):
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def article_extras(datasette, row) -> dict:
    """Everything the article page shows beyond the row itself."""
    db = datasette.get_database(DATABASE)
    aid = row["id"]
    paragraphs = await _rows(db, "select id, position, text from paragraphs where article = ? order by position",
                             [aid])
    quotes = await _rows(db, """
        select q.id, q.paragraph, q.start, q."end", q.text, q.kind, q.speaker, q.speaker_entity, q.cue, q.channel,
               q.cluster, coalesce(e.name, q.speaker_resolved, q.speaker) as speaker_name,
               c.version_count, c.outlet_count, p.position
        from quotes q left join entities e on e.id = q.speaker_entity
          left join quote_clusters c on c.id = q.cluster
          left join paragraphs p on p.id = q.paragraph
        where q.article = ? order by p.position, q.start limit ?""", [aid, MAX_ROWS])
    mentions = await _rows(db, """
        select m.paragraph, m.start, m."end", m.entity, e.name, e.type
        from mentions m join entities e on e.id = m.entity where m.article = ? limit 5000""", [aid])
    names = await _rows(db, """
        select e.id, e.name, e.type, e.kind, e.latitude, e.longitude, count(*) as mentions
        from mentions m join entities e on e.id = m.entity where m.article = ?
        group by e.id order by mentions desc, e.name""", [aid])
    outlet = (await db.execute("select id, name, domain from outlets where id = ?", [row["outlet"]])).first()
    story = (await db.execute("select * from stories where id = ?", [row["story"]])).first()
    story_articles = await _rows(db, """
        select a.id, a.title, a.published, a.duplicate_of, o.name as outlet
        from articles a left join outlets o on o.id = a.outlet
        where a.story = ? and a.id != ? order by a.published is null, a.published, a.id limit 50""",
                                 [row["story"], aid]) if row["story"] else []
    original = (await db.execute("""
        select a.id, a.title, a.published, o.name as outlet from articles a left join outlets o on o.id = a.outlet
        where a.id = ?""", [row["duplicate_of"]])).first()
    copies = await _rows(db, """
        select a.id, a.title, a.published, a.copy_score, o.name as outlet
        from articles a left join outlets o on o.id = a.outlet where a.duplicate_of = ? order by a.published, a.id""",
                         [aid])
    shared = await _rows(db, """
        select other as id, a.title, a.published, o.name as outlet, count(*) as passages,
               round(max(similarity), 2) as similarity
        from (select article_b as other, similarity from shared_passages where article_a = :id
              union all select article_a, similarity from shared_passages where article_b = :id) s
          join articles a on a.id = s.other left join outlets o on o.id = a.outlet
        group by other order by passages desc, a.published limit 50""", {"id": aid})
    credits = await _rows(db, "select agency, text, kind from credits where article = ? order by id", [aid])
    figures = await _rows(db, """
        select f.text, f.value, f.unit, f.noun_key, p.position from figures f
        left join paragraphs p on p.id = f.paragraph where f.article = ? order by p.position, f.start limit 100""",
                          [aid])
    removed = await _rows(db, """
        select position, text, reason, score from removed_blocks where article = ? order by position limit ?""",
                          [aid, MAX_ROWS])
    removed_total = (await db.execute("select count(*) from removed_blocks where article = ?", [aid])).first()[0]
    body = render_body(row["body_markdown"] or row["body_text"] or "", paragraphs, quotes, mentions)
    places = [n for n in names if n["type"] == "place" and n["latitude"] is not None]
    return {
        "body": body,
        "quotes": quotes,
        "names": names,
        "names_by_type": {t: [n for n in names if n["type"] == t] for t in ("person", "org", "place", "other")},
        # For the map (the template writes it with |tojson, safe in a <script> block).
        "places": [{"name": p["name"], "lat": p["latitude"], "lon": p["longitude"], "url": entity_url(p["id"]),
                    "count": p["mentions"], "unit": "mention"} for p in places],
        "outlet": dict(outlet) if outlet else None,
        "story": dict(story) if story else None,
        "story_articles": story_articles,
        "original": dict(original) if original else None,
        "copies": copies,
        "shared": shared,
        "credits": credits,
        "figures": figures,
        "removed": removed,
        "removed_total": removed_total,
        "source_url": f"/-/raw/{row['source']}" if row["source"] else None,
    }


@hookimpl
def extra_template_vars(view_name, table, database, datasette):
    if view_name != "row" or database != DATABASE or table != "articles":
        return None

    async def article_page(row):
        return await article_extras(datasette, row)

    return {"article_page": article_page}
