"""Decoding, extraction and metadata on short texts and on the real files."""

from __future__ import annotations

import json

import pytest

from helpers import SAMPLE, rows
from ingest.document import decode, extract, metadata
from ingest.document.analyse import analyse
from ingest.document.read import RawDocument


# --- decoding -----------------------------------------------------------------

def test_cp1252_page_with_declared_charset():
    data = (SAMPLE / "html" / "atlantic-courier-aveiro-wall-built-to-last.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, encoding = decode.decode(data, "html")
    assert encoding == "cp1252"
    assert "Gonçalves" in text and "Aveiro’s" in text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "shift_jis", "latin-1"])
def test_encodings_round_trip(codec):
    original = "Le maire a déclaré : « la digue a cédé »." if codec != "shift_jis" else "防波堤が決壊した。住民は避難した。"
    text, _ = decode.decode(original.encode(codec) * 3, "text")
    assert text == original * 3


def test_mojibake_is_repaired():
    broken = "Zelenskyâ€™s address"
    assert decode.repair(broken) == "Zelensky’s address"
    # ...and good text with curly quotes and accents is left alone.
    good = "“Não”, disse Gonçalves — ‘já’."
    assert decode.repair(good) == good


def test_binary_is_refused():
    with pytest.raises(decode.DecodeError, match="binary"):
        decode.decode(bytes(range(256)) * 10, "html")


def test_nul_bytes_are_dropped():
    text, _ = decode.decode(b"The wall\x00 held.", "text")
    assert text == "The wall held."


# --- plain text -----------------------------------------------------------------

def test_hard_wrapped_lines_are_rejoined():
    text = (
        "Mayor says wall will be rebuilt\n"
        "The mayor said on Tuesday that the sea wall would be\n"
        "rebuilt before winter, and that the town would pay.\n"
        '"Today,\n'
        "we start again. Nobody will be left behind,\"\n"
        "she said.\n"
        "Repairs begin next week.\n"
    )
    paragraphs = extract.text_paragraphs(text)
    assert paragraphs == [
        "Mayor says wall will be rebuilt",
        "The mayor said on Tuesday that the sea wall would be rebuilt before winter, and that the town would pay.",
        '"Today, we start again. Nobody will be left behind," she said.',
        "Repairs begin next week.",
    ]


@pytest.mark.shared
def test_seed_blog_repost_quote_is_one_paragraph(seeds):
    text = next(seeds.glob("003_*.txt")).read_text("utf-8")
    article = extract.from_text(text)
    assert article.title == "Zelenskiy says Russia is deploying more North Korean troops in its Kursk region"
    assert any(p.startswith('"Today, we already have preliminary data that the Russians have begun to use '
                            'North Korean soldiers in their assaults.') for p in article.paragraphs)


@pytest.mark.shared
@pytest.mark.nlp
def test_seed_titles_bylines_and_dates(seeds_db, seeds):
    found = {path.split("/")[-1][:3]: (title, author, published) for path, title, author, published in rows(
        seeds_db, "select s.path, a.title, a.author, a.published from articles a join sources s on s.id = a.source")}
    assert found["004"] == ("Russia has begun using North Korean troops in significant numbers in Ukraine, "
                            "Zelensky says", "Namita Singh", "2024-12-16T06:04Z")
    assert found["001"][0] == "Growing No of North Korean Troops on Battlefield, Zelenskiy Says"
    assert found["002"][0] == "Zelensky announced Russia's involvement of North Korean military in the fighting in Kursk"
    # What the page does not state stays empty.
    assert found["001"][1:] == (None, None)


@pytest.mark.shared
def test_text_above_the_title_is_dropped_but_prose_never_is(seeds):
    article = extract.from_text(next(seeds.glob("004_*.txt")).read_text("utf-8"))
    assert not any("notifications" in p.lower() for p in article.paragraphs)
    assert article.paragraphs[-1] != article.title
    # A dump whose first line is its title and whose body follows.
    plain = "Trump, Carson flop with Jewish Republicans.\n\n" + ("Donald Trump joked about it. " * 12)
    article = extract.from_text(plain)
    assert article.title == "Trump, Carson flop with Jewish Republicans."
    assert article.paragraphs and article.paragraphs[0].startswith("Donald Trump joked")


# --- metadata -----------------------------------------------------------------

