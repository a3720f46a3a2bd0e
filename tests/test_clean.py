"""The text cleaner on the seeds: for each kind of furniture they carry, a
line that must go (and be recorded in removed_blocks) and a line that must
stay; holes where a forum hid content; and the cleaner's model itself."""

from __future__ import annotations

import pytest

from helpers import rows
from ingest.document import clean, extract

# (seed, kind, a line that must go, a line of the article that must stay)
FURNITURE = [
    ("000", "navigation", "Jump to content",
     "Mr Zelensky warned the deployment of North’s forces could extend to other battle zones."),
    ("000", "forum chrome", "Reply to this topic...",
     "The Kremlin has not confirmed or denied the involvement of North Korean troops."),
    ("000", "forum chrome", "Recommended Posts",
     "Ukrainian military reports indicate an escalation in fighting on the Kursk front"),
    ("000", "comment form", "You can post now and register later.",
     "The Ukrainian leader used his address to urge Western allies to strengthen their support for Kyiv."),
    ("000", "cookie banner", "Privacy Notice: We utilize cookies",
     "Meanwhile, Russia’s defence ministry reported the destruction of 15 Ukrainian drones overnight"),
    ("000", "hashtag line", "#Russia #begun #North #Korean",
     "In a broader context, the deployment of North Korean troops underscores deepening ties"),
    ("000", "caption and credit", "A Ukrainian tank crew member of the 68th Jaeger Brigade walks next to",
     "While Kyiv maintains the move was strategic"),
    ("001", "follow line", "Follow tovima.com on Google News",
     "Russia has neither confirmed nor denied the use of North Korean troops."),
    ("001", "mobile chrome", "Exit mobile version",
     "The Ukrainian leader is set to meet European leaders in Brussels next week"),
    ("002", "cookie banner", "By staying online, you consent to the use of cookies",
     "The GUR informed that some of the personnel of the DPRK troops are being covertly transferred"),
    ("002", "language prompt", "Based on your browser and language settings",
     "According to intelligence, on December 13, North Korean army units were put on alert"),
    ("002", "quote card", "President of Ukraine",
     "Zelensky stressed that Moscow is ignoring calls from all countries"),
    ("003", "comment count", "No comments",
     "Kyiv said the operation sought to divert Russian forces"),
    ("003", "comment prompt", "Thanks for viewing, your comments are appreciated.",
     "Russia has neither confirmed nor denied the presence of North Koreans on its side."),
    ("003", "blog disclaimer", "Disclaimer: Comments on this blog are NOT posted by Olomoinfo",
     "Ukraine has battled to hold the area, although some Western military analysts"),
    ("003", "contact appeal", "Need to contact us for gossips, news reports, adverts or anything?",
     "Zelenskiy said the North Korean troops’ participation in the operations in the Kursk region"),
    ("004", "notification banner", "Stay up to date with notifications from The Independent",
     "The Ukrainian president said North Korean troops are reportedly being used in assaults"),
    ("004", "donation appeal", "Your donation allows us to keep sending journalists",
     "Andrii Kovalenko, an official with Ukraine’s National Security and Defence Council"),
    ("004", "donation appeal", "Your support makes all the difference.",
     "Russia has deployed North Korean soldiers in significant numbers for the first time"),
    ("004", "related-story teaser", "Zelensky says Ukraine could temporarily cede territory in exchange for Nato",
     "Mr Zelensky criticised the Kremlin’s actions, accusing Russian president Vladimir Putin"),
    ("004", "caption and credit", "(Ukrainian presidential press service)",
     "Ukraine first reported the presence of North Korean soldiers in the Kursk region in October."),
    ("004", "comment form", "Join thought-provoking conversations, follow other Independent readers",
     "He is scheduled to meet leaders from Britain, France, Germany, Italy, Poland, Nato, and the EU"),
]


@pytest.fixture(scope="module")
def seed_rows(seeds_db):
    bodies = {path.split("/")[-1][:3]: (aid, body) for aid, path, body in rows(
        seeds_db, "select a.id, s.path, a.body_text from articles a join sources s on s.id = a.source")}
    removed = {}
    for article, text, reason in rows(seeds_db, "select article, text, reason from removed_blocks"):
        removed.setdefault(article, []).append((text, reason))
    return bodies, removed


@pytest.mark.shared
@pytest.mark.nlp
@pytest.mark.parametrize("seed, kind, goes, stays", FURNITURE, ids=[f"{f[0]}-{f[1]}" for f in FURNITURE])
def test_furniture_goes_article_stays(seed_rows, seed, kind, goes, stays):
    bodies, removed = seed_rows
    article_id, body = bodies[seed]
    assert goes not in body, f"{kind} kept in {seed}"
    assert any(goes in text for text, _reason in removed[article_id]), f"{kind} cut but not recorded"
    assert stays in body, f"article text lost from {seed}"


@pytest.mark.shared
@pytest.mark.nlp
def test_subheads_stay(seed_rows):
    bodies, _ = seed_rows
    body = bodies["002"][1]
    assert "Russia threw North Korean soldiers into battle in Kursk region" in body
    assert "North Korean troops will soon enter the Russian-Ukrainian front" in body


@pytest.mark.shared
@pytest.mark.nlp
def test_forum_holes_are_closed_up_and_marked(seeds_db):
    [(body, redacted)] = rows(seeds_db, "select body_text, redacted from articles a join sources s "
                                        "on s.id = a.source where s.path like 'seeds/000_%'")
    assert redacted == 1
    assert "hidden content" not in body
    assert ("“The Russians are counting on numbers and are trying to […] , when the task of the Koreans is "
            "to run under the blows of our forces and occupy certain areas,” Mr Kovalenko wrote on Telegram.") in body
    # The other seeds have no holes.
    assert rows(seeds_db, "select count(*) from articles where redacted = 1")[0][0] == 1


def test_placeholders_need_to_interrupt_sentences():
    # A line repeated between complete paragraphs is not a hole...
    text = "\n\n".join(["Share this article", "The wall held all night."] * 4)
    assert extract.find_placeholders(text.split("\n")) == set()
    # ...one that cuts sentences is; and one that says so is, even once.
    text = "The mayor said\nXXXX\nwas in charge.\nThe\nXXXX\nheld.\nThen\nXXXX\nfell."
    assert extract.find_placeholders(text.split("\n")) == {"XXXX"}
    assert extract.find_placeholders(["a", "[removed]", "b", "c"]) == {"[removed]"}


def test_shipped_model_matches_the_features():
    model = clean.default_model()
    assert model is not None
    assert model.first.features == clean.FEATURE_NAMES
    assert model.second.features == clean.FEATURE_NAMES + clean.CONTEXT_NAMES


def test_main_run_finds_the_prose():
    prose = [0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0]
    assert clean.main_run(prose) == (2, 7)


def test_model_scores_never_overflow():
    sure = {"feature": [0, -2, -2], "threshold": [0.5, -2, -2], "left": [1, -1, -1], "right": [2, -1, -1],
            "value": [0.0, -5000.0, 5000.0]}
    model = clean.TreeEnsemble(["x"], 0.0, 1.0, [sure])
    assert model.probability([0.0]) == 0.0
    assert model.probability([1.0]) == 1.0
