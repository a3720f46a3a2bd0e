"""Stories: articles about one event grouped across outlets, as a stream."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from helpers import rows
from ingest.corpus import stories

SEA_WALL = "The sea wall at Aveiro broke during the storm and flooded the old town, the mayor said."
MISSILES = "North Korea fired a ballistic missile over Hokkaido on Friday, Japan's government said."


@pytest.mark.shared
@pytest.mark.nlp
def test_all_five_seeds_are_one_story(seeds_db):
    [(story, count, outlets)] = rows(seeds_db, "select id, article_count, outlet_count from stories")
    assert count == 5
    assert rows(seeds_db, "select count(*) from articles where story = ?", [story])[0][0] == 5


@pytest.mark.nlp
def test_sample_story_and_copies_join_their_original(sample_db):
    english = rows(sample_db, """select a.story, count(*) from articles a
                                 where a.language = 'en' group by a.story""")
    assert len(english) == 1 and english[0][1] == 11
    # A copy is in its original's story.
    assert rows(sample_db, """select count(*) from articles c join articles o on o.id = c.duplicate_of
                              where c.story is not o.story""")[0][0] == 0
    [(title, first, last, outlets)] = rows(sample_db, """select title, first_published, last_published,
        outlet_count from stories where id = ?""", [english[0][0]])
    assert "Aveiro" in title and first == "2025-10-14" and last == "2025-10-16" and outlets >= 6


def _items(n_each=4, days=(1, 1)):
    items = []
    for k in range(n_each):
        items.append(stories.StoryInput(f"w{k}", f"Aveiro sea wall breach floods old town ({k})",
                                        SEA_WALL * 3, f"2025-10-{10 + k % 2:02d}"))
        items.append(stories.StoryInput(f"m{k}", f"North Korea missile flies over Hokkaido ({k})",
                                        MISSILES * 3, f"2017-09-{15 + k % 2:02d}"))
    return items


def test_two_events_two_stories_whatever_the_order():
    items = _items()
    expected = sorted(sorted(s) for s in stories.group_stories(items))
    assert expected == [[f"m{k}" for k in range(4)], [f"w{k}" for k in range(4)]]
    random.Random(3).shuffle(items)
    assert sorted(sorted(s) for s in stories.group_stories(items)) == expected


def test_the_same_words_a_year_apart_are_two_stories():
    items = [stories.StoryInput("a", "Sea wall breach floods Aveiro", SEA_WALL * 3, "2024-10-14"),
             stories.StoryInput("b", "Sea wall breach floods Aveiro", SEA_WALL * 3, "2025-10-14")]
    assert len(stories.group_stories(items)) == 2


def test_story_title_is_the_most_central_headline():
    titles = ["Aveiro sea wall breached", "Storm: Aveiro sea wall breached, old town flooded", "Mayor speaks"]
    assert stories.story_title(titles) == "Storm: Aveiro sea wall breached, old town flooded"


def test_story_title_is_the_headline_sharing_most_words_with_the_others():
    """The linear count picks what comparing every pair of headlines picks."""
    import random

    rng = random.Random(7)
    vocabulary = "wall sea storm aveiro flood mayor town breach rescue rain river bridge".split()
    for _ in range(200):
        titles = [" ".join(rng.choices(vocabulary, k=rng.randint(1, 6))) for _ in range(rng.randint(2, 12))]
        words = [set(t.split()) for t in titles]
        pairwise = [sum(len(w & o) for o in words) for w in words]
        expected = titles[max(range(len(titles)), key=lambda k: (pairwise[k], -len(titles[k])))]
        assert stories.story_title(titles) == expected


def test_terms_count_title_words_three_times_and_the_lead_once():
    """Against the rule written out word by word, on text with every kind of token."""
    import random

    rng = random.Random(3)
    pieces = ["Zelensky", "ZELENSKY", "Straße", "İstanbul", "the", "at", "42", "7", "x_y", "a1", "Ünal", "ﬁre",
              "said", "北京", "war-time", "—", "..."]
    for _ in range(300):
        title = " ".join(rng.choices(pieces, k=rng.randint(0, 8)))
        text = " ".join(rng.choices(pieces, k=rng.randint(0, 900)))
        keys = frozenset(rng.sample(["entity:person:a", "quote:qc-1", "other:z"], rng.randint(0, 3)))
        expected = Counter()
        for body, weight, limit in ((title, 3, None), (text, 1, stories.BODY_WORDS)):
            for token in re.findall(r"\w+", body)[:limit]:
                word = token.casefold()
                if (len(word) >= 3 or word.isdigit()) and word not in stories.STOPWORDS and "_" not in word:
                    expected[word] += weight
        for key in keys:
            expected[key] += stories.KEY_WEIGHTS.get(key.partition(":")[0], 0.0)
        assert stories._terms(stories.StoryInput("a", title, text, None, keys)) == +expected


def test_a_statement_quoted_in_two_versions_joins_their_articles():
    """Two reports of one event that share few words (one retranslated the
    quote, spells the name differently and leads on other details) are one
    story because they carry versions of the same quoted statement and name
    the same person; without those keys they are two."""
    a = stories.StoryInput(
        "a", "Kyiv says troops repelled dawn assault near Pokrovsk",
        'Ukrainian defenders held their positions after a dawn assault, Zelenskiy said in his nightly address. '
        '"We will not give up a single metre of our land," he said.', "2024-12-01",
        frozenset({"quote:qc-1", "entity:person:volodymyr-zelensky"}))
    b = stories.StoryInput(
        "b", "Selenskyj: kein Meter Land wird aufgegeben",
        'Overnight shelling hit energy infrastructure in the east, officials reported, as President Selenskyj '
        'vowed: "Not one metre of our soil will be surrendered."', "2024-12-01",
        frozenset({"quote:qc-1", "entity:person:volodymyr-zelensky"}))
    others = [stories.StoryInput(f"o{k}", f"Unrelated story number {k} about {topic}", f"{topic} " * 20,
                                 "2024-12-01")
              for k, topic in enumerate(["football transfers", "bakery prices", "satellite launch",
                                         "river flooding", "museum reopening", "chess tournament"])]
    def story_of(groups):
        return {i: n for n, g in enumerate(groups) for i in g}
    without = story_of(stories.group_stories([a, b, *others], keys=False))
    assert without["a"] != without["b"]
    with_keys = story_of(stories.group_stories([a, b, *others]))
    assert with_keys["a"] == with_keys["b"]
    assert len({with_keys[o.id] for o in others} | {with_keys["a"]}) == len(others) + 1


@pytest.mark.shared
@pytest.mark.nlp
def test_build_fills_story_keys_from_mentions_and_quotes(seeds_db):
    import sqlite_utils

    keys = stories.story_keys(sqlite_utils.Database(seeds_db))
    articles = {a for (a,) in rows(seeds_db, "select id from articles")}
    assert set(keys) <= articles
    # Every article's entities are keys; the Zelensky statement quoted in three seeds is a shared key.
    for article, count in rows(seeds_db, "select article, count(distinct entity) from mentions group by article"):
        assert len([k for k in keys[article] if k.startswith("entity:")]) == count
    shared = [k for k in set().union(*keys.values()) if k.startswith("quote:")
              and sum(k in ks for ks in keys.values()) >= 3]
    assert shared
