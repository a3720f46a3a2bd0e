"""An article's body as safe HTML, quotes and names marked by their
stored offsets. Pure functions: no Datasette, no database.

The body is scraped, so it is hostile. Markdown is rendered with raw HTML
off (a `<script>` in the text shows as text), images off (an image becomes
a link to it: a reader's browser never fetches a third party's pixels),
then nh3 keeps a short list of tags and only http(s)/mailto links. Quotes
and mentions are wrapped around the escaped text afterwards, and the
result passes nh3 once more, so nothing the page adds can reopen a hole.

Quotes and mentions are stored as offsets in the stored paragraphs, so
each rendered block is first matched to its paragraph (align_blocks): by
equal text where it can, in order, skipping blocks and paragraphs that have
no counterpart whatever their number; then, between those, by their
letters and digits alone, so a block that reads "First point" still finds
the paragraph "1. First point" of a database built before Markdown-looking
text was escaped, and a paragraph split into several list items finds them
all. Offsets are carried over by those letters and digits, and a mark is
placed only around the same characters.

Marking is one sweep over each block's text (annotate_block), at most
MAX_DEPTH marks deep, so a paragraph with thousands of names costs about
as much as thousands of words.
"""

from __future__ import annotations

import bisect
import logging
import re
from difflib import SequenceMatcher

import lxml.html
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .common import page_path

log = logging.getLogger("press_atlas.site")

MAX_DEPTH = 8  # marks open at once: quote, name, ... (real text has two or three)
# Characters compared when aligning blocks with paragraphs beyond the
# exact matches: well past any real article, short of a hostile one.
ALIGN_BUDGET = 20_000_000

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]).disable("image")
_BODY_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
              "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
_URL_SCHEMES = {"http", "https", "mailto"}
# Our annotations: ids on blocks, classes and titles on marks, entity links.
_ANNOTATED_TAGS = _BODY_TAGS | {"mark", "span"}
_ANNOTATED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href", "rel"}}
# The blocks ingest/document/extract.py turns into paragraphs: a block holding no
# other block is one paragraph.
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th"}
_SPACE = re.compile(r"\s+")
# What XML (and so lxml) refuses: C0 controls but tab and newlines,
# U+FFFE/U+FFFF and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Markdown link or image syntax in a stored paragraph: its URL is not in
# the rendered text ("![a photo](http://...)" renders as "!a photo").
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")


def xml_safe(text) -> str:
    """Text lxml accepts: scraped names may hold control characters."""
    return _NOT_XML.sub("", str(text)) if text is not None else ""


def sanitised_html(markdown: str) -> str:
    """Markdown -> HTML with nothing executable: no raw HTML, no images,
    headings demoted under the page's own <h1>, links http(s) or mailto."""
    html = _MARKDOWN.render(xml_safe(markdown or ""))
    html = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    return nh3.clean(html, tags=_BODY_TAGS, attributes={"a": {"href", "title"}}, url_schemes=_URL_SCHEMES,
                     link_rel="nofollow noopener noreferrer ugc", strip_comments=True)


def _leaf_blocks(root):
    for el in root.iter(*_BLOCKS):
        if not any(d.tag in _BLOCKS for d in el.iterdescendants() if isinstance(d.tag, str)):
            yield el


def squashed(text: str) -> str:
    """Whitespace as paragraphs are stored: runs squashed, ends trimmed."""
    return _SPACE.sub(" ", text).strip()


# --- Matching blocks to paragraphs -------------------------------------------


class _Letters:
    """A text's letters and digits (its key) and where each one is. Other
    characters are what Markdown adds, escapes or eats."""

    def __init__(self, text: str, skip_link_targets: bool = False):
        hidden = [m.span() for m in _LINK_TARGET.finditer(text)] if skip_link_targets else []
        positions, h = [], 0
        for i, ch in enumerate(text):
            while h < len(hidden) and hidden[h][1] <= i:
                h += 1
            if ch.isalnum() and not (h < len(hidden) and hidden[h][0] <= i):
                positions.append(i)
        self.text = text
        self.positions = positions
        self.key = "".join(text[i] for i in positions)


