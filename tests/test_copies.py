"""Copies across outlets: whole-article reposts, shared passages, credits."""

from __future__ import annotations

import difflib

import pytest

from helpers import rows
from ingest.corpus import copies
from ingest.document import metadata


def _by_path(db) -> dict[str, dict]:
    out = {}
    for path, aid, outlet, dup, score in rows(db, """
            select s.path, a.id, a.outlet, a.duplicate_of, a.copy_score
            from articles a join sources s on s.id = a.source"""):
        out[path.split("/")[-1]] = {"id": aid, "outlet": outlet, "duplicate_of": dup, "score": score}
    return out


@pytest.mark.shared
@pytest.mark.nlp
def test_seed_repost_is_a_copy_of_its_original(seeds_db):
    arts = _by_path(seeds_db)
    repost = next(a for name, a in arts.items() if name.startswith("000_"))
    original = next(a for name, a in arts.items() if name.startswith("004_"))
    assert repost["duplicate_of"] == original["id"]
    assert repost["score"] >= 0.8
    # Nothing else among the seeds is a whole-article copy.
    assert [a for a in arts.values() if a["duplicate_of"]] == [repost]


@pytest.mark.shared
@pytest.mark.nlp
def test_seed_shared_passages_are_really_shared(seeds_db):
    passages = rows(seeds_db, """
        select pa.text, pb.text, x.article_a, x.article_b, x.similarity
        from shared_passages x join paragraphs pa on pa.id = x.paragraph_a
        join paragraphs pb on pb.id = x.paragraph_b""")
    arts = _by_path(seeds_db)
    repost, original = (next(a["id"] for n, a in arts.items() if n.startswith(p)) for p in ("000_", "004_"))
    between = [p for p in passages if {p[2], p[3]} == {repost, original}]
    assert len(between) >= 10
    for a, b, article_a, article_b, similarity in passages:
        assert article_a != article_b and similarity >= copies.PASSAGE_SIMILARITY
        # Checked independently of the shingles: the two texts read alike.
        matcher = difflib.SequenceMatcher(None, a.lower(), b.lower(), autojunk=False)
        assert matcher.ratio() >= 0.5 or a.lower() in b.lower() or b.lower() in a.lower()
    # Every long paragraph of the repost that appears word for word in the original is listed.
    original_texts = {t for (t,) in rows(seeds_db, "select text from paragraphs where article = ?", [original])}
    listed = {a for a, b, *_ in between} | {b for a, b, *_ in between}
    for (text,) in rows(seeds_db, "select text from paragraphs where article = ?", [repost]):
        if text in original_texts and len(text.split()) >= copies.MIN_PASSAGE_WORDS:
            assert text in listed


@pytest.mark.nlp
def test_sample_reposts_found_with_direction(sample_db):
    arts = _by_path(sample_db)
    assert arts["tidewatch-forum-repost-harbour-gazette.txt"]["duplicate_of"] == \
        arts["harbour-gazette-aveiro-sea-wall-breach.html"]["id"]
    assert arts["tide-and-town-blog-repost-ipw.txt"]["duplicate_of"] == \
        arts["iberia-press-wire-aveiro-sea-wall.txt"]["id"]
    originals = {"harbour-gazette-aveiro-sea-wall-breach.html", "iberia-press-wire-aveiro-sea-wall.txt"}
    assert {n for n, a in arts.items() if a["duplicate_of"]} == \
        {"tidewatch-forum-repost-harbour-gazette.txt", "tide-and-town-blog-repost-ipw.txt"}
    assert all(arts[n]["duplicate_of"] is None for n in originals)


@pytest.mark.nlp
def test_sample_credits(sample_db):
    credits = rows(sample_db, """
        select s.path, c.agency, c.kind from credits c join articles a on a.id = c.article
        join sources s on s.id = a.source""")
    blog = {(agency, kind) for path, agency, kind in credits if path.endswith("tide-and-town-blog-repost-ipw.txt")}
    assert blog == {("Iberia Press Wire", "source"), ("Iberia Press Wire", "according to")}


