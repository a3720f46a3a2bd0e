"""Copies across the corpus: whole-article duplicates and shared passages.

Near-duplicates are found with MinHash signatures (datasketch) and
locality-sensitive hashing (ingest/corpus/minhash.py), with the LSH band keys
sorted part by part from temporary files, so time grows with the corpus,
not with its square, and memory stays flat however big the corpus is:

- Articles: each body becomes the set of its 5-word shingles. Two articles
  sharing an LSH band key (Jaccard around ARTICLE_LSH_THRESHOLD or more) are
  candidates; each candidate pair is checked exactly, re-reading the two
  texts. An article is a copy of another when at least COPY_CONTAINMENT of
  its shingles are in the other one: a repost with holes ("[…]") or a blog's
  copy of a wire story with a line added is still a copy. The original is
  the earlier one (by published date), else the one that contains more of
  the other, else the smaller id.
- Paragraphs: each paragraph of at least MIN_PASSAGE_WORDS words becomes the
  set of its 3-word shingles, indexed the same way; pairs in articles of
  different outlets (or different articles when outlets are unknown) that
  are similar enough are `shared_passages`, with which came first when the
  dates tell.

A band key shared by many items (a paragraph carried by hundreds of
outlets) pairs each item with the bucket's first MAX_CANDIDATES items only,
so a bucket costs linear, not quadratic, work. All deterministic: fixed
hash seeds, candidates sorted.

Computing the signatures is most of the cost, and a text's band keys
depend on nothing but the text: given a `memo` (the build's kept analyses,
ingest/store/cache.py), the keys of texts seen by an earlier build are reused,
so a rebuild computes them only for new and changed texts.
"""

from __future__ import annotations

import tempfile
from array import array
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol, Sequence

from . import minhash
from .minhash import tokens

ARTICLE_SHINGLE = 5
PASSAGE_SHINGLE = 3
ARTICLE_LSH_THRESHOLD = 0.3
PASSAGE_LSH_THRESHOLD = 0.4
COPY_CONTAINMENT = 0.7
PASSAGE_SIMILARITY = 0.5  # Jaccard, or containment of the shorter, whichever is larger
MIN_PASSAGE_WORDS = 12
MAX_CANDIDATES = 50  # per bucket: the first items of a crowded bucket stand for it
CHUNK = 500  # signatures computed per batch
PART_KEYS = 1_000_000  # band keys sorted in memory at once (12 bytes each with their item)


def shingles(text: str, k: int) -> set[str]:
    """The text's k-word shingles (of `tokens`); a text of k words or fewer
    is one shingle, an empty one none."""
    words = tokens(text)
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def containment(a: set, b: set) -> float:
    """Share of a's shingles that are in b."""
    return len(a & b) / len(a) if a else 0.0


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Item:
    id: str
    group: str  # items in the same group are never paired (same article or outlet)
    published: str | None


# --- candidates by LSH ------------------------------------------------------------

class KeyMemo(Protocol):
    """Band keys kept between builds, by text digest (ingest/store/cache.py),
    each text's as the bytes of an array of native 64-bit integers."""

    def band_keys(self, kind: str, digests: list[bytes]) -> dict[bytes, bytes]: ...

    def keep_band_keys(self, kind: str, keys: dict[bytes, bytes]) -> None: ...


def _band_keys_memo(texts: Sequence[str], k: int, threshold: float, ranges, memo: KeyMemo | None):
    """The texts' band keys, one row per text (numpy, int64)."""
    import numpy as np

    if memo is None:
        return np.asarray(minhash.band_keys(texts, k, ranges), dtype=np.int64).reshape(len(texts), len(ranges))
    kind = minhash.memo_kind(k, threshold)
    digests = [minhash.text_digest(t) for t in texts]
    known = memo.band_keys(kind, digests)
    missing = [i for i, d in enumerate(digests) if d not in known]
    if missing:
        fresh = {digests[i]: array("q", keys).tobytes()
                 for i, keys in zip(missing, minhash.band_keys([texts[i] for i in missing], k, ranges))}
        memo.keep_band_keys(kind, fresh)
        known.update(fresh)
    return np.frombuffer(b"".join(known[d] for d in digests), dtype=np.int64).reshape(len(texts), len(ranges))


_KEY_ROW = [("key", "<i8"), ("item", "<i4")]


