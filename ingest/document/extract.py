"""Extract: decoded text to an article (body and metadata).

Both paths end in the same place: an HTML fragment of the article body,
rendered once to Markdown (markdownify) and to plain paragraphs, so the
two always agree.

- HTML goes through trafilatura, which finds the main content and the
  page's metadata (title, author, date, site name).
- Plain-text dumps are split into paragraphs with hard-wrapped lines
  rejoined; the title is the heading line, and what stands above it (menus,
  banners) is dropped. This is the first pass; the full cleaner is its own
  module.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
from markdownify import markdownify

from . import metadata

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th",
              "dd", "dt", "figcaption"}


class NoArticle(ValueError):
    """The document was read, but holds no article text."""


@dataclass
class Article:
    body_html: str  # the article body as an HTML fragment
    title: str | None = None
    standfirst: str | None = None
    section: str | None = None
    wire_credit: str | None = None
    byline_credit: str | None = None  # the agency the byline names ("By The Associated Press")
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    outlet_name: str | None = None
    outlet_domain: str | None = None
    body_markdown: str = ""
    paragraphs: list[str] = field(default_factory=list)
    # What the cleaner cut: (position in the page's lines, text, reason, score).
    removed: list[tuple[int, str, str, float | None]] = field(default_factory=list)
    redacted: bool = False  # the page has holes where content was hidden

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _squash(text: str) -> str:
    return " ".join(text.split())


# Characters that XML, and so lxml, cannot hold: it drops them, or drops
# everything after them (a lone surrogate from a JSON "\\ud800" escape).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_char(m: re.Match) -> str:
    char = m.group()
    if char in "\x0b\x0c":
        return " "  # vertical tab and form feed are whitespace
    return "" if char < " " else "\ufffd"


def xml_safe(text: str) -> str:
    """The text without what lxml cannot hold: control characters dropped
    (as decoding drops them), lone surrogates marked as unreadable."""
    return _NOT_XML.sub(_xml_char, text)


def render(article: Article) -> Article:
    """Fill body_markdown and paragraphs from body_html."""
    fragment = article.body_html.strip()
    if not fragment:
        raise NoArticle("no article text found")
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    paragraphs = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in BLOCK_TAGS:
            continue
        if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants()):
            continue
        text = _squash(el.text_content())
        if text:
            paragraphs.append(text)
    if not paragraphs:
        raise NoArticle("no article text found")
    article.paragraphs = paragraphs
    # escape_misc: text that only looks like Markdown ("1. First point",
    # "# 5 reasons", "> quoted") stays text, so the Markdown renders as the
    # paragraphs read.
    markdown = markdownify(fragment, heading_style="ATX", bullets="-", strip=["script", "style"], escape_misc=True)
    article.body_markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return article


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


# --- HTML -----------------------------------------------------------------

def from_html(text: str, url: str | None = None) -> Article:
    import trafilatura

    text = xml_safe(text)
    # The page is parsed once here for the headline and for its visible blocks
    # (standfirst, and the audit of what the body left out); a page nested
    # deeper than the parser reads is unwrapped first, or its text is lost.
    page, too_deep = parse_page_checked(text)
    if too_deep:
        text = unwrap(text)
        page, too_deep = parse_page_checked(text)
    # extract_with_metadata: trafilatura's public entry point for the body in
    # one output format (here HTML, as a document in `doc.text`) together
    # with the page's metadata. favor_precision: trafilatura's misses are
    # furniture kept (teasers, captions, prompts), not article text dropped;
    # on the benchmark it trades 1 point of recall for 1.5 of precision.
    doc = trafilatura.extract_with_metadata(
        text,
        url=url,
        output_format="html",
        favor_precision=True,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
    )
    if doc is None or doc.body is None or not len(doc.body):
        if too_deep:
            raise NoArticle(f"no article text found in the page: it is nested more than {MAX_DEPTH} levels "
                            "deep, and the HTML parser reads no deeper")
        raise NoArticle("no article text found in the page")
    body = doc.text
    page_url = url or doc.url
    site = metadata.site_name(_clean(doc.sitename))
    domain = domain_of(page_url) or _clean(doc.hostname)
    title = metadata.visible_headline(page) or metadata.strip_site_name(_clean(doc.title), [site, domain])
    blocks = visible_blocks(page)
    article = Article(
        body_html=_body_inner(body),
        title=title,
        author=_clean(doc.author),
        published=metadata.iso_date(doc.date) or metadata.date_from_url(page_url),
        url=page_url,
        language=metadata.html_language(text) or _clean(doc.language),
        outlet_name=site,
        outlet_domain=domain,
    )
    description = _clean(doc.description)
    article.body_html, leading_standfirst = _drop_headline_block(article.body_html, title, description)
    render(article)
    if leading_standfirst:
        article.standfirst = leading_standfirst
    else:
        article.standfirst, lead = metadata.visible_standfirst(blocks, title, description, article.body_text)
        if lead:
            article.body_html = f"<p>{htmllib.escape(lead)}</p>{article.body_html}"
            render(article)
    restore_embeds(page, article)
    article.section = metadata.html_section(text) or metadata.plausible_section(_clean((doc.categories or [None])[0]))
    article.author, byline_agency = metadata.split_byline(metadata.drop_handles(article.author, blocks), site, domain)
    article.wire_credit = metadata.wire_credit(article.paragraphs) or byline_agency
    article.byline_credit = byline_agency
    article.removed = html_cuts(blocks, article)
    return article


def _drop_headline_block(fragment: str, title: str | None, description: str | None) -> tuple[str, str | None]:
    """trafilatura sometimes keeps the headline (and the standfirst under it)
    as the body's first blocks: the body is the article without its title.
    Returns the fragment without them, and the standfirst if one was there."""
    if not title or not fragment.strip():
        return fragment, None
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    blocks = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in BLOCK_TAGS][:3]
    standfirst = None
    for i, el in enumerate(blocks):
        if _squash(el.text_content()) != title:
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if (following is not None and description and _squash(following.text_content()) == description
                and len(description.split()) < metadata.LEAD_WORDS):
            standfirst = description
            following.drop_tree()
        el.drop_tree()
        return "".join(lxml.html.tostring(c, encoding="unicode") for c in root), standfirst
    return fragment, None


_INVISIBLE = "//head|//script|//style|//noscript|//template|//svg|//iframe|//*[@hidden]|//*[@aria-hidden='true']"


def parse_page(html: str):
    """The page as an lxml document, or None when it cannot be parsed."""
    return parse_page_checked(html)[0]


# libxml2 builds the tree 256 elements deep and drops what is deeper
# ("Excessive depth in document"); it has no option to read deeper that does
# not also lift its other limits.
MAX_DEPTH = 256


def parse_page_checked(html: str):
    """(the page as an lxml document or None, whether it was nested deeper
    than the parser reads, so some of it is missing)."""
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None, False
    return root, any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


# Elements that only wrap or style text: a page nested thousands of levels
# deep (broken, or built to break parsers) is nested with these.
_INLINE_WRAPPERS = re.compile(r"</?(?:span|font|b|i|u|em|strong|small|big|a|label|abbr|mark|sub|sup)\b[^>]*>",
                              re.IGNORECASE)
_BLOCK_WRAPPERS = re.compile(r"</?(?:div|section|center|table|tbody|thead|tfoot|tr|td|th|ul|ol|dl|form|main|"
                             r"aside|nav|header|footer|figure|details|summary|fieldset)\b[^>]*>", re.IGNORECASE)


def unwrap(html: str) -> str:
    """The page without its wrapping elements, their text kept: what is left
    (paragraphs, headings, list items) nests no deeper than the text does."""
    return _BLOCK_WRAPPERS.sub("\n", _INLINE_WRAPPERS.sub("", html))


def page_blocks(html: str) -> list[str]:
    """The visible text of a page, block by block, in reading order."""
    return visible_blocks(parse_page(html))


def visible_blocks(root) -> list[str]:
    """The visible text of a parsed page, block by block (removes what is not
    shown from the tree)."""
    if root is None:
        return []
    for el in root.xpath(_INVISIBLE):
        if el.getparent() is not None:
            el.getparent().remove(el)
    blocks: list[str] = []
    current: list[str] = []

    def flush():
        text = _squash(" ".join(current))
        if text:
            blocks.append(text)
        current.clear()

    def walk(el):
        block = isinstance(el.tag, str) and el.tag not in ("span", "a", "time", "small", "strong", "em", "b", "i")
        if block:
            flush()
        if el.text:
            current.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return blocks


# Posts embedded from social networks, as their embed codes write them.
_EMBEDS = ('//blockquote[contains(@class, "twitter-tweet") or contains(@class, "instagram-media") '
           'or contains(@class, "tiktok-embed") or contains(@class, "bluesky-embed") '
           'or contains(@class, "mastodon-embed") or contains(@class, "threads-embed")]')


def _preceding_text(el, min_words: int = 6, depth: int = 4) -> str | None:
    """The text of the nearest element before `el` on the page with at least
    `min_words` words, looking at its siblings, then its parents' siblings."""
    for _ in range(depth):
        for sibling in el.itersiblings(preceding=True):
            if isinstance(sibling.tag, str):
                text = _squash(sibling.text_content())
                if len(text.split()) >= min_words:
                    return text
        el = el.getparent()
        if el is None:
            return None
    return None


