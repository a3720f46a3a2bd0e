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
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    outlet_name: str | None = None
    outlet_domain: str | None = None
    body_markdown: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _squash(text: str) -> str:
    return " ".join(text.split())


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
    markdown = markdownify(fragment, heading_style="ATX", bullets="-", strip=["script", "style"])
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
    from trafilatura.htmlprocessing import build_html_output

    doc = trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
        as_dict=False,
    )
    if doc is None or doc.body is None or not len(doc.body):
        raise NoArticle("no article text found in the page")
    body = build_html_output(doc)
    page_url = url or doc.url
    article = Article(
        body_html=_body_inner(body),
        title=_clean(doc.title),
        author=_clean(doc.author),
        published=metadata.iso_date(doc.date),
        url=page_url,
        language=metadata.html_language(text) or _clean(doc.language),
        outlet_name=_clean(doc.sitename),
        outlet_domain=domain_of(page_url) or _clean(doc.hostname),
    )
    return render(article)


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


def from_text(text: str, url: str | None = None, title: str | None = None) -> Article:
    paragraphs = text_paragraphs(text)
    if not paragraphs:
        raise NoArticle("the text is empty")
    title_index = locate_title(paragraphs, title)
    if title is None and title_index is not None:
        title = paragraphs[title_index]
    start = title_index + 1 if title_index is not None else 0
    head = paragraphs[start:start + 8]
    author = metadata.byline(head)
    published = metadata.date_line(head)
    page_outlet = metadata.outlet_from_text(paragraphs)
    body = [
        p for p in paragraphs[start:]
        if _is_prose(p) and p != title and not metadata.is_byline_or_date(p)
    ]
    if not body:
        raise NoArticle("no article text found: the text holds only short lines")
    article = Article(
        body_html="".join(f"<p>{htmllib.escape(p)}</p>" for p in body),
        title=title,
        author=author,
        published=published,
        url=url,
        outlet_name=page_outlet[0],
        outlet_domain=domain_of(url) or page_outlet[1],
    )
    return render(article)


def _find_line(paragraphs: list[str], title: str) -> int | None:
    wanted = _squash(title).lower()
    for i, p in enumerate(paragraphs):
        if p.lower() == wanted:
            return i
    return None