def candidate_pairs(items: Sequence[Item], texts: Callable[[int], str], k: int, threshold: float,
                    memo: KeyMemo | None = None) -> Iterator[tuple[int, int]]:
    """Pairs (i, j), i < j, of item indexes sharing an LSH band key, never
    two of the same group, in (i, j) order.

    Each (key, item) row goes to one of a few temporary files, chosen by the
    key, so that a file holds at most PART_KEYS rows; each file is then
    sorted by key in memory (numpy) and its buckets read off. Memory stays
    flat however big the corpus. (Files and numpy, not a SQLite table:
    SQLite is slower to insert and index the keys.)"""
    import numpy as np

    ranges = minhash.bands(threshold)
    n = len(items)
    parts = max(1, -(-n * len(ranges) // PART_KEYS))
    files = [tempfile.TemporaryFile(prefix="press-atlas-lsh-") for _ in range(parts)]
    try:
        # All texts once, in item order: one query, not one per item, when
        # the texts can say so.
        in_order = texts.in_order() if hasattr(texts, "in_order") else map(texts, range(n))
        for start in range(0, n, CHUNK):
            chunk = range(start, min(start + CHUNK, n))
            keys = _band_keys_memo([next(in_order) for _ in chunk], k, threshold, ranges, memo)
            rows = np.empty(len(chunk) * len(ranges), dtype=_KEY_ROW)
            rows["key"] = keys.ravel()
            rows["item"] = np.repeat(np.arange(chunk.start, chunk.stop, dtype=np.int32), len(ranges))
            part = rows["key"] % parts
            for p, fh in enumerate(files):
                rows[part == p].tofile(fh)
        for _rest in in_order:
            raise RuntimeError("more texts than items")
        group_ids: dict[str, int] = {}
        groups = np.array([group_ids.setdefault(item.group, len(group_ids)) for item in items], dtype=np.int64)
        found = []
        for fh in files:
            fh.seek(0)
            found.append(_pairs_in_part(np.fromfile(fh, dtype=_KEY_ROW), groups))
    finally:
        for fh in files:
            fh.close()
    for code in np.unique(np.concatenate(found)).tolist() if found else ():
        yield divmod(code, n)


def _pairs_in_part(rows, groups):
    """Codes i * len(groups) + j of the pairs (i < j, different groups)
    sharing a key among these rows: each item pairs with the first
    MAX_CANDIDATES items (by index) of each bucket it is in; all of them,
    in an ordinary bucket."""
    import numpy as np

    rows = rows[np.argsort(rows["key"], kind="stable")]  # stable: items stay in index order within a key
    keys, owners = rows["key"], rows["item"].astype(np.int64)
    if len(keys) < 2:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    bucket = np.repeat(np.arange(len(starts)), sizes)
    position = np.arange(len(keys))
    rank = position - starts[bucket]
    after = (starts + sizes)[bucket] - position - 1  # members of its bucket after this row
    count = np.where(rank < MAX_CANDIDATES, after, 0)
    a = np.repeat(position, count)
    b = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(count) - count, count)
    i, j = owners[a], owners[b]
    keep = (j > i) & (groups[i] != groups[j])
    return i[keep] * len(groups) + j[keep]


def _earlier(a: Item, b: Item) -> Item | None:
    """The item published first, when both dates say so (compared by day)."""
    if a.published and b.published and a.published[:10] != b.published[:10]:
        return a if a.published[:10] < b.published[:10] else b
    return None


def judge_copy(a: Item, b: Item, sa: set, sb: set) -> tuple[str, str, float] | None:
    """(copy id, original id, containment) when one article copies the other."""
    a_in_b, b_in_a = containment(sa, sb), containment(sb, sa)
    if max(a_in_b, b_in_a) < COPY_CONTAINMENT:
        return None
    first = _earlier(a, b)
    if first is None:
        if a_in_b != b_in_a:
            first = b if a_in_b > b_in_a else a  # the original holds more of the copy
        else:
            first = a if a.id < b.id else b
    copy = b if first is a else a
    # The copy itself must be mostly found in the original: a long later
    # article quoting an earlier brief is not a copy of it.
    copied = a_in_b if copy is a else b_in_a
    if copied < COPY_CONTAINMENT:
        return None
    return copy.id, first.id, round(copied, 3)


def resolve_chains(best: dict[str, tuple[str, float]]) -> dict[str, tuple[str, float]]:
    """Point every copy at the root of its chain (a copy of a copy -> the original)."""
    for copy in list(best):
        seen = {copy}
        original, score = best[copy]
        while original in best and original not in seen:
            seen.add(original)
            original = best[original][0]
        best[copy] = (original, score)
    return {c: v for c, v in best.items() if v[0] != c}


def find_article_copies(items: Sequence[Item], texts: Sequence[str]) -> dict[str, tuple[str, float]]:
    """{copy id: (original id, containment)} among texts, in memory (for
    small sets and tests; the build uses link_article_copies)."""
    return _copies(items, texts.__getitem__)


def _copies(items, texts, memo: KeyMemo | None = None) -> dict[str, tuple[str, float]]:
    best: dict[str, tuple[str, float]] = {}
    for i, j in candidate_pairs(items, texts, ARTICLE_SHINGLE, ARTICLE_LSH_THRESHOLD, memo):
        verdict = judge_copy(items[i], items[j], shingles(texts(i), ARTICLE_SHINGLE),
                             shingles(texts(j), ARTICLE_SHINGLE))
        if verdict is None:
            continue
        copy, original, score = verdict
        if copy not in best or score > best[copy][1] or (score == best[copy][1] and original < best[copy][0]):
            best[copy] = (original, score)
    return resolve_chains(best)


def _passages(items, texts, memo: KeyMemo | None = None) -> list[tuple[str, str, float, str | None]]:
    pairs = []
    for i, j in candidate_pairs(items, texts, PASSAGE_SHINGLE, PASSAGE_LSH_THRESHOLD, memo):
        a, b = items[i], items[j]
        sa, sb = shingles(texts(i), PASSAGE_SHINGLE), shingles(texts(j), PASSAGE_SHINGLE)
        shorter, longer = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
        similarity = max(jaccard(sa, sb), containment(shorter, longer))
        if similarity < PASSAGE_SIMILARITY:
            continue
        first = _earlier(a, b)
        x, y = (a, b) if a.id < b.id else (b, a)
        pairs.append((x.id, y.id, round(similarity, 3), first.id if first else None))
    return sorted(pairs)


def find_shared_passages(items: Sequence[Item], texts: Sequence[str]) -> list[tuple[str, str, float, str | None]]:
    """[(paragraph a, paragraph b, similarity, which came first or None)], in memory."""
    return _passages(items, texts.__getitem__)


class _Texts:
    """Texts read from the database by row id when asked for, a few at a
    time; or all of them, streamed, by `order_sql` (which must give them in
    the order of `ids`)."""

    def __init__(self, db, sql: str, ids: list[str], order_sql: str | None = None, params: Sequence = ()):
        self.db, self.sql, self.ids = db, sql, ids
        self.order_sql, self.params = order_sql, params

    def __call__(self, i: int) -> str:
        row = self.db.execute(self.sql, [self.ids[i]]).fetchone()
        return row[0] if row else ""

    def in_order(self):
        if self.order_sql is None:
            return map(self, range(len(self.ids)))
        return ((text or "") for (text,) in self.db.conn.execute(self.order_sql, self.params))


def link_copies(db, memo: KeyMemo | None = None) -> None:
    """Set articles.duplicate_of / copy_score and fill shared_passages."""
    link_article_copies(db, memo)
    link_shared_passages(db, memo)


def link_article_copies(db, memo: KeyMemo | None = None) -> None:
    """Set articles.duplicate_of / copy_score (what the quote clusters and
    the stories read)."""
    articles = [Item(aid, outlet or aid, published) for aid, outlet, published in db.execute(
        "select id, outlet, published from articles order by id")]
    texts = _Texts(db, "select body_text from articles where id = ?", [a.id for a in articles],
                   "select body_text from articles order by id")
    copies = _copies(articles, texts, memo)
    db.conn.executemany(
        "update articles set duplicate_of = ?, copy_score = ? where id = ?",
        [(original, score, copy) for copy, (original, score) in sorted(copies.items())],
    )


def link_shared_passages(db, memo: KeyMemo | None = None) -> None:
    """Fill shared_passages (which no other pass reads: with a second
    process, the build does it while the stories are grouped there)."""
    long_enough = "length(p.text) - length(replace(p.text, ' ', '')) >= ?"
    passages = [
        Item(pid, outlet or article, published)
        for pid, article, outlet, published in db.execute(
            f"""select p.id, p.article, a.outlet, a.published
               from paragraphs p join articles a on a.id = p.article
               where {long_enough} order by p.id""",
            [MIN_PASSAGE_WORDS - 1])
    ]
    texts = _Texts(db, "select text from paragraphs where id = ?", [p.id for p in passages],
                   f"""select p.text from paragraphs p join articles a on a.id = p.article
                       where {long_enough} order by p.id""", [MIN_PASSAGE_WORDS - 1])
    rows = [
        {"id": f"{a}~{b}", "paragraph_a": a, "paragraph_b": b, "similarity": s, "first": first}
        for a, b, s, first in _passages(passages, texts, memo)
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
