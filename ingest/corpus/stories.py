"""Stories: articles about the same event, grouped as a stream.

Articles arrive in publication order and each joins the story it is most
similar to, or starts a new one, so the grouping works on a stream as well
as on a fixed set. Each article is compared only with the stories that
share one of its heaviest terms (the most recent ones for a common term),
so the cost stays near linear in the number of articles.

Similarity is the cosine of TF-IDF vectors (title words count three times:
the headline says what the event is), minus a penalty that grows with the
time between the article and the story's dates. An article more than
WINDOW_DAYS days from a story's dates never joins it: the same words a
year apart are another event. An article is compared with the story's
centroid and with its closest recent member, so a story grows along a
chain of follow-ups. There is no final pass merging stories with alike
centroids: it would cost the square of the number of stories.

Shared entities and quotes count as terms of their own: an article that
names the same people and places, or carries a version of the same quoted
statement, is closer to the story. They go through the same IDF weighting
as words, so "Ukraine" in every article counts for little and a statement
quoted by five outlets for a lot.

Memory stays flat as the corpus grows: only each article's lead is kept,
vectors are built as the articles stream past in date order, a story stops
taking articles (and its vectors are dropped) once the stream is more than
WINDOW_DAYS past it, and each term remembers only its few latest stories.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from array import array
from datetime import date
from sys import intern
from typing import Iterable

WINDOW_DAYS = 90
TIME_PENALTY = 0.04  # per doubling of the gap, in weeks, between the article and the story
JOIN_THRESHOLD = 0.14  # chosen on the even-numbered events of giveme5w1h (bench/linking.py --part tune)
TITLE_WEIGHT = 3
BODY_WORDS = 400  # the lead says what happened; the tail drifts
# How often an entity or a quoted statement counts, as against a body word.
# A statement quoted in several versions is strong evidence of one event,
# even when a retranslation shares few other words: weighted so that two
# such reports meet the threshold (tests/test_stories.py); the benchmark
# does not pick this weight, the use case does. A name adds little to the
# words that spell it, but joins its spellings (Zelensky / Zelenskiy /
# Zelenskyy are one entity); its weight was chosen on the even events
# (bench/linking.py --part tune), and a heavier one hurts.
KEY_WEIGHTS = {"quote": 6.0, "entity": 0.5}
TOP_TERMS = 20  # an article finds candidate stories through its 20 heaviest terms
MAX_STORIES_PER_TERM = 10  # the most recent stories with a term: a common term stays cheap
CANDIDATES = 24  # stories sharing the most top terms with an article get a centroid score
CLOSE_LOOK = 4  # candidates (best by centroid) also compared with their recent members
RECENT = 8  # members an article is compared with, one by one
SWEEP_EVERY = 500  # articles between two sweeps for stories the stream has left behind

_WORD = re.compile(r"[^\W\d_]{3,}")
_TOKEN = re.compile(r"\w+")
STOPWORDS = frozenset("""
the and for are but not you all any can had her was one our out day get has him his how man new now old see
two way who boy did its let put say she too use that with have this will your from they know want been good
much some time very when come here just like long make many more only over such take than them well were
what said says also would could their there about after before which while where other into after since
than then these those being under again among most mr ms mrs per via yet whose upon told last year years
week month today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
""".split())


@dataclass
class StoryInput:
    id: str
    title: str
    text: str
    published: str | None  # ISO date or datetime; None for undated
    # Entity and quote-cluster ids ("entity:person:...", "quote:qc-..."):
    # terms of their own, weighted like words. Keys hold a colon, so they
    # never collide with a word.
    keys: frozenset = frozenset()


@dataclass
class Story:
    members: list[str] = field(default_factory=list)  # article ids, in the order they joined
    recent: list[dict] = field(default_factory=list)  # the vectors of the latest RECENT members
    centroid: Counter = field(default_factory=Counter)
    norm_sq: float = 0.0  # the centroid's squared norm, kept up to date as articles join
    first: date | None = None
    last: date | None = None


def _day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _terms(item: StoryInput, keys: bool = True) -> Counter:
    """Word counts: the title's count TITLE_WEIGHT times, the body's first
    BODY_WORDS tokens once; numbers count (a death toll, a year), short
    words and stopwords do not. Entity and quote keys count as KEY_WEIGHTS
    says (not at all with keys=False)."""
    terms = Counter()
    for text, weight, limit in ((item.title, TITLE_WEIGHT, None), (item.text, 1, BODY_WORDS)):
        words = [w for w in map(str.casefold, _TOKEN.findall(text)[:limit])
                 if (len(w) >= 3 or w.isdigit()) and w not in STOPWORDS and "_" not in w]
        for _ in range(weight):
            terms.update(words)  # (counted in C)
    if keys:
        for key in sorted(item.keys):  # sorted: the same dict order, so the same sums, in every run
            terms[key] += KEY_WEIGHTS.get(key.partition(":")[0], 0.0)
    return +terms  # (drops keys of a kind weighted 0)


def lead(text: str, words: int = BODY_WORDS) -> str:
    """The text up to its `words`-th token: all that the story vectors read."""
    for k, match in enumerate(_TOKEN.finditer(text), start=1):
        if k == words:
            return text[:match.end()]
    return text


def _vector(terms: Iterable[tuple[str, float]], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF with smoothed IDF, L2-normalised, as a sparse dict.
    Smoothed as scikit-learn's: a word in every article still counts a
    little, so a small corpus about one event is one story."""
    v = {t: (1 + math.log(c)) * idf[t] for t, c in terms}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _idf(df: Counter, n: int) -> dict[str, float]:
    return {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}


