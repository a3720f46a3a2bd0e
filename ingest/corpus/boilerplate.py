"""Lines that repeat across articles of one outlet: page furniture.

No single page can tell its own "Sign up for our morning briefing" or
"Comments are closed" from the article: the line model judges each line
by its look. Across a corpus the tell is plain: the same line, verbatim
(numbers aside), in several otherwise different articles of the same
outlet. This corpus-level pass moves such paragraphs from the body to
`removed_blocks` (reason: "repeats in N articles of OUTLET") and rebuilds
the bodies, so nothing is lost and the cut is visible.

What it keeps, so that it never eats an article:
- lines of more than MAX_WORDS words, unless they are in at least half of
  the outlet's articles: a wire story's background paragraph reused in a
  few reports is journalism, a disclaimer in every page is not;
- lines holding a quotation mark: quotes are content;
- an article's paragraphs when cutting would leave less than a third of
  its text: such an article is a copy of another (the copies pass says so),
  not a page wrapped in furniture.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

MIN_ARTICLES = 3
MAX_WORDS = 40
SHORT_WORDS = 6  # numbers are folded only in lines this short
_DIGITS = re.compile(r"\d+")
# Opening marks only for single quotes: a closing ’ is also an apostrophe.
_QUOTE_MARKS = re.compile(r"[\"“”«»„‘‹›「」『』]|''")


def line_key(text: str) -> bytes:
    """Lines that differ only in case or spacing share a key; short lines
    also when they differ only in numbers ("12 comments" and "3 comments"),
    never sentences ("Russia launched 67 drones" is news however often)."""
    folded = " ".join(text.lower().split())
    if len(folded.split()) <= SHORT_WORDS:
        folded = _DIGITS.sub("0", folded)
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=12).digest()


def _eligible(text: str) -> bool:
    return not _QUOTE_MARKS.search(text)


def find_repeats(db, min_articles: int = MIN_ARTICLES) -> dict[str, list[tuple[str, int]]]:
    """{article id: [(paragraph id, number of articles), ...]} for the paragraphs to cut."""
    outlet_sizes = dict(db.execute(
        "select outlet, count(*) from articles where outlet is not null group by outlet"))
    big = {o for o, n in outlet_sizes.items() if n >= min_articles}
    if not big:
        return {}
    rows = """
        select a.outlet, p.article, p.id, p.text
        from paragraphs p join articles a on a.id = p.article
        where a.outlet is not null
    """
    # Each eligible line's key goes to a temporary table and SQLite counts
    # the articles per key: memory stays flat however big the corpus.
    db.execute("create temp table _line_keys (outlet text, key blob, article text, paragraph text, words int)")
    db.conn.executemany(
        "insert into _line_keys values (?, ?, ?, ?, ?)",
        ((outlet, line_key(text), article, pid, len(text.split()))
         for outlet, article, pid, text in db.conn.execute(rows) if outlet in big and _eligible(text)))
    db.execute("create index _line_keys_key on _line_keys (outlet, key)")
    cut: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for outlet, article, pid, words, n in db.conn.execute("""
        select l.outlet, l.article, l.paragraph, l.words, r.n
        from _line_keys l join (
          select outlet, key, count(distinct article) as n from _line_keys
          group by outlet, key having count(distinct article) >= ?
        ) r on r.outlet = l.outlet and r.key = l.key
        order by l.rowid""", [min_articles]):
        if words > MAX_WORDS and n * 2 < outlet_sizes[outlet]:
            continue
        cut[article].append((pid, n))
    db.execute("drop table _line_keys")
    return cut


def remove_repeats(db, min_articles: int = MIN_ARTICLES) -> int:
    """Move repeated furniture from paragraphs to removed_blocks; returns
    the number of paragraphs moved. Writes go in batches (executemany)."""
    cut = find_repeats(db, min_articles)
    outlet_names = dict(db.execute("select id, name from outlets"))
    removed_rows: list[tuple] = []
    gone: list[tuple[str]] = []  # paragraph ids leaving the body
    bodies: list[tuple] = []
    moved = 0
    for article, pieces in cut.items():
        paragraphs = db.execute(
            "select id, position, text from paragraphs where article = ? order by position",
            [article],
        ).fetchall()
        ids = {pid for pid, _ in pieces}
        kept = [p for p in paragraphs if p[0] not in ids]
        kept_chars = sum(len(p[2]) for p in kept)
        if not kept or kept_chars * 3 < sum(len(p[2]) for p in paragraphs):
            continue
        outlet, markdown = db.execute(
            "select outlet, body_markdown from articles where id = ?", [article]).fetchone()
        counts = dict(pieces)
        removed_texts = []
        for pid, position, text in paragraphs:
            if pid not in ids:
                continue
            removed_texts.append(text)
            removed_rows.append((f"{pid}-repeat", article, position, text,
                                 f"repeats in {counts[pid]} articles of {outlet_names.get(outlet, outlet)}"))
            gone.append((pid,))
        body_text = "\n\n".join(p[2] for p in kept)
        bodies.append((body_text, drop_markdown_blocks(markdown or "", removed_texts),
                       len(body_text.split()), article))
        if len(bodies) >= WRITE_BATCH:
            moved += _write(db, removed_rows, gone, bodies)
    return moved + _write(db, removed_rows, gone, bodies)


WRITE_BATCH = 1000  # articles rewritten per batch


def _write(db, removed_rows: list, gone: list, bodies: list) -> int:
    db.conn.executemany("insert into removed_blocks (id, article, position, text, reason, score) "
                        "values (?, ?, ?, ?, ?, null)", removed_rows)
    for table, column in (("paragraphs", "id"), ("figures", "paragraph"), ("quotes", "paragraph")):
        db.conn.executemany(f"delete from {table} where {column} = ?", gone)
    db.conn.executemany("update articles set body_text = ?, body_markdown = ?, word_count = ? where id = ?",
                        bodies)
    moved = len(gone)
    for batch in (removed_rows, gone, bodies):
        batch.clear()
    return moved


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")


def markdown_block_text(block: str) -> str:
    """The plain text a Markdown block renders to, near enough to compare
    with a paragraph's text."""
    text = _MD_LINK.sub(r"\1", block)
    text = " ".join(_MD_MARKUP.sub("", line.strip()) for line in text.splitlines())
    text = _MD_ESCAPE.sub(r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    return " ".join(text.split())


def drop_markdown_blocks(markdown: str, texts: list[str]) -> str:
    """The Markdown without the blocks whose text is one of `texts`."""
    wanted = {" ".join(t.split()) for t in texts}
    blocks = re.split(r"\n{2,}", markdown)
    kept = [b for b in blocks if markdown_block_text(b) not in wanted]
    return "\n\n".join(kept)