class Pair:
    """A block and a paragraph it shows all or part of: paragraph key index
    k is block key index k + shift (None: the texts are equal)."""

    __slots__ = ("block", "paragraph", "shift")

    def __init__(self, block: int, paragraph: int, shift: int | None = None):
        self.block, self.paragraph, self.shift = block, paragraph, shift


def align_blocks(block_texts: list[str], paragraph_texts: list[str]) -> list[Pair]:
    """Pair rendered blocks with stored paragraphs, both in order. Equal
    texts first (difflib's longest matching runs: blocks or paragraphs with
    no counterpart are skipped, however many), then the runs between them
    by their letters and digits."""
    matcher = SequenceMatcher(None, paragraph_texts, block_texts)
    pairs: list[Pair] = []
    budget = [ALIGN_BUDGET]
    next_p = next_b = 0
    for p0, b0, size in matcher.get_matching_blocks():
        pairs += _align_by_letters(block_texts, paragraph_texts, range(next_b, b0), range(next_p, p0), budget)
        pairs += [Pair(b0 + k, p0 + k) for k in range(size)]
        next_p, next_b = p0 + size, b0 + size
    return pairs


def _align_by_letters(block_texts, paragraph_texts, blocks: range, paragraphs: range, budget: list) -> list[Pair]:
    """Within a run with no equal texts: a block whose letters are found in
    the rest of a paragraph's shows that part of it (list markers, escapes,
    a split paragraph); a paragraph whose letters are found in the rest of a
    block is shown there (merged paragraphs). Otherwise whichever of the two
    has a counterpart further on waits for it, and the other is skipped."""
    if not blocks or not paragraphs:
        return []
    bl = [_Letters(block_texts[i]) for i in blocks]
    pl = [_Letters(paragraph_texts[j], skip_link_targets=True) for j in paragraphs]
    pairs = []
    i = j = b_used = p_used = 0
    while i < len(bl) and j < len(pl) and budget[0] > 0:
        b, p = bl[i].key[b_used:], pl[j].key[p_used:]
        budget[0] -= len(b) + len(p)
        if not b:
            i, b_used = i + 1, 0
            continue
        if not p:
            j, p_used = j + 1, 0
            continue
        at = p.find(b)
        if at >= 0:  # the block is (part of) the paragraph
            pairs.append(Pair(blocks[i], paragraphs[j], b_used - (p_used + at)))
            p_used += at + len(b)
            i, b_used = i + 1, 0
            continue
        at = b.find(p)
        if at >= 0:  # the paragraph is (part of) the block
            pairs.append(Pair(blocks[i], paragraphs[j], b_used + at - p_used))
            b_used += at + len(p)
            j, p_used = j + 1, 0
            continue
        budget[0] -= 2 * (sum(len(x.key) for x in pl[j + 1:]) + sum(len(x.key) for x in bl[i + 1:]))
        block_later = next((k for k in range(j + 1, len(pl)) if _related(b, pl[k].key)), None)
        paragraph_later = next((k for k in range(i + 1, len(bl)) if _related(p, bl[k].key)), None)
        if block_later is not None and (paragraph_later is None or block_later - j <= paragraph_later - i):
            j, p_used = j + 1, 0  # this paragraph is not in the body
        elif paragraph_later is not None:
            i, b_used = i + 1, 0  # this block is not a paragraph
        else:
            i, j, b_used, p_used = i + 1, j + 1, 0, 0
    return pairs


def _related(key: str, other: str) -> bool:
    return bool(other) and (key in other or other in key)


def carried_over(annotation: dict, paragraph: _Letters, block: _Letters, shift: int) -> dict | None:
    """An annotation's offsets in a paragraph, as offsets in a block that
    shows (part of) it: through their letters and digits, clipped to the
    block, with the punctuation at either end kept where the block has it."""
    start, end = annotation["start"], annotation["end"]
    first = bisect.bisect_left(paragraph.positions, start)
    last = bisect.bisect_left(paragraph.positions, end) - 1
    if first > last:
        return None
    clipped_start, clipped_end = first + shift < 0, last + shift >= len(block.positions)
    first, last = max(first, -shift), min(last, len(block.positions) - 1 - shift)
    if first > last:
        return None
    b_start, b_end = block.positions[first + shift], block.positions[last + shift] + 1
    if not clipped_start:
        before = paragraph.text[start:paragraph.positions[first]]
        if before and block.text[b_start - len(before):b_start] == before:
            b_start -= len(before)
    if not clipped_end:
        after = paragraph.text[paragraph.positions[last] + 1:end]
        if after and block.text[b_end:b_end + len(after)] == after:
            b_end += len(after)
    return {**annotation, "start": b_start, "end": b_end, "after": None if clipped_end else annotation.get("after")}