def _dot(a: dict, b: dict) -> float:
    """Sparse dot product over the shared terms only (the key-set
    intersection runs in C); fsum, so the result does not depend on the
    set's iteration order, which changes with Python's hash seed."""
    if len(a) > len(b):
        a, b = b, a
    return math.fsum([a[t] * b[t] for t in a.keys() & b.keys()])


def _cosine_to_centroid(v: dict, story: "Story") -> float:
    return _dot(v, story.centroid) / (math.sqrt(story.norm_sq) or 1.0)


def _join(story: "Story", v: dict) -> None:
    """Add a vector to the story's centroid, updating its norm in O(len(v))
    rather than O(size of the centroid)."""
    for t, x in v.items():
        old = story.centroid.get(t, 0.0)
        story.norm_sq += (old + x) ** 2 - old * old
        story.centroid[t] = old + x


def _in_window(day: date | None, story: Story) -> bool:
    if day is None or story.first is None:
        return True
    return (story.first - day).days <= WINDOW_DAYS and (day - story.last).days <= WINDOW_DAYS


def _gap_days(day: date | None, story: Story) -> int:
    if day is None or story.first is None:
        return 0
    return max(0, (story.first - day).days, (day - story.last).days)


def group_stories(items: list[StoryInput], threshold: float = JOIN_THRESHOLD,
                  keys: bool = True) -> list[list[str]]:
    """Stories as lists of item ids, each in publication order; every item
    is in exactly one story (a story may have one article). Undated items
    come last and join a story still open, or start their own."""
    if not items:
        return []
    # First pass: each item's terms, kept (as compactly as its lead), and
    # their document frequencies. The terms are interned: the dot products
    # then compare the same string objects, not equal ones (no comparison
    # reads two strings from memory).
    counted: list[tuple[tuple[str, ...], array] | None] = []
    df: Counter = Counter()
    for item in items:
        terms = _terms(item, keys)
        words = tuple(map(intern, terms))
        counted.append((words, array("d", terms.values())))
        df.update(words)
    n = len(items)
    idf = _idf(df, n)
    del df
    order = sorted(range(n), key=lambda i: (_day(items[i].published) or date.max, items[i].id))
    stories: list[Story] = []
    open_stories: set[int] = set()
    # term -> the latest stories whose articles carry it among their top
    # terms: an article is compared only with the stories it shares a top
    # term with.
    by_term: dict[str, list[int]] = {}
    for seen, i in enumerate(order):
        item = items[i]
        v, day = _vector(zip(*counted[i]), idf), _day(item.published)
        counted[i] = None
        if day is not None and seen % SWEEP_EVERY == 0:
            _close_stories_left_behind(stories, open_stories, day)
        top = sorted(v, key=lambda t: (-v[t], t))[:TOP_TERMS]
        shared = Counter(s for t in top for s in by_term.get(t, ()) if s in open_stories)
        candidates = sorted(shared, key=lambda s: (-shared[s], s))[:CANDIDATES]
        # First the centroid score of every candidate (one dot product
        # each), then the closest-member score for the best few only.
        scored = []
        for s in candidates:
            story = stories[s]
            if not _in_window(day, story):
                continue
            penalty = TIME_PENALTY * math.log2(1 + _gap_days(day, story) / 7)
            scored.append((_cosine_to_centroid(v, story) - penalty, penalty, s))
        scored.sort(key=lambda x: (-x[0], x[2]))
        best, best_score = None, threshold
        for centroid_score, penalty, s in scored[:CLOSE_LOOK]:
            story = stories[s]
            score = max(centroid_score, max(_dot(v, m) for m in story.recent) - penalty)
            if score > best_score or (score == best_score and best is not None and s < best):
                best, best_score = s, score
        if best is None:
            best = len(stories)
            stories.append(Story())
            open_stories.add(best)
        story = stories[best]
        story.members.append(item.id)
        story.recent = (story.recent + [v])[-RECENT:]
        _join(story, v)
        for t in top:
            posting = by_term.setdefault(t, [])
            if not posting or posting[-1] != best:
                posting.append(best)
                del posting[:-MAX_STORIES_PER_TERM]
        if day is not None:
            story.first = min(story.first or day, day)
            story.last = max(story.last or day, day)
    return [s.members for s in stories]  # members join in order