@pytest.mark.parametrize("value, iso", [
    ("Monday 16 December 2024 06:04 GMT", "2024-12-16T06:04Z"),
    ("Wednesday 15 October 2025 08:40 WEST", "2025-10-15T08:40"),
    ("Posted by coastkeeper on October 14, 2025 | 3 Comments", "2025-10-14"),
    ("2025-10-15T18:30:00+01:00", "2025-10-15T18:30:00+01:00"),
    ("15 Oct 2025", "2025-10-15"),
    ("2025-10", "2025-10"),
    ("October 2025", "2025-10"),
    ("2025", "2025"),
    ("next Tuesday", None),
    ("31 February 2025", None),
    ("", None),
])
def test_dates_keep_only_the_precision_given(value, iso):
    assert metadata.iso_date(value) == iso


def test_outlet_from_text_lines():
    assert metadata.outlet_from_text(["Follow tovima.com on Google News to keep up"]) == (None, "tovima.com")
    assert metadata.outlet_from_text(["Stay up to date with notifications from The Independent"]) == (
        "The Independent", None)
    # A company holder gives its masthead only when the page names the masthead too.
    footer = "© 2025 Meridian Post Media Ltd. All rights reserved."
    assert metadata.outlet_from_text([footer])[0] is None
    page = ["Meridian Post", "Residents count the cost", "Subscribe to Meridian Post", footer]
    assert metadata.outlet_from_text(page)[0] == "Meridian Post"
    assert metadata.outlet_from_text(["NYP Holdings", "© 2019 NYP Holdings, Inc. All Rights Reserved"] * 2)[0] is None
    assert metadata.outlet_from_text(["Copyright © 2019 NJ.com. All rights reserved"])[0] == "NJ.com"
    assert metadata.outlet_from_text(["(Image: © NASA/ESA/K. Retherford/SWRI)"])[0] is None
    # A webmail address says nothing about the outlet.
    assert metadata.outlet_from_text(["Email us on; olomoinfo@gmail.com"]) == (None, None)


# --- HTML -------------------------------------------------------------------------

def test_html_keeps_structure_and_metadata():
    html = (SAMPLE / "html" / "harbour-gazette-aveiro-sea-wall-breach.html").read_text("utf-8")
    article = extract.from_html(html)
    assert article.title == "Storm surge breaches Aveiro sea wall, forcing 1,200 from flooded old town"
    assert article.author == "Joana Reis"
    assert article.published == "2025-10-14"
    assert article.language == "en"
    assert article.outlet_name == "The Harbour Gazette"
    md = article.body_markdown
    assert "\n## " in md  # a subhead
    assert "\n- " in md  # a list
    assert "\n> " in md  # a blockquote
    assert "](" in md  # a link
    assert "cookie" not in md.lower()
    # Paragraphs are the plain text of the body, in order.
    assert article.body_text.startswith(article.paragraphs[0])
    assert all(p in article.body_text for p in article.paragraphs)


@pytest.mark.nlp
def test_french_page_language(sample_db):
    langs = dict(rows(sample_db, "select title, language from articles"))
    french = [t for t in langs if t.startswith("Tempête au Portugal")]
    assert french and langs[french[0]] == "fr"


# --- JSON records ----------------------------------------------------------------

def record(obj, n=1) -> RawDocument:
    return RawDocument(f"feed.jsonl#L{n}", "feed.jsonl", n, "jsonl", json.dumps(obj).encode())


@pytest.mark.nlp
def test_record_synonyms():
    body = "The harbour wall held through the night, officials said on Tuesday. " * 5
    result = analyse(record({"link": "https://www.example.org/a", "headline": "Wall holds",
                             "content": body, "source": "Harbour Gazette", "date": "15 Oct 2025",
                             "authors": ["Ana Reis", {"name": "Rui Lima"}]}))
    a = result.article
    assert (a["title"], a["author"], a["published"], a["url"]) == (
        "Wall holds", "Ana Reis, Rui Lima", "2025-10-15", "https://www.example.org/a")
    assert result.outlet == ("Harbour Gazette", "example.org")
    assert a["body_text"].startswith("The harbour wall held")


@pytest.mark.nlp
def test_record_html_field_goes_through_the_html_path():
    html = "<html><body><article><h1>Wall holds</h1>" + "<p>The harbour wall held through the night, officials said.</p>" * 6 + "</article></body></html>"
    result = analyse(record({"url": "https://gazette.example/x", "html": html, "outlet": "gazette.example"}))
    assert result.errors == []
    assert result.outlet[1] == "gazette.example"
    assert "The harbour wall held" in result.article["body_text"]


@pytest.mark.parametrize("line, stage, words", [
    (b'{"url": "x", "text": "unterminated', "parse", "not valid JSON"),
    (b'[1, 2, 3]', "parse", "not an object"),
    (b'{"url": "https://a.example/x", "title": "No body"}', "extract", "no article text"),
])
def test_bad_records_become_errors(line, stage, words):
    result = analyse(RawDocument("f.jsonl#L7", "f.jsonl", 7, "jsonl", line))
    assert result.article is None
    [error] = result.errors
    assert error["stage"] == stage and words in error["message"] and error["message"].startswith("line 7:")


