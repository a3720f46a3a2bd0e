"""Lines repeated across articles of one outlet leave the body, visibly."""

from __future__ import annotations

import json

import pytest

from helpers import build, rows
from ingest.corpus.boilerplate import drop_markdown_blocks, line_key, markdown_block_text

FURNITURE = ("Our reporting on the coast is paid for by readers like you, and it stays free "
             "to read because of them.")
BACKGROUND = ("The sea wall at Aveiro was completed in 1998 after a decade of storms had "
              "flooded the lower town twice, and it was meant to last for at least a century "
              "according to the engineers who designed it and the ministry that paid for it, "
              "which had set aside money for its upkeep every year until the budget was cut.")
STORIES = [
    ("Ferry service resumes after storm", [
        "The ferry between Aveiro and São Jacinto ran again on Tuesday after three days in port.",
        "Operators said the crossing was calm and that the morning boats were full of commuters.",
        "Passengers who had waited since Saturday were given priority on the first crossing.",
    ]),
    ("Fishermen count losses at the harbour", [
        "Fishermen at the harbour said that the storm destroyed eleven boats and damaged many more.",
        "Several families who depend on the catch say they cannot afford to repair their boats.",
        "The cooperative will ask the regional government for emergency funds this week.",
    ]),
    ("School reopens in the lower town", [
        "The primary school in the lower town reopened on Monday after the floodwater drained away.",
        "Teachers spent the weekend drying books and moving desks back into the classrooms.",
        "Parents were told that lessons would run as normal and lunches would be served.",
    ]),
    ("Council approves repair budget", [
        "The council approved a repair budget of four million euros for the damaged promenade.",
        "Work will begin in spring and should take about eight months to finish.",
        "Residents will be able to comment on the plans at a public meeting in the town hall.",
    ]),
]


def _record(title, paragraphs, outlet, extra):
    return {"title": title, "outlet": outlet, "url": f"https://{outlet}/{title.lower().replace(' ', '-')}",
            "text": "\n\n".join(paragraphs + extra)}


@pytest.mark.nlp
def test_line_in_three_articles_of_one_outlet_is_cut(tmp_path):
    corpus = tmp_path / "feed"
    corpus.mkdir()
    records = [_record(t, p, "coastwatch.example", [FURNITURE, f"{n + 2} comments", BACKGROUND])
               for n, (t, p) in enumerate(STORIES)]
    # The same furniture at another outlet with only two articles stays.
    records += [_record(t, p, "tidings.example", [FURNITURE]) for t, p in STORIES[:2]]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)

    kept = rows(db, """select a.outlet, p.text from paragraphs p join articles a on a.id = p.article""")
    at_coastwatch = [t for o, t in kept if o == "coastwatch-example"]
    assert FURNITURE not in at_coastwatch
    assert not any(t.endswith("comments") for t in at_coastwatch)
    # Long background reused in 4 of 4 articles (at least half the outlet's) goes too;
    # article paragraphs all stay.
    assert BACKGROUND not in at_coastwatch
    assert {t for _, ps in STORIES for t in ps} <= set(at_coastwatch)
    assert [t for o, t in kept if o == "tidings-example"].count(FURNITURE) == 2

    cut = rows(db, """select b.text, b.reason from removed_blocks b join articles a on a.id = b.article
                      where a.outlet = 'coastwatch-example'""")
    assert sorted(r for t, r in cut if t == FURNITURE) == ["repeats in 4 articles of coastwatch.example"] * 4
    assert len([t for t, _ in cut if t.endswith("comments")]) == 4
    for body_text, body_markdown, words in rows(
            db, "select body_text, body_markdown, word_count from articles where outlet = 'coastwatch-example'"):
        assert "paid for by readers" not in body_text and "paid for by readers" not in body_markdown
        assert words == len(body_text.split())
        assert "comments" not in body_markdown


@pytest.mark.nlp
def test_background_in_a_few_of_many_articles_stays(tmp_path):
    corpus = tmp_path / "feed"
    corpus.mkdir()
    records = [_record(t, p, "coastwatch.example", [BACKGROUND] if n < 3 else [])
               for n, (t, p) in enumerate(STORIES * 2)]
    for n, r in enumerate(records):
        r["title"] += f" ({n})"
        r["text"] = r["text"].replace("the", f"the {n}th", 1) if n >= 4 else r["text"]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    # 3 of 8 articles: under half the outlet, and over 40 words: journalism, kept.
    assert rows(db, "select count(*) from paragraphs where text = ?", [BACKGROUND])[0][0] == 3


@pytest.mark.nlp
def test_copies_and_quotes_are_not_furniture(tmp_path):
    corpus = tmp_path / "feed"
    corpus.mkdir()
    quote = "“We will rebuild the wall,” the mayor said."
    title, paragraphs = STORIES[0]
    records = [_record(f"{title} {n}", paragraphs, "coastwatch.example", [quote]) for n in range(3)]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus)
    # Three copies of one article: cutting would empty them, so nothing is cut.
    assert rows(db, "select count(*) from removed_blocks")[0][0] == 0
    assert rows(db, "select count(*) from paragraphs where text = ?", [quote])[0][0] == 3


def test_line_key_ignores_case_spacing_and_numbers():
    assert line_key("12 Comments") == line_key("3  comments")
    assert line_key("12 comments") != line_key("12 comments so far")


def test_markdown_blocks_dropped_by_their_text():
    markdown = ("# Heading\n\nFirst [link](https://x.example) and **bold** text.\n\n"
                "> Sign up for our *newsletter*\n\n- item one")
    assert markdown_block_text("First [link](https://x.example) and **bold** text.") == \
        "First link and bold text."
    out = drop_markdown_blocks(markdown, ["Sign up for our newsletter", "First link and bold text."])
    assert out == "# Heading\n\n- item one"


def test_news_lines_differing_in_numbers_and_quoted_lines_stay(tmp_path):
    corpus = tmp_path / "feed"
    corpus.mkdir()
    records = []
    for n, (t, p) in enumerate(STORIES):
        news = f"Russia launched {60 + n} drones and {n + 2} missiles overnight, the air force said."
        quote = "‘We will never accept this,’ the mayor told reporters."
        records.append(_record(t, p, "coastwatch.example", [news, quote]))
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    db = build(tmp_path, corpus, args=("--no-nlp",))
    assert rows(db, "select count(*) from removed_blocks where reason like 'repeats%'")[0][0] == 0
    assert rows(db, "select count(*) from figures where noun_key = 'drone'")[0][0] == 4