def _leaf_blocks(root) -> list:
    return [el for el in root.iter() if isinstance(el.tag, str) and el.tag in BLOCK_TAGS
            and not any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants())]


def restore_embeds(page, article: Article) -> Article:
    """Put back the embedded posts (tweets, Instagram, TikTok...) that the
    body lost, each as a blockquote after the paragraph that precedes it on
    the page. A post whose neighbour on the page is not one of the body's
    paragraphs (a sidebar's) stays out."""
    if page is None:
        return article
    embeds = page.xpath(_EMBEDS)[:50]
    if not embeds:
        return article
    body = _squash(article.body_text)
    root = lxml.html.fragment_fromstring(article.body_html, create_parent="div")
    changed = False
    for embed in embeds:
        text = _squash(embed.text_content())
        if len(text.split()) < 3 or " ".join(text.split()[:8]) in body:
            continue
        anchor = _preceding_text(embed)
        if not anchor:
            continue
        target = next((b for b in reversed(_leaf_blocks(root)) if _squash(b.text_content()) == anchor), None)
        if target is None:
            continue
        quote = lxml.html.Element("blockquote")
        parts = [_squash(p.text_content()) for p in embed.iter("p")] or [text]
        rest = text
        for part in parts:
            if part:
                lxml.html.etree.SubElement(quote, "p").text = part
                rest = rest.replace(part, "", 1)
        if _squash(rest):  # the attribution line after the post's paragraphs
            lxml.html.etree.SubElement(quote, "p").text = _squash(rest)
        target.addnext(quote)
        changed = True
    if changed:
        article.body_html = "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
        render(article)
    return article