def _close_stories_left_behind(stories: list[Story], open_stories: set[int], day: date) -> None:
    """Articles come in date order: a story whose last article is more than
    WINDOW_DAYS before `day` can take no more, so its vectors are dropped."""
    for s in [s for s in open_stories if stories[s].last is not None
              and (day - stories[s].last).days > WINDOW_DAYS]:
        open_stories.discard(s)
        stories[s].recent, stories[s].centroid = [], Counter()


def story_title(titles: list[str]) -> str:
    """The story's title: the member headline that shares most words with the others."""
    if len(titles) == 1:
        return titles[0]
    words = [set(_WORD.findall(t.casefold())) - STOPWORDS for t in titles]
    # Summed over the other headlines, the words shared with each are the
    # number of headlines holding each of its words: linear, not quadratic,
    # in the story's size.
    df = Counter(x for w in words for x in w)
    scores = [sum(df[x] for x in w) for w in words]
    return titles[max(range(len(titles)), key=lambda k: (scores[k], -len(titles[k])))]


def story_keys(db) -> dict[str, set[str]]:
    """Each article's entities and the quoted statements it shares with
    another article, as story keys."""
    keys: dict[str, set[str]] = {}
    for article, key in db.execute("""
            select distinct article, 'entity:' || entity from mentions
            union all
            select distinct m.article, 'quote:' || m.cluster from quote_cluster_members m
            join quote_clusters c on c.id = m.cluster where c.version_count > 1"""):
        keys.setdefault(article, set()).add(key)
    return keys


def story_items(db) -> list[StoryInput]:
    """What `group_stories` reads of each article that is not a copy."""
    keys = story_keys(db)
    return [
        StoryInput(aid, title or "", lead(body or ""), published, frozenset(keys.pop(aid, ())))
        for aid, title, body, published in db.execute(
            "select id, title, body_text, published from articles where duplicate_of is null order by id")
    ]


def write_stories(db, groups: list[list[str]]) -> None:
    """`stories` from the groups `group_stories(story_items(db))` found, and
    each article's story: a copy joins its original's."""
    db.execute("create temp table _story_members (article text primary key, story text)")
    for group in groups:
        sid = f"story-{group[0]}"
        db.conn.executemany("insert into _story_members values (?, ?)", [(a, sid) for a in group])
    del groups
    db.execute("""update articles set story = (select story from _story_members s where s.article = articles.id)
                  where duplicate_of is null""")
    db.execute("""update articles set story = (select o.story from articles o where o.id = articles.duplicate_of)
                  where duplicate_of is not null""")
    db.execute("drop table _story_members")
    rows = []
    for sid, titles, first, last in db.execute("""
            select story, json_group_array(title) filter (where title is not null and title != ''),
                   min(substr(published, 1, 10)), max(substr(published, 1, 10))
            from (select story, title, published from articles where duplicate_of is null order by published is null, published, id)
            group by story"""):
        titles = json.loads(titles)
        rows.append({"id": sid, "title": story_title(titles) if titles else None,
                     "first_published": first, "last_published": last})
        if len(rows) >= 1000:
            db["stories"].insert_all(rows)
            rows = []
    db["stories"].insert_all(rows)
    db.execute("""
        update stories set
          article_count = (select count(*) from articles a where a.story = stories.id),
          outlet_count = (select count(distinct a.outlet) from articles a where a.story = stories.id),
          outlets = (select group_concat(name, ', ') from (
              select distinct o.name from articles a join outlets o on o.id = a.outlet
              where a.story = stories.id order by o.name))
    """)
