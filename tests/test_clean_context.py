"""The cuts that need the page around a line (clean.context_cuts): an
outlet's appeal of several paragraphs, a caption's uncredited twin, a
caption about another subject inserted between paragraphs. On the seeds
(built without NLP): a line that must go, recorded in removed_blocks with
its reason, and the article's paragraphs around it that must stay."""

from __future__ import annotations

import pytest
from helpers import build, rows

from ingest.document import clean

# (seed, a line that must go, the start of its reason, a paragraph next to it that must stay)
CUTS = [
    ("004", "From reproductive rights to climate change to Big Tech, The Independent is on the ground",
     "appeal", "Russia has deployed North Korean soldiers in significant numbers for the first time"),
    ("004", "The Independent is trusted by Americans across the entire political spectrum.",
     "appeal", "The Ukrainian president said North Korean troops are reportedly being used in assaults"),
    ("004", "Ukrainian president Volodymyr Zelensky lays flowers at the site of the missile strike",
     "caption: the uncredited twin", "The Kremlin has not confirmed or denied the involvement of North Korean"),
    ("004", "A Ukrainian tank crew member of the 68th Jaeger Brigade walks next to a Leopard 1A5 tank",
     "caption: the uncredited twin", "Ukrainian military reports indicate an escalation in fighting on the Kursk"),
    ("003", "Russia's airbase in the Syrian port city of Latakia has become a hive of activity",
     "caption: another subject", "Ukraine has battled to hold the area, although some Western military analysts"),
]


@pytest.fixture(scope="module")
def seed_articles(tmp_path_factory, seeds):
    db = build(tmp_path_factory.mktemp("seeds-no-nlp"), seeds, args=("--no-nlp",))
    bodies = {path.split("/")[-1][:3]: (aid, body) for aid, path, body in rows(
        db, "select a.id, s.path, a.body_text from articles a join sources s on s.id = a.source")}
    removed: dict[str, list[tuple[str, str]]] = {}
    for article, text, reason in rows(db, "select article, text, reason from removed_blocks"):
        removed.setdefault(article, []).append((text, reason))
    return bodies, removed


@pytest.mark.shared
@pytest.mark.parametrize("seed, goes, reason, stays", CUTS, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CUTS)])
def test_context_cut_goes_with_its_reason(seed_articles, seed, goes, reason, stays):
    bodies, removed = seed_articles
    article_id, body = bodies[seed]
    assert goes not in body
    reasons = [r for text, r in removed[article_id] if text.startswith(goes)]
    assert any(r.startswith(reason) for r in reasons), reasons
    assert stays in body


@pytest.mark.shared
def test_the_independent_opens_with_its_article(seed_articles):
    bodies, removed = seed_articles
    article_id, body = bodies["004"]
    assert body.startswith("Russia has deployed North Korean soldiers in significant numbers")
    # The whole appeal is recorded, its rule-cut lines and the paragraphs between them.
    appeal = [text for text, reason in removed[article_id] if "appeal" in reason]
    assert len(appeal) == 5
    # Each caption is cut twice (credited and not), no paragraph of the article is.
    assert sum("lays flowers" in text for text, _reason in removed[article_id]) == 2


@pytest.mark.shared
def test_no_context_cut_on_the_other_seeds(seed_articles):
    bodies, removed = seed_articles
    for seed in ("000", "001", "002"):
        article_id, _body = bodies[seed]
        reasons = [r for _text, r in removed.get(article_id, [])]
        assert not any(r.startswith(("appeal", "caption: another", "caption: the uncredited")) for r in reasons)


REPORT = [
    "The council voted on Tuesday to close the library, which opened in 1962.",
    "Its director said the building needed repairs the city could not pay for.",
    "Residents gathered outside the library on Wednesday to protest the decision.",
    "The library lent more than 40,000 books last year, according to the council.",
    "A petition to keep the library open has gathered 3,000 signatures.",
    "The council will meet again next month to hear the residents' objections.",
    "The director said the books would be moved to the central library in the city.",
]


def _cuts(lines):
    return clean.context_cuts(lines, [clean.rule_for(line) is None for line in lines])


def test_appeal_grows_over_the_outlets_voice_only():
    lines = [REPORT[0], "Your donation helps us keep our journalism free.",
             "We believe quality reporting should be available to every reader, without a paywall.",
             REPORT[1],
             # A quotation in the first person beside an appeal is reporting.
             "“We need our readers’ support,” the paper’s editor said of the journalism it funds.",
             *REPORT[2:]]
    cuts = _cuts(lines)
    assert set(cuts) == {2}
    assert cuts[2].startswith("appeal")


def test_newsletter_and_subscription_appeals_are_rules():
    for line in ["Sign up for our daily newsletter", "Subscribe now for unlimited access",
                 "Abonnez-vous à notre newsletter", "Jetzt abonnieren"]:
        assert clean.rule_for(line) in clean.APPEAL_RULES, line
    for line in ["Netflix said its subscribers rose by 10% in the quarter.",
                 "The newsletter's founder said she signed up 2,000 readers in a week."]:
        assert clean.rule_for(line) is None, line


def test_uncredited_twin_goes_only_when_its_credited_caption_is_cut():
    caption = "Firefighters work at the scene of the blaze in the old town"
    lines = [REPORT[0], caption, REPORT[1], REPORT[2], caption + " (AFP via Getty Images)", *REPORT[3:]]
    keep = [True, True, True, True, False, True, True, True, True]
    assert clean.context_cuts(lines, keep) == {1: "caption: the uncredited twin of a credited caption"}
    keep[4] = True
    assert clean.context_cuts(lines, keep) == {}


def test_inserted_caption_needs_another_subject_and_a_captions_shape():
    off_topic = "Volcanic ash drifted over Iceland's southern farms since Sunday's eruption. A plume and lightning."
    lines = [*REPORT[:3], off_topic, *REPORT[3:]]
    assert set(_cuts(lines)) == {3}
    # The same subject as the article: a paragraph, kept.
    on_topic = "The library's director said the council had closed it. A sad day."
    assert _cuts([*REPORT[:3], on_topic, *REPORT[3:]]) == {}
    # Another subject but written as a sentence: kept.
    aside = "Volcanic ash drifted over Iceland's southern farms since Sunday's eruption."
    assert _cuts([*REPORT[:3], aside, *REPORT[3:]]) == {}
    # Too short an article to judge what it is about: kept.
    assert _cuts([*REPORT[:2], off_topic, *REPORT[2:4]]) == {}
