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
chain of follow-ups. (A final pass merging stories with alike centroids
did not help on the benchmark and costs the square of the number of
stories, so there is none.)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

WINDOW_DAYS = 90
TIME_PENALTY = 0.04  # per doubling of the gap, in weeks, between the article and the story
JOIN_THRESHOLD = 0.14  # chosen on the even-numbered events of giveme5w1h (bench/linking.py --part tune)
TITLE_WEIGHT = 3
BODY_WORDS = 400  # the lead says what happened; the tail drifts
ENTITY_BONUS = 0.1  # per shared entity/quote key, up to MAX_BONUS
MAX_BONUS = 0.2
TOP_TERMS = 20  # an article finds candidate stories through its 20 heaviest terms
MAX_STORIES_PER_TERM = 10  # the most recent stories with a term: a common term stays cheap
CLOSE_LOOK = 8  # candidates (best by centroid) also compared with their recent members

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
    # Entity and quote-cluster ids: a bonus for the ones an article shares
    # with a story. The build does not fill them yet (not measured yet).
    keys: frozenset = frozenset()


@dataclass
class Story:
    members: list[int] = field(default_factory=list)
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


def _terms(item: StoryInput) -> Counter:
    """Word counts: the title's count TITLE_WEIGHT times, the body's first
    BODY_WORDS tokens once; numbers count (a death toll, a year), short
    words and stopwords do not."""
    terms = Counter()
    for text, weight, limit in ((item.title, TITLE_WEIGHT, None), (item.text, 1, BODY_WORDS)):
        for token in _TOKEN.findall(text)[:limit]:
            word = token.casefold()
            if (len(word) >= 3 or word.isdigit()) and word not in STOPWORDS and "_" not in word:
                terms[word] += weight
    return terms


def _vectors(items: list[StoryInput]) -> list[dict[str, float]]:
    """Sublinear TF-IDF with smoothed IDF, L2-normalised, one sparse dict per item."""
    terms = [_terms(i) for i in items]
    df = Counter(t for ts in terms for t in ts)
    n = len(items)
    vectors = []
    for ts in terms:
        # Smoothed IDF, as scikit-learn's: a word in every article still
        # counts a little, so a small corpus about one event is one story.
        v = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in ts.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    return vectors


def _dot(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


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


def group_stories(items: list[StoryInput], threshold: float = JOIN_THRESHOLD) -> list[list[str]]:
    """Stories as lists of item ids, each in publication order; every item
    is in exactly one story (a story may have one article)."""
    if not items:
        return []
    vectors = _vectors(items)
    order = sorted(range(len(items)), key=lambda i: (_day(items[i].published) or date.max, items[i].id))
    stories: list[Story] = []
    # term -> stories whose articles carry it among their top terms: an
    # article is compared only with the stories it shares a top term with.
    by_term: dict[str, list[int]] = {}
    for i in order:
        v, day = vectors[i], _day(items[i].published)
        top = sorted(v, key=lambda t: (-v[t], t))[:TOP_TERMS]
        candidates = sorted({s for t in top for s in by_term.get(t, ())[-MAX_STORIES_PER_TERM:]})
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
            recent = story.members[-20:]
            score = max(centroid_score, max(_dot(v, vectors[m]) for m in recent) - penalty)
            shared = sum(len(items[i].keys & items[m].keys) for m in recent)
            score += min(MAX_BONUS, ENTITY_BONUS * shared / max(1, len(recent)))
            if score > best_score or (score == best_score and best is not None and s < best):
                best, best_score = s, score
        if best is None:
            best = len(stories)
            stories.append(Story())
        story = stories[best]
        story.members.append(i)
        _join(story, v)
        for t in top:
            posting = by_term.setdefault(t, [])
            if not posting or posting[-1] != best:
                posting.append(best)
        if day is not None:
            story.first = min(story.first or day, day)
            story.last = max(story.last or day, day)
    return [[items[m].id for m in s.members] for s in stories]  # members join in order


def story_title(titles: list[str]) -> str:
    """The story's title: the member headline that shares most words with the others."""
    if len(titles) == 1:
        return titles[0]
    words = [set(_WORD.findall(t.casefold())) - STOPWORDS for t in titles]
    scores = [sum(len(w & o) for o in words) for w in words]
    return titles[max(range(len(titles)), key=lambda k: (scores[k], -len(titles[k])))]


def link_stories(db) -> None:
    """Group the corpus's articles into `stories` and set `articles.story`.
    A copy joins its original's story."""
    items = [
        StoryInput(aid, title or "", body or "", published)
        for aid, title, body, published in db.execute(
            "select id, title, body_text, published from articles where duplicate_of is null order by id")
    ]
    groups = group_stories(items)
    rows, members = [], []
    info = {aid: (title, published, outlet) for aid, title, published, outlet in db.execute(
        "select id, title, published, outlet from articles")}
    for group in groups:
        sid = f"story-{group[0]}"
        titles = [info[a][0] for a in group if info[a][0]]
        dates = sorted(info[a][1][:10] for a in group if info[a][1])
        members += [(sid, a) for a in group]
        rows.append({"id": sid, "title": story_title(titles) if titles else None,
                     "first_published": dates[0] if dates else None,
                     "last_published": dates[-1] if dates else None})
    db["stories"].insert_all(rows, batch_size=1000)
    db.conn.executemany("update articles set story = ? where id = ?", members)
    db.execute("""update articles set story = (select o.story from articles o where o.id = articles.duplicate_of)
                  where duplicate_of is not null""")
    db.execute("""
        update stories set
          article_count = (select count(*) from articles a where a.story = stories.id),
          outlet_count = (select count(distinct a.outlet) from articles a where a.story = stories.id),
          outlets = (select group_concat(name, ', ') from (
              select distinct o.name from articles a join outlets o on o.id = a.outlet
              where a.story = stories.id order by o.name))
    """)