def html_cuts(blocks: list[str], article: Article) -> list[tuple[int, str, str, float | None]]:
    """What the page shows that the article body left out, block by block, so
    the HTML path's cuts can be audited like the text path's."""
    from . import clean

    body = " ".join(article.body_text.split())
    labels = {article.title: "headline", article.standfirst: "standfirst", article.author: "byline"}
    cuts = []
    paragraphs = set(article.paragraphs)
    for position, text in enumerate(blocks):
        # A block is in the article when it is one of its paragraphs, or (for
        # a block long enough not to match by chance) part of one.
        if text in paragraphs or (len(text.split()) >= 4 and text in body):
            continue
        reason = labels.get(text) or ("outside the article: " + clean.reason_for(text))
        cuts.append((position, text, reason, None))
    return cuts


def _body_inner(html_doc: str) -> str:
    root = lxml.html.document_fromstring(html_doc)
    body = root.find("body")
    if body is None:
        return html_doc
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in body)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _squash(str(value))
    return value or None


# --- plain text -------------------------------------------------------------

_TERMINAL = tuple('.!?:;"”’»)…')
_JOIN_ENDINGS = re.compile(
    r"(?:,|\b(?:a|an|the|of|in|on|at|to|for|and|or|but|with|by|from|as|that|which|who|"
    r"is|are|was|were|has|have|had|its|their|his|her|this|these|those|into|onto|than|"
    r"le|la|les|de|des|du|et|en|un|une|der|die|das|und|el|los|las|y|o|e|da|do|dos|das))$",
    re.IGNORECASE,
)