# (title, standfirst, author, published, outlet, section, wire credit, redacted) as each seed states them;
# what a seed does not state is None.
SEED_METADATA = {
    "000": ("Russia has begun using North Korean troops in significant numbers in Ukraine, Zelensky says",
            None, None, None, None, None, "agencies", 1),
    "001": ("Growing No of North Korean Troops on Battlefield, Zelenskiy Says",
            None, None, None, "tovima.com", None, None, 0),
    "002": ("Zelensky announced Russia's involvement of North Korean military in the fighting in Kursk",
            None, None, None, None, "Ukraine", None, 0),
    "003": ("Zelenskiy says Russia is deploying more North Korean troops in its Kursk region",
            None, None, None, "Olomoinfo", None, None, 0),
    "004": ("Russia has begun using North Korean troops in significant numbers in Ukraine, Zelensky says",
            "Ukraine has accused Russia of deploying North Korean soldiers to the front lines in Kursk, "
            "marking a significant escalation in conflict",
            "Namita Singh", "2024-12-16T06:04Z", "The Independent", None, "agencies", 0),
}


@pytest.mark.shared
@pytest.mark.nlp
@pytest.mark.parametrize("seed", sorted(SEED_METADATA))
def test_metadata_of_the_seeds(seeds_db, seed):
    [found] = rows(seeds_db, """
        select a.title, a.standfirst, a.author, a.published, o.name, a.section, a.wire_credit, a.redacted
        from articles a join sources s on s.id = a.source left join outlets o on o.id = a.outlet
        where s.path like ?""", (f"seeds/{seed}_%",))
    assert found == SEED_METADATA[seed]
    [(language,)] = rows(seeds_db, "select language from articles a join sources s on s.id = a.source "
                                   "where s.path like ?", (f"seeds/{seed}_%",))
    assert language == "en"


@pytest.mark.parametrize("line, agency", [
    ("KYIV (Reuters) - Ukraine said on Monday...", "Reuters"),
    ("WASHINGTON (AP) — The Senate voted...", "AP"),
    ("(With inputs from PTI)", "PTI"),
    ("The Associated Press contributed to this report.", "AP"),
    ("Additional reporting by agencies", "agencies"),
    ("According to Reuters, the troops arrived in October.", None),  # quoting is not a credit
    ("The report was shared on AP News (ap) later.", None),
])
def test_wire_credits(line, agency):
    assert metadata.wire_credit([line]) == agency


@pytest.mark.parametrize("url, iso", [
    ("https://example.com/2019/11/18/wework-investigation/", "2019-11-18"),
    ("https://example.com/news/2024-12-16/story", "2024-12-16"),
    ("https://example.com/2019/11/story", "2019-11"),
    ("https://example.com/2019/13/story", None),
    ("https://example.com/story-2019", None),
    (None, None),
])
def test_dates_in_urls_as_a_last_resort(url, iso):
    assert metadata.date_from_url(url) == iso
    text = "A headline for the story here\n\n" + "The council met on a day the page does not name. " * 4
    assert extract.from_text(text, url=url, page_dump=False).published == iso


def test_html_cuts_are_recorded_and_the_headline_is_not_body():
    html = (SAMPLE / "html" / "harbour-gazette-aveiro-sea-wall-breach.html").read_text("utf-8")
    article = extract.from_html(html)
    assert article.title not in article.paragraphs
    cut = {text: reason for _position, text, reason, _score in article.removed}
    assert cut[article.title] == "headline"
    assert any(text.startswith("We use cookies") and "cookies" in reason for text, reason in cut.items())
    assert any(text == "Related stories" for text in cut)
    # Nothing of the article is reported as cut, and every cut is on the page.
    assert not set(cut) & set(article.paragraphs)
    blocks = extract.page_blocks(html)
    assert all(blocks[position] == text for position, text, _reason, _score in article.removed)


def test_page_blocks_skip_what_is_not_shown():
    html = ("<html><head><title>T</title><script>var x = 'hidden';</script></head><body>"
            "<nav>Home <a href='/'>News</a></nav><p>One <b>bold</b> word.</p>"
            "<div hidden>Secret</div><style>p {}</style><div>Tail text</div></body></html>")
    assert extract.page_blocks(html) == ["Home News", "One bold word.", "Tail text"]


