"""Pass 1, the quote marks: which stretches of a paragraph are quoted, and
how (a quoted sentence or words quoted in the reporter's own sentence).

A deterministic scanner pairs opening and closing double quote marks:
straight `"`, curly `“ ”`, low `„`, guillemets `« »`, and the NYT's
doubled apostrophes `''` (with ``` `` ``` as an opener). Straight marks and
`''` are told apart as openers or closers by the characters around them. A
paragraph that ends inside a quote continues into the next paragraph when
that one opens with a mark (the convention for a quote running over several
paragraphs); an unbalanced mark never raises: an unclosed quote runs to the
end of its paragraph, a stray closer is ignored.

Markdown markup is blanked with spaces before scanning (`plain_paragraph`),
so offsets are those of the paragraph as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

QuoteKind = str  # 'direct' | 'partial' | 'block'

# Work caps: a paragraph longer than this is scanned and parsed only up to it,
# and at most this many quote segments are kept per paragraph.
MAX_PARAGRAPH_CHARS = 10_000
MAX_SEGMENTS_PER_PARAGRAPH = 100

_MARK = re.compile(r"''|``|[\"“”«»„]")
_TAG = re.compile(r"<[^<>\n]{0,400}>")
_OPEN_ONLY = {"“", "«", "„", "``"}
_CLOSE_ONLY = {"”", "»"}
_OPENING_CONTEXT = set(" \t\n([{—–-/\u00a0") | {""}


@dataclass
class Segment:
    """A quoted stretch of one paragraph: words between `start` and `end`."""

    start: int
    end: int
    opened_before: bool = False  # continues a quote opened in an earlier paragraph
    open_after: bool = False  # no closing mark in this paragraph


def _mark_role(text: str, pos: int, mark: str) -> str:
    """'open', 'close' or 'either' for the mark at pos, from what surrounds it."""
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + len(mark)] if pos + len(mark) < len(text) else ""
    if mark in _OPEN_ONLY:
        # A curly opener used as a closer ("Foo,“ he said) reads as a closer.
        if mark == "“" and before and not before.isspace() and (not after or after.isspace() or after in ".,;:!?"):
            return "close"
        return "open"
    if mark in _CLOSE_ONLY:
        return "close"
    opens = before in _OPENING_CONTEXT and after != "" and not after.isspace()
    closes = before not in _OPENING_CONTEXT and (after == "" or after.isspace() or after in ".,;:!?)]}—–-")
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def scan_marks(text: str, opened_before: bool = False) -> list[Segment]:
    """Pair the double quote marks of one paragraph into quoted segments.

    `opened_before`: an earlier paragraph left a quote open, so a closing
    mark met before any opener closes a quote that began at the paragraph
    start. Never raises; unbalanced marks are resolved as described in the
    module docstring.
    """
    text = text[:MAX_PARAGRAPH_CHARS]
    tags = [m.span() for m in _TAG.finditer(text)] if "<" in text else []
    segments: list[Segment] = []
    open_at: int | None = 0 if opened_before else None
    for m in _MARK.finditer(text):
        if len(segments) >= MAX_SEGMENTS_PER_PARAGRAPH:
            break
        pos, mark = m.start(), m.group()
        if tags and any(a <= pos < b for a, b in tags):
            continue  # an attribute value inside markup such as <tweet id="...">
        role = _mark_role(text, pos, mark)
        if open_at is None:
            if role in ("open", "either"):
                open_at = m.end()
            continue
        if role in ("close", "either"):
            if pos > open_at:
                segments.append(Segment(open_at, pos, opened_before=opened_before and not segments))
            open_at = None
        else:  # a second opener: the first one was never closed
            open_at = m.end()
    if open_at is not None and open_at < len(text.rstrip()):
        segments.append(Segment(open_at, len(text.rstrip()), opened_before=opened_before and not segments,
                                open_after=True))
    return [_trim_segment(text, s) for s in segments if text[s.start:s.end].strip()]


def _trim_segment(text: str, segment: Segment) -> Segment:
    """Drop the whitespace just inside the marks."""
    start, end = segment.start, segment.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return replace(segment, start=start, end=end)


def starts_with_opener(text: str) -> bool:
    stripped = text.lstrip()
    m = _MARK.match(stripped)
    return bool(m) and _mark_role(stripped, 0, m.group()) != "close"


def _has_stray_closer(text: str) -> bool:
    for m in _MARK.finditer(text[:MAX_PARAGRAPH_CHARS]):
        role = _mark_role(text, m.start(), m.group())
        return role == "close"
    return False


def scan_paragraphs(texts: Sequence[str]) -> list[list[Segment]]:
    """The quoted segments of every paragraph of an article, carrying an
    open quote into the next paragraph when that one opens with a mark (or
    closes one without opening it)."""
    found: list[list[Segment]] = []
    open_quote = False
    for text in texts:
        opened = open_quote and not starts_with_opener(text) and _has_stray_closer(text)
        segments = scan_marks(text, opened_before=opened)
        if open_quote and starts_with_opener(text) and segments:
            segments[0].opened_before = True
        open_quote = bool(segments) and segments[-1].open_after
        found.append(segments)
    return found


# --- markup ---------------------------------------------------------------------

_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")


def plain_paragraph(text: str) -> tuple[str, bool]:
    """The paragraph with Markdown markup blanked by spaces (offsets kept),
    and whether it was a blockquote."""
    text = text or ""
    m = _BLOCKQUOTE.match(text)
    is_block = bool(m)
    if m:
        text = " " * m.end() + text[m.end():]
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(lambda e: " " * len(e.group()), text)
    return text, is_block


# --- kinds --------------------------------------------------------------------------


def quote_kind(text: str, segment: Segment, after_split: bool) -> QuoteKind:
    """'direct' for quoted sentences, 'partial' for words quoted inside the
    reporter's own sentence."""
    words = text[segment.start:segment.end]
    first = next((c for c in words if c.isalpha()), "")
    before = text[:segment.start].rstrip(" \"“”«»„'`")
    if after_split or segment.opened_before:
        return "direct"
    if first and first.isupper() and (not before or before[-1] in ".:!?,—–-…(" or before.endswith("—")):
        return "direct"
    return "partial"


_TITLE_WORD = re.compile(r"^[A-Z0-9][\w’'.-]*$")
_SMALL_WORDS = frozenset("a an and the of in on at to for with from by or & de la le".split())


def looks_like_title(words: str) -> bool:
    """A short Title Case phrase in quotes: a show, book or slogan name."""
    tokens = [t.strip(",.;:!?") for t in words.split()]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > 6 or words.rstrip().endswith(("!", "?")):
        return False
    content = [t for t in tokens if t.lower() not in _SMALL_WORDS]
    return bool(content) and all(_TITLE_WORD.match(t) for t in content) and len(tokens) > 1 or (
        len(tokens) == 1 and bool(_TITLE_WORD.match(tokens[0])) and not tokens[0].isupper())