class _QuoteState:
    """Whether a paragraph being assembled leaves a double quotation open,
    kept up to date line by line (so joining stays linear)."""

    def __init__(self):
        self.straight = 0
        self.curly = 0

    def add(self, line: str) -> None:
        self.straight += line.count('"')
        self.curly += line.count("“") - line.count("”")

    @property
    def open(self) -> bool:
        return self.straight % 2 == 1 or self.curly > 0


def _continues(quotes: _QuoteState, line: str, nxt: str) -> bool:
    """Is `nxt` the continuation of a hard-wrapped `line`, the last line of a
    paragraph whose quotation state is `quotes`?"""
    if not line or not nxt:
        return False
    if line == HOLE or line.endswith(" " + HOLE):
        return _continues_after_hole(nxt)
    if nxt == HOLE:
        return not line.endswith(_TERMINAL)
    if line.endswith((',"', ",”", ",’", ",'")):
        return True  # a quotation whose attribution follows
    if quotes.open and not nxt.startswith(("\"", "“")):
        return True
    if line.endswith(_TERMINAL):
        return False
    first = nxt.lstrip()[:1]
    if first.islower() or first in ",;)":
        return True
    return bool(_JOIN_ENDINGS.search(line)) or line.endswith(('"', "“", "«", "("))