@pytest.mark.parametrize("byline, people, agency", [
    ("The Associated Press", None, "AP"),
    ("PTI, Washington", None, "PTI"),
    ("Staff Reports", None, None),
    ("Admin", None, None),
    ("Harbour Gazette", None, None),  # the outlet's own name
    ("Namita Singh", "Namita Singh", None),
    ("Jane Doe and John Roe", "Jane Doe, John Roe", None),
    ("PTI", None, "PTI"),
    ("European Space Agency", None, None),  # an organisation
    ("The Russian, Syrian defense ministries", None, None),
    ("Harbour Gazette wire services Published", None, None),
    ("Harbour Gazette Sport", None, None),  # the outlet's desk
    ("AS", None, None),  # initials: an account
    ("Harbourgazette", None, None),  # the brand the domain starts with
    (None, None, None),
])
def test_bylines_that_name_no_person(byline, people, agency):
    assert metadata.split_byline(byline, "The Harbour Gazette", "harbourgazetteonline.example") == (people, agency)


def test_handles_shown_only_in_lower_case_are_not_bylines():
    blocks = ["Recent comments", "вера on Geography quiz", "By Olga Petrova"]
    assert metadata.drop_handles("Вера", blocks) is None
    assert metadata.drop_handles("Olga Petrova", blocks) == "Olga Petrova"
    assert metadata.drop_handles("Ann Lee", blocks) == "Ann Lee"  # only in the meta tags: kept


@pytest.mark.parametrize("value, section", [
    ("Sci-Tech", "Sci-Tech"), ("post", None), ("Article", None), ("uncategorized", None),
    ("general-news,government-and-politics,military-and-defense", None), (None, None),
])
def test_sections_a_reader_would_name(value, section):
    assert metadata.plausible_section(value) == section


def _page(description: str, between: str) -> str:
    body = " ".join(f"Sentence {n} of the article body goes on for a while here." for n in range(12))
    return (f"<html><head><title>Storm wall breached</title><meta name='description' content='{description}'>"
            f"</head><body><header><h1>Storm wall breached</h1><div class='byline'>{between}</div>"
            f"<div class='summary'>{description}</div></header>"
            f"<article><p>{body}</p><p>{body.replace('Sentence', 'Line')}</p></article></body></html>")


def test_a_short_summary_under_the_headline_is_the_standfirst():
    summary = "The council says the repairs will take a year and cost four million euros."
    article = extract.from_html(_page(summary, "By Ana Costa"))
    assert article.standfirst == summary and summary not in article.body_text


def test_a_long_lead_below_the_byline_is_body_not_standfirst():
    lead = " ".join(["The sea wall that protected the lower town for twenty years gave way on Tuesday night"] * 4)
    article = extract.from_html(_page(lead, "By Ana Costa"))
    assert article.standfirst is None
    assert article.body_text.startswith(lead)


def test_a_photo_caption_is_never_the_standfirst():
    from ingest.document import clean
    assert clean.is_caption("Spain's Rafael Nadal celebrates a point in Madrid, Tuesday, Nov. 19, 2019. "
                            "(Manu Fernandez/AP)")
    assert clean.is_caption("In this Dec. 12, 2006, file photo, made available by NASA, astronauts work. "
                            "(NASA via AP, File)")
    assert not clean.is_caption("The mayor said the wall (built in 1998) would be rebuilt.")


def _tweet(text: str) -> str:
    return (f'<div class="embed embed--twitter"><blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}'
            '</p>&mdash; Harbour Watch (@harbourwatch) <a href="https://twitter.com/harbourwatch/status/1">'
            'October 14, 2025</a></blockquote>'
            '<script async src="https://platform.twitter.com/widgets.js"></script></div>')


def test_embedded_posts_are_kept_where_the_article_puts_them():
    prose = [f"Paragraph {n}: the sea wall at Aveiro gave way on Tuesday night and the lower town "
             f"flooded within the hour, residents said, as the council met to plan repairs." for n in range(6)]
    post = "Water is over the promenade now and the ferry has stopped running"
    sidebar = "Follow us for live updates on every storm that reaches the coast"
    html = ("<html><head><title>Wall breached</title></head><body><main><article><h1>Wall breached</h1>"
            + "".join(f"<p>{p}</p>" for p in prose[:3]) + _tweet(post)
            + "".join(f"<p>{p}</p>" for p in prose[3:]) + "</article></main>"
            + f"<aside>{_tweet(sidebar)}</aside></body></html>")
    article = extract.from_html(html)
    assert post in article.paragraphs
    # Right after the paragraph it follows on the page, as a blockquote with its attribution.
    assert article.paragraphs.index(post) == article.paragraphs.index(prose[2]) + 1
    assert f"> {post}" in article.body_markdown
    assert "(@harbourwatch)" in article.body_text
    assert sidebar not in article.body_text
