"""Figures: numbers with what they count, compared across a story's outlets."""

from __future__ import annotations

import pytest

from helpers import rows
from ingest.document.figures import find_figures


@pytest.mark.parametrize("text, claim, value, qualifier, unit, noun, key", [
    ("Officials estimate that up to 11,000 North Korean troops were sent.", "up to 11,000 North Korean troops",
     11000, "up to", None, "North Korean troops", "troop"),
    ("Russia fired over 100 ballistic missiles overnight.", "over 100 ballistic missiles",
     100, "over", None, "ballistic missiles", "missile"),
    ("Air defences downed 15 Ukrainian drones.", "15 Ukrainian drones", 15, None, None, "Ukrainian drones", "drone"),
    ("an escalation in the nearly 34-month-old war", "nearly 34-month-old war", 34, "nearly", "month-old", "war",
     "war"),
    ("Repairs will cost €30 million.", "€30 million", 30_000_000, None, "EUR", None, "EUR"),
    ("Turnout was about 40% in the town.", "about 40%", 40, "about", "%", None, "%"),
    ("Some 1,200 people fled and two children were hurt.", "Some 1,200 people", 1200, "some", None, "people",
     "people"),
    ("The river rose 2.5 metres.", "2.5 metres", 2.5, None, "metres", "metres", "metre"),
])
def test_claims(text, claim, value, qualifier, unit, noun, key):
    found = {f.text: f for f in find_figures([text])}
    f = found[claim]
    assert (f.value, f.qualifier, f.unit, f.noun, f.noun_key) == (value, qualifier, unit, noun, key)
    assert text[f.start:f.end] == f.text and f.sentence in text


@pytest.mark.parametrize("text", [
    "On 14 October 2025 at 10:52 the brigade moved.",
    "The 68th Jaeger Brigade held the line in 2024.",
    "Call 0800 123 456 or visit page4 of the report.",
    "It happened on December 13.",
    "The meeting starts at 9 am.",
])
def test_not_figures(text):
    assert find_figures([text]) == []


def test_never_raises_on_junk():
    assert find_figures(["", "9" * 50_000, "€€€ 1,,,000 %%%", "1.2.3.4 -5- 6e7"]) is not None


@pytest.mark.nlp
def test_figures_that_disagree_within_the_sample_story(sample_db):
    from ingest.site import make_datasette
    import asyncio

    async def query():
        ds = make_datasette(sample_db)
        r = await ds.client.get("/press_atlas/figures_that_disagree.json?story=&_shape=array")
        assert r.status_code == 200
        return r.json()

    data = asyncio.run(query())
    people = {(r["outlet"], r["value"]) for r in data if r["counts"] == "people"}
    # Outlets put the number of evacuated people at 1,100, 1,150 and 1,200.
    assert {v for _, v in people} >= {1100, 1150, 1200}
    assert len({o for o, _ in people}) >= 3
    # Figures of a removed paragraph or a copy never appear.
    assert all(r["article"] not in {a for (a,) in rows(sample_db, "select id from articles where duplicate_of is not null")}
               for r in data)


@pytest.mark.parametrize("text, value, unit", [
    ("About 2000 troops were sent.", 2000, None),
    ("Police arrested 1999 protesters.", 1999, None),
    ("Almost 3.5m people have fled.", 3_500_000, None),
    ("a 40m breach in the wall", 40, "m"),
])
def test_year_like_counts_and_millions(text, value, unit):
    [f] = find_figures([text])
    assert (f.value, f.unit) == (value, unit)


@pytest.mark.parametrize("text", ["In 2024 the war went on.", "Since 2022 fighting has raged.", "2024 was hard."])
def test_years_are_not_figures(text):
    assert find_figures([text]) == []