def text_paragraphs(text: str) -> list[str]:
    """Split a text dump into paragraphs, rejoining hard-wrapped lines."""
    paragraphs: list[str] = []
    current: list[str] = []
    quotes = _QuoteState()
    for raw in text.split("\n"):
        line = _squash(raw)
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current, quotes = [], _QuoteState()
            continue
        if not (current and _continues(quotes, current[-1], line)):
            if current:
                paragraphs.append(" ".join(current))
            current, quotes = [], _QuoteState()
        current.append(line)
        quotes.add(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


HOLE = "[…]"
_HOLE_LEXICON = re.compile(
    r"hidden content|content is hidden|\[(?:removed|redacted|deleted|hidden)\]|"
    r"you (?:must|need to) (?:be )?(?:log(?:ged)? ?in|register|sign in) to (?:see|view)|"
    r"this content is (?:only )?(?:available|visible) to", re.IGNORECASE)


def find_placeholders(lines: list[str]) -> set[str]:
    """Lines that stand where content was hidden: they say so, or they repeat
    (3+ times) and, at least half the time, what follows them carries on a
    sentence they interrupted."""
    stripped = [_squash(line) for line in lines]
    # The next non-blank line after each line, in one backward pass.
    following: list[str] = [""] * len(stripped)
    upcoming = ""
    for i in range(len(stripped) - 1, -1, -1):
        following[i] = upcoming
        if stripped[i]:
            upcoming = stripped[i]
    occurrences: dict[str, list[int]] = {}
    for i, line in enumerate(stripped):
        if line:
            occurrences.setdefault(line, []).append(i)
    placeholders = set()
    for line, where in occurrences.items():
        if len(line.split()) > 15:
            continue
        if _HOLE_LEXICON.search(line):
            placeholders.add(line)
            continue
        if len(where) < 3:
            continue
        interrupts = sum(1 for i in where if following[i] and following[i] != line
                         and _continues_after_hole(following[i]))
        if interrupts * 2 >= len(where):
            placeholders.add(line)
    return placeholders


def _continues_after_hole(nxt: str) -> bool:
    """Does the text after a hole carry on the sentence the hole interrupted?"""
    return nxt[:1].islower() or nxt[:1] in ",.;:’'”\")!?"


def _continues_into_hole(prev: str, repeated: bool) -> bool:
    """Does a line, followed by a blank and then a hole, run on into it? A
    line of prose with no full stop does; a line the page repeats elsewhere
    (a headline) is complete in itself."""
    if bool(_JOIN_ENDINGS.search(prev)) or prev.endswith(("“", '"', "(", "«")):
        return True
    return not repeated and len(prev.split()) >= 6 and not prev.endswith(_TERMINAL)


def split_lines(text: str) -> tuple[list[str], set[str]]:
    """The lines of a text dump, hard-wrapped lines rejoined and holes closed
    up: fragments on either side of a placeholder become one line with […].
    Returns (lines, placeholders found)."""
    raw = text.split("\n")
    placeholders = find_placeholders(raw) if len(raw) > 3 else set()
    if not placeholders:
        return text_paragraphs(text), placeholders
    squashed = [_squash(line) for line in raw]
    seen: dict[str, int] = {}
    for line in squashed:
        seen[line] = seen.get(line, 0) + 1
    out: list[str] = []
    i = 0
    while i < len(raw):
        if squashed[i] not in placeholders:
            out.append(squashed[i])
            i += 1
            continue
        # Close up the blank lines before the hole when the text runs on into it.
        blanks = 0
        while out and not out[-1]:
            out.pop()
            blanks += 1
        last = out[-1] if out else ""
        if blanks and last and not _continues_into_hole(last, seen.get(last, 0) > 1):
            out.append("")
        if not (out and out[-1] == HOLE):
            out.append(HOLE)
        # ...and the blank lines after it when the text after it carries on.
        j = i + 1
        while j < len(raw) and not squashed[j]:
            j += 1
        if j > i + 1 and not (j < len(raw) and squashed[j] not in placeholders
                              and _continues_after_hole(squashed[j])):
            out.append("")
        i = j
    lines = text_paragraphs("\n".join(out))
    # A hole on its own, between complete paragraphs, says nothing.
    return [line for line in lines if line != HOLE], placeholders


def _is_prose(paragraph: str) -> bool:
    words = paragraph.split()
    return len(words) > 3 or paragraph.endswith(_TERMINAL)


def _is_long_prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= 25 and paragraph.endswith(_TERMINAL)


def _headline_like(paragraph: str) -> bool:
    words = paragraph.split()
    return 0 < len(words) <= 20 and (not paragraph.endswith(".") or len(words) <= 12)


def locate_title(paragraphs: list[str], title: str | None) -> int | None:
    """Index of the title line, or None. Only what stands above it is dropped,
    so a guess with real prose above it is rejected."""
    if title is not None:
        return _find_line(paragraphs, title)
    index = metadata.find_title(paragraphs)
    if index is not None and any(_is_long_prose(p) and not metadata.is_furniture(p)
                                 for p in paragraphs[:index]):
        index = None
    if index is None and len(paragraphs) > 1 and _headline_like(paragraphs[0]) \
            and not _is_long_prose(paragraphs[0]):
        index = 0
    return index


def headline_above(lines: list[str], first_body: int, guess: int | None) -> int | None:
    """The headline is the plausible headline nearest above where the article
    starts (a byline or date line right under it settles a choice), skipping
    a standfirst; the first guess stands when it is one of them."""
    window = [i for i in range(max(0, first_body - 15), first_body) if metadata.plausible_headline(lines[i])]
    if guess in window or not window:
        return guess
    for i in reversed(window):
        if any(metadata.is_byline_or_date(n) for n in lines[i + 1:min(i + 5, first_body + 2)]):
            return i
    last = window[-1]
    if len(window) > 1 and window[-2] == last - 1 and len(lines[last].split()) >= 16:
        return window[-2]  # headline, then standfirst
    return last


def looks_like_page_dump(lines: list[str]) -> bool:
    """Text with many short lines (menus, buttons, counters) is a copy of a
    whole page; an extracted article is mostly paragraphs."""
    if len(lines) < 10:
        return False
    short = sum(len(line.split()) <= 4 for line in lines)
    return short / len(lines) >= 0.3


def from_text(text: str, url: str | None = None, title: str | None = None, model=None,
              page_dump: bool | None = True) -> Article:
    """An article from a plain-text page dump (page_dump=True), from text that
    is already the article (False: only holes and unmistakable furniture are
    cut), or whichever the text looks like (None)."""
    from . import clean

    lines, placeholders = split_lines(xml_safe(text))
    if not lines:
        raise NoArticle("the text is empty")
    guess = locate_title(lines, title)
    if page_dump is None:
        page_dump = looks_like_page_dump(lines)
    if page_dump:
        decisions = clean.classify(lines, guess, model)
    else:
        decisions = [(clean.rule_for(line) is None, None) for line in lines]
    # What the page around a line cuts (appeals of several paragraphs, a
    # caption's uncredited twin, a caption about another subject).
    context = clean.context_cuts(lines, [keep for keep, _score in decisions], guess)
    decisions = [(keep and i not in context, score) for i, (keep, score) in enumerate(decisions)]
    kept = [i for i, (keep, _score) in enumerate(decisions) if keep and i != guess]
    if not kept:
        raise NoArticle("no article text found: nothing on the page reads as article prose")
    title_index = guess if title is not None else headline_above(lines, kept[0], guess)
    if title is None and title_index is not None:
        title = lines[title_index]
    start = title_index + 1 if title_index is not None else 0
    head = lines[start:max(start + 8, kept[0] + 1)]
    author = metadata.byline(head)
    published = metadata.date_line(head) or metadata.date_from_url(url)
    page_outlet = metadata.outlet_from_text(lines)
    body, removed = [], []
    for i, (line, (keep, score)) in enumerate(zip(lines, decisions)):
        if i == title_index:
            continue
        if keep:
            body.append(line)
        elif i in context:
            removed.append((i, line, context[i], score))
        elif metadata.is_byline_or_date(line) and start <= i < start + 8:
            removed.append((i, line, "byline or date line", score))
        else:
            removed.append((i, line, clean.reason_for(line), score))
    if not body:
        raise NoArticle("no article text found: nothing on the page reads as article prose")
    # The standfirst: a long line right under the headline, with the byline or
    # date under it (the headline block of most pages).
    following = lines[start] if title_index is not None and start < kept[0] else ""
    byline_below = any(metadata.is_byline_or_date(n) or metadata.byline([n]) for n in lines[start + 1:start + 4])
    standfirst = following if (len(following.split()) >= 10 and byline_below
                               and not metadata.is_byline_or_date(following)
                               and not metadata.is_furniture(following)
                               and not clean.is_caption(following)
                               and clean.rule_for(following) is None) else None
    author, byline_agency = metadata.split_byline(author, page_outlet[0])
    article = Article(
        body_html="".join(f"<p>{htmllib.escape(p)}</p>" for p in body),
        title=title,
        standfirst=standfirst,
        section=metadata.plausible_section(
            metadata.section_from_lines(lines[:title_index + 8 if title_index is not None else 30])),
        wire_credit=metadata.wire_credit(body + [r[1] for r in removed]) or byline_agency,
        byline_credit=byline_agency,
        author=author,
        published=published,
        url=url,
        outlet_name=page_outlet[0],
        outlet_domain=domain_of(url) or page_outlet[1],
        removed=removed,
        redacted=bool(placeholders),
    )
    return render(article)


def _find_line(paragraphs: list[str], title: str) -> int | None:
    wanted = _squash(title).lower()
    for i, p in enumerate(paragraphs):
        if p.lower() == wanted:
            return i
    return None
