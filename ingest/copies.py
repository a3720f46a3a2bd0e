"""Copies across the corpus: whole-article duplicates and shared passages.

Near-duplicates are found with MinHash and locality-sensitive hashing
(datasketch), so the cost grows with the corpus, not with its square:

- Articles: each body becomes the set of its 5-word shingles. Candidate
  pairs come from an LSH index at a low Jaccard threshold; each candidate is
  then checked exactly. An article is a copy of another when at least
  COPY_CONTAINMENT of its shingles are in the other one: a repost with
  holes ("[…]") or a blog's copy of a wire story with a line added is still
  a copy. The original is the earlier one (by published date), else the one
  that contains more of the other, else the smaller id.
- Paragraphs: each paragraph of at least MIN_PASSAGE_WORDS words becomes the
  set of its 3-word shingles, indexed the same way; pairs in articles of
  different outlets (or different articles when outlets are unknown) that
  are similar enough are `shared_passages`, with which came first when the
  dates tell.

All of it is deterministic: fixed hash seeds, candidates sorted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM_PERM = 64
ARTICLE_SHINGLE = 5
PASSAGE_SHINGLE = 3
ARTICLE_LSH_THRESHOLD = 0.3
PASSAGE_LSH_THRESHOLD = 0.4
COPY_CONTAINMENT = 0.7
PASSAGE_SIMILARITY = 0.5  # Jaccard, or containment of the shorter, whichever is larger
MIN_PASSAGE_WORDS = 12
MAX_CANDIDATES = 50  # per item: a paragraph carried by hundreds of outlets stays linear

_WORD = re.compile(r"\w+")
_HOLE = re.compile(r"\[…\]|\[\.\.\.\]")


def tokens(text: str) -> list[str]:
    return _WORD.findall(_HOLE.sub(" ", text).casefold())


def shingles(text: str, k: int) -> set[str]:
    words = tokens(text)
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _minhash(items: set[str]):
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch(s.encode("utf-8") for s in sorted(items))
    return m


def containment(a: set, b: set) -> float:
    """Share of a's shingles that are in b."""
    return len(a & b) / len(a) if a else 0.0


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Item:
    id: str
    group: str  # articles in the same group are never paired (same article or outlet)
    published: str | None
    shingles: frozenset


def candidate_pairs(items: list[Item], threshold: float):
    """Pairs (i, j), i < j, of item indexes whose MinHash signatures collide in
    an LSH index at `threshold`; never two items of the same group."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures = []
    for i, item in enumerate(items):
        m = _minhash(item.shingles)
        signatures.append(m)
        lsh.insert(i, m, check_duplication=False)
    seen = set()
    for i, m in enumerate(signatures):
        found = sorted(j for j in lsh.query(m) if j != i and items[j].group != items[i].group)
        for j in found[:MAX_CANDIDATES]:
            pair = (min(i, j), max(i, j))
            if pair not in seen:
                seen.add(pair)
                yield pair


def _earlier(a: Item, b: Item) -> Item | None:
    """The item published first, when both dates say so (compared by day)."""
    if a.published and b.published and a.published[:10] != b.published[:10]:
        return a if a.published[:10] < b.published[:10] else b
    return None


def find_article_copies(items: list[Item]) -> dict[str, tuple[str, float]]:
    """{copy id: (original id, containment)} for whole-article copies."""
    best: dict[str, tuple[str, float]] = {}
    for i, j in candidate_pairs(items, ARTICLE_LSH_THRESHOLD):
        a, b = items[i], items[j]
        a_in_b, b_in_a = containment(a.shingles, b.shingles), containment(b.shingles, a.shingles)
        if max(a_in_b, b_in_a) < COPY_CONTAINMENT:
            continue
        first = _earlier(a, b)
        if first is None:
            if a_in_b != b_in_a:
                first = b if a_in_b > b_in_a else a  # the original holds more of the copy
            else:
                first = a if a.id < b.id else b
        copy = b if first is a else a
        score = round(max(a_in_b, b_in_a), 3)
        if copy.id not in best or (score, first.id) > (best[copy.id][1], best[copy.id][0]):
            best[copy.id] = (first.id, score)
    # Point every copy at the root of its chain (copy of a copy -> the original).
    for copy in list(best):
        seen = {copy}
        original, score = best[copy]
        while original in best and original not in seen:
            seen.add(original)
            original = best[original][0]
        best[copy] = (original, score)
    return {c: v for c, v in best.items() if v[0] != c}


def find_shared_passages(items: list[Item]) -> list[tuple[str, str, float, str | None]]:
    """[(paragraph a, paragraph b, similarity, which came first or None)]."""
    pairs = []
    for i, j in candidate_pairs(items, PASSAGE_LSH_THRESHOLD):
        a, b = items[i], items[j]
        shorter, longer = (a, b) if len(a.shingles) <= len(b.shingles) else (b, a)
        similarity = max(jaccard(a.shingles, b.shingles), containment(shorter.shingles, longer.shingles))
        if similarity < PASSAGE_SIMILARITY:
            continue
        first = _earlier(a, b)
        x, y = (a, b) if a.id < b.id else (b, a)
        pairs.append((x.id, y.id, round(similarity, 3), first.id if first else None))
    return sorted(pairs)


def link_copies(db) -> None:
    """Set articles.duplicate_of / copy_score and fill shared_passages."""
    articles = [
        Item(aid, outlet or aid, published, frozenset(shingles(body, ARTICLE_SHINGLE)))
        for aid, outlet, published, body in db.execute(
            "select id, outlet, published, body_text from articles order by id")
    ]
    copies = find_article_copies(articles)
    db.conn.executemany(
        "update articles set duplicate_of = ?, copy_score = ? where id = ?",
        [(original, score, copy) for copy, (original, score) in sorted(copies.items())],
    )
    del articles

    passages = []
    for pid, article, outlet, published, text in db.execute(
        """select p.id, p.article, a.outlet, a.published, p.text
           from paragraphs p join articles a on a.id = p.article order by p.id"""
    ):
        if len(text.split()) >= MIN_PASSAGE_WORDS:
            passages.append(Item(pid, outlet or article, published,
                                 frozenset(shingles(text, PASSAGE_SHINGLE))))
    rows = [
        {"id": f"{a}~{b}", "paragraph_a": a, "paragraph_b": b, "similarity": s, "first": first}
        for a, b, s, first in find_shared_passages(passages)
    ]
    if rows:
        db["_passages"].insert_all(rows, batch_size=1000)
        db.execute(
            """insert into shared_passages
               (id, paragraph_a, article_a, outlet_a, paragraph_b, article_b, outlet_b, similarity, first)
               select x.id, x.paragraph_a, pa.article, aa.outlet, x.paragraph_b, pb.article, ab.outlet,
                      x.similarity, x.first
               from _passages x
               join paragraphs pa on pa.id = x.paragraph_a join articles aa on aa.id = pa.article
               join paragraphs pb on pb.id = x.paragraph_b join articles ab on ab.id = pb.article"""
        )
        db["_passages"].drop()