# --- Marking a block -----------------------------------------------------------


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


def _nesting(a: dict):
    """Quotes outside names; then the one that starts first outside."""
    return a["tag"] != "mark", a["raw_start"], -a["raw_end"]


def annotate_block(block, annotations: list[dict]) -> int:
    """Wrap each annotation's [start, end) (offsets in the squashed text) in
    its element, across however many text nodes it spans, in one sweep
    along the text. Returns how many annotations were placed (one that
    would open more than MAX_DEPTH marks at once is not)."""
    slots = _text_slots(block)
    texts = [getattr(el, attr) or "" for el, attr in slots]
    index = _squashed_index("".join(texts))
    placed = sorted(({**a, "raw_start": index[a["start"]], "raw_end": index[a["end"] - 1] + 1}
                     for a in annotations if 0 <= a["start"] < a["end"] <= len(index)),
                    key=lambda a: (a["raw_start"], -a["raw_end"]))
    if not placed:
        return 0
    # Every place a mark opens or closes, in order; the sweep walks it once.
    cuts = sorted({p for a in placed for p in (a["raw_start"], a["raw_end"])})
    active: list[dict] = []  # open marks, outermost first
    opening = count = offset = 0
    for (el, attr), text in zip(slots, texts):
        begin, end = offset, offset + len(text)
        offset = end
        if opening >= len(placed) and not active:
            break
        if not text or (not active and placed[opening]["raw_start"] >= end):
            continue
        in_link = _inside_link(el, attr)
        nodes = []
        left, cut = begin, bisect.bisect_right(cuts, begin)
        while left < end:
            if cut < len(cuts) and cuts[cut] < end:
                right, cut = cuts[cut], cut + 1
            else:
                right = end
            # Marks that close at `left` close; those that open there open.
            if any(a["raw_end"] <= left for a in active):
                active = [a for a in active if a["raw_end"] > left]
            opened = False
            while opening < len(placed) and placed[opening]["raw_start"] <= left:
                a = placed[opening]
                opening += 1
                if a["raw_end"] > left and len(active) < MAX_DEPTH:
                    active.append(a)
                    count += 1
                    opened = True
            if opened:
                active.sort(key=_nesting)
            piece = text[left - begin:right - begin]
            spans = [a for a in active if not (in_link and a["tag"] == "a")]
            nodes.append(_wrap(piece, spans) if spans else piece)
            nodes += [a["after"] for a in active if a["raw_end"] == right and a.get("after") is not None]
            left = right
        _replace_slot(el, attr, nodes)
    return count


def _replace_slot(el, attr, nodes):
    """Put a list of strings and elements where el.text (or el.tail) was,
    each new element placed right after the one before (no index lookups:
    a block with thousands of marks stays linear)."""
    if attr == "text":
        el.text = None
        previous = None
    else:
        el.tail = None
        previous = el
    for node in nodes:
        if isinstance(node, str):
            if previous is None:
                el.text = (el.text or "") + node
            else:
                previous.tail = (previous.tail or "") + node
            continue
        if previous is None:
            el.insert(0, node)
        else:
            previous.addnext(node)
        previous = node


# --- The body -----------------------------------------------------------------


def _speaker_tag(q: dict, entity_link):
    """After a quote: who said it, linked to their page when known."""
    tag = lxml.html.Element("span", {"class": "quote-speaker"})
    hidden = lxml.html.Element("span", {"class": "visually-hidden"})
    hidden.text = "quote by "
    tag.append(hidden)
    name = xml_safe(q["speaker_name"])
    if q["speaker_entity"]:
        link = lxml.html.Element("a", {"href": xml_safe(entity_link(q["speaker_entity"]))})
        link.text = name
        tag.append(link)
    else:
        hidden.tail = name
    return tag