def test_credit_lines():
    lines = ["Source: Iberia Press Wire (IPW)", "According to Iberia Press Wire",
             "Additional reporting by agencies", "According to Reuters, the presence of troops was reported",
             "According to him, Moscow involved another state", "KYIV (Reuters) - Troops moved",
             "This story was originally published by The Harbour Gazette.",
             "The Associated Press contributed to this report.", "A photo (AFP via Getty Images)"]
    assert metadata.credits(lines) == [
        (0, "Iberia Press Wire", "source"), (1, "Iberia Press Wire", "according to"),
        (2, "agencies", "additional reporting"), (3, "Reuters", "according to"), (5, "Reuters", "dateline"),
        (6, "The Harbour Gazette", "republished"), (7, "AP", "contributed")]
    # Sourcing is recorded but is not the article's wire credit.
    assert metadata.wire_credit(lines[3:5]) is None


def _copies(*specs):
    """find_article_copies on (id, text, group, published) specs."""
    items = [copies.Item(i, g or i, p) for i, _t, g, p in specs]
    return copies.find_article_copies(items, [t for _i, t, _g, _p in specs])


STORY = " ".join(f"Sentence {w} tells how the wall at Aveiro broke on the night of the storm and why."
                 for w in "one two three four five six seven eight nine ten eleven twelve".split())


def test_copy_direction_by_date_then_by_content():
    holes = STORY.replace("the storm", "[…]", 3)
    # The later one is the copy, whichever holds more.
    found = _copies(("a", STORY, None, "2025-10-15"), ("b", holes, None, "2025-10-14"))
    assert list(found) == ["a"] and found["a"][0] == "b"
    # Without dates, the one holding the other's text is the original.
    found = _copies(("a", holes, None, None), ("b", STORY + " An extra closing line here.", None, None))
    assert list(found) == ["a"] and found["a"][0] == "b"


def test_same_outlet_and_unrelated_texts_are_not_copies():
    other = " ".join(f"Paragraph {w} is about the ferry timetable and the price of fish in Porto this week."
                     for w in "one two three four five six seven eight".split())
    assert _copies(("a", STORY, "x", None), ("b", STORY, "x", None)) == {}
    assert _copies(("a", STORY, None, None), ("b", other, None, None)) == {}


def test_chains_point_at_the_original():
    found = _copies(("a", STORY, None, "2025-10-14"), ("b", STORY, None, "2025-10-15"),
                    ("c", STORY, None, "2025-10-16"))
    assert {k: v[0] for k, v in found.items()} == {"b": "a", "c": "a"}


def test_a_crowded_bucket_stays_linear_but_linked():
    # 300 copies of one text: each is linked to the original, with far fewer
    # than 300 * 299 / 2 comparisons.
    specs = [(f"x{n:03d}", STORY, f"outlet{n}", f"2025-10-{1 + n // 100:02d}") for n in range(300)]
    found = _copies(*specs)
    assert set(found) == {f"x{n:03d}" for n in range(1, 300)}
    assert {v[0] for v in found.values()} == {"x000"}


def test_shared_passages_in_memory():
    items = [copies.Item("p1", "o1", "2025-10-14"), copies.Item("p2", "o2", "2025-10-15"),
             copies.Item("p3", "o1", None)]
    text = "The mayor said the wall had been inspected in the spring and nothing was found wrong with it."
    found = copies.find_shared_passages(items, [text, text.replace("spring", "summer"), text])
    # p1 and p3 share an outlet: never paired.
    assert [(a, b, first) for a, b, _s, first in found] == [("p1", "p2", "p1"), ("p2", "p3", None)]


def test_a_long_later_article_quoting_an_earlier_brief_is_no_copy():
    brief = " ".join(STORY.split()[:60])
    feature = brief + " " + " ".join(f"Paragraph {w} of the feature looks at the harbour, the ferries and the "
                                     f"fishermen who lost their boats in the storm last winter."
                                     for w in "one two three four five six seven eight nine ten".split())
    assert _copies(("brief", brief, None, "2025-05-02"), ("feature", feature, None, "2025-05-04")) == {}