def _annotations_by_paragraph(quotes, mentions, entity_link) -> dict[str, list[dict]]:
    by_paragraph: dict[str, list[dict]] = {}
    for q in quotes:
        by_paragraph.setdefault(q["paragraph"], []).append({
            "start": q["start"], "end": q["end"], "tag": "mark",
            "attrs": {"class": xml_safe(f"quote quote-{q['kind']}"), "id": None,
                      "title": xml_safe(f"Quote by {q['speaker_name']}") if q["speaker_name"] else "Quote"},
            "after": _speaker_tag(q, entity_link) if q["speaker_name"] else None})
    for m in mentions:
        by_paragraph.setdefault(m["paragraph"], []).append({
            "start": m["start"], "end": m["end"], "tag": "a",
            "attrs": {"class": xml_safe(f"mention mention-{m['type']}"), "href": xml_safe(entity_link(m["entity"])),
                      "title": xml_safe(f"{m['name']} ({m['type']})")}})
    return by_paragraph


def _default_entity_link(entity_id) -> str:
    return page_path("entities", entity_id)


def render_body(markdown: str, paragraphs: list[dict], quotes: list[dict], mentions: list[dict],
                entity_link=_default_entity_link) -> dict:
    """The body as safe HTML, each block matched to its stored paragraph
    (align_blocks) so that quotes and mentions are placed by their offsets.
    If marking fails on something unforeseen, the body shows unmarked."""
    html = sanitised_html(markdown)
    try:
        return _annotated(html, paragraphs, quotes, mentions, entity_link)
    except (ValueError, TypeError, KeyError, IndexError) as failure:
        log.warning("an article body is shown without its marks: %s: %s", type(failure).__name__,
                    ascii(str(failure))[:200])
        return {"html": Markup(html), "matched": 0, "annotations": 0}


def _annotated(html, paragraphs, quotes, mentions, entity_link) -> dict:
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    by_paragraph = _annotations_by_paragraph(quotes, mentions, entity_link)
    blocks = [b for b in _leaf_blocks(root)]
    block_texts = [squashed(b.text_content()) for b in blocks]
    paragraph_texts = [p["text"] or "" for p in paragraphs]
    per_block: dict[int, list[dict]] = {}
    anchors: dict[int, list[str]] = {}
    letters: dict[tuple[str, int], _Letters] = {}
    anchored = set()
    for pair in align_blocks(block_texts, paragraph_texts):
        p = paragraphs[pair.paragraph]
        if pair.paragraph not in anchored:
            anchored.add(pair.paragraph)
            anchors.setdefault(pair.block, []).append(f"p-{p['position']}")
        marks = by_paragraph.get(p["id"], [])
        if pair.shift is None:
            per_block.setdefault(pair.block, []).extend(marks)
            continue
        if not marks:
            continue
        if ("b", pair.block) not in letters:
            letters["b", pair.block] = _Letters(block_texts[pair.block])
        if ("p", pair.paragraph) not in letters:
            letters["p", pair.paragraph] = _Letters(paragraph_texts[pair.paragraph], skip_link_targets=True)
        for mark in marks:
            moved = carried_over(mark, letters["p", pair.paragraph], letters["b", pair.block], pair.shift)
            if moved is not None:
                per_block.setdefault(pair.block, []).append(moved)
    placed = 0
    for number, block in enumerate(blocks):
        if number in per_block:
            placed += annotate_block(block, per_block[number])
        ids = anchors.get(number, [])
        if ids:
            block.set("id", ids[0])
        for extra in reversed(ids[1:]):  # paragraphs merged into this block: anchors at its start
            anchor = lxml.html.Element("span", {"id": extra})
            anchor.tail, block.text = block.text, None
            block.insert(0, anchor)
    body = (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    body = nh3.clean(body, tags=_ANNOTATED_TAGS, attributes=_ANNOTATED_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel=None, strip_comments=True)
    return {"html": Markup(body), "matched": len(anchored), "annotations": placed}
