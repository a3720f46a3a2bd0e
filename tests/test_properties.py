"""Property-based tests (hypothesis) of every parser and cleaner: random
and mutated inputs never raise out of a document's stage, and what comes
out holds together (offsets inside their text, each quote's text at its
offsets in its paragraph, every paragraph squashed and in the body,
figures' sentences in their paragraph, nothing invented).

Mutated inputs start from real pages: the five seed pages
(../shared/corpus/seeds) and the sample corpus's HTML and JSON Lines, with
bytes flipped, cut short, slices deleted or doubled, and tags, quote marks,
NULs, byte-order marks and mojibake inserted.

Parsers that promise never to raise (quotes, entities, figures) catch
everything; here their inner functions are called, so a hidden exception
shows up as a failure rather than as a silently empty result.

Settings: a bounded number of examples per test and no deadline (a busy
machine must not fail a test by being slow); derandomized when CI=true, so
CI runs the same examples every time, and random elsewhere, so local runs
keep exploring. No example database is written (database=None).
PROPERTY_SCALE=N multiplies every test's examples, for a longer hunt.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from helpers import SAMPLE, shared_path
from ingest.document import analyse, clean, decode, extract, figures, metadata, quotes, read
from ingest.corpus import quote_clusters
from ingest.document.read import RawDocument

IN_CI = os.environ.get("CI") == "true"
# PROPERTY_SCALE=10 runs ten times the examples: a longer hunt, by hand.
SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))


def bounded(examples: int):
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None, derandomize=IN_CI, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])


# --- inputs -------------------------------------------------------------------------

# Pieces of news text, and of what scraping leaves in it.
TOKENS = [
    "the ", "wall ", "said ", "told reporters ", "Kovalenko ", "Mr Kovalenko ", "Ana Reis ", "he ", "she ",
    "President Volodymyr Zelensky ", "according to Reuters ", "(AP) — ", "By Ana Costa ", "March 5, 2024 ",
    "2024-03-05T10:00:00Z ", "1,200 people ", "$5m ", "€2.5 billion ", "3.5% ", "40m ", "nine drones ",
    "2021 ", "at 10:30 a.m. ", "“", "”", '"', "«", "»", "„", "''", "``", "'", "’", "‘", "—", "-", ": ", ", ",
    ". ", "? ", "! ", "… ", "[…] ", "\n", "\n\n", "\n\n\n", "  ", "\t", "> ", "**", "*", "_", "__", "#", "|",
    "<p>", "</p>", "<div>", "</div>", "<br>", "<h1>", "</h1>", "<script>alert(1)</script>", "<!--", "-->",
    "&amp;", "&nbsp;", "&#0;", "\x00", "\ufeff", "\u200b", "\u202e", "\r\n", "\r", "Ã©", "â€™", "ð",
    "Зеленський ", "キエフ ", "الحرب ", "© 2024 The Harbour Gazette ", "Sign up for our newsletter ",
    "Comments are closed ", "9" * 400, "0.", "1e999 ", "(", ")", "[", "]", "{", "}", "\\", "/",
]
news_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=80).map("".join)
paragraph_lists = st.lists(news_text.map(lambda t: " ".join(t.split())), min_size=1, max_size=8)

INSERTS = [b"<p>", b"</p>", b"<div>", b"</div>", b"<article>", b"<script>", b"</body>", b"<!--", b"-->",
           b"<h1>", b"</h1>", b"<meta charset=\"shift_jis\">", b"\"", b"\xe2\x80\x9c", b"\xe2\x80\x9d", b"''",
           b"\xc2\xab", b"\x00", b"\x00\x00\x00\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2",
           b"\xff", b"\x80", b"\n", b"\n\n", b"\r", b"{", b"}", b"[", b"]", b",", b"\\", b"\\u0000", b"\\ud800",
           b"&#x0;", b"&amp;", b" said ", b"[\xe2\x80\xa6]", b"\xe3\x82\xad"]


@st.composite
def mutated(draw, pages: list[bytes]) -> bytes:
    """A real page with up to six mutations."""
    data = bytearray(draw(st.sampled_from(pages)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "double"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(INSERTS)) * draw(st.integers(1, 3))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(0, 300))]
        elif op == "double":
            data[pos:pos] = data[pos:pos + draw(st.integers(0, 300))]
    return bytes(data)


class Pages(dict):
    """Real pages by format (a short repr: a failing example prints it)."""

    def __repr__(self) -> str:
        return f"<pages: {', '.join(f'{len(v)} {k}' for k, v in self.items())}>"


@pytest.fixture(scope="module")
def pages() -> Pages:
    """The seeds and the sample's text pages, the sample's HTML pages and its
    JSON Lines records."""
    seeds = sorted(shared_path("corpus", "seeds").iterdir())
    return Pages(
        text=[p.read_bytes() for p in seeds] + [p.read_bytes() for p in sorted((SAMPLE / "text").iterdir())],
        html=[p.read_bytes() for p in sorted((SAMPLE / "html").iterdir())],
        jsonl=[line for line in (SAMPLE / "jsonl" / "feed.jsonl").read_bytes().split(b"\n") if line.strip()],
    )


class Paragraphs(list):
    def __repr__(self) -> str:
        return f"<paragraphs of {len(self)} pages>"


@pytest.fixture(scope="module")
def seed_paragraphs(pages) -> Paragraphs:
    """The seed pages' paragraphs, as the text path splits them."""
    return Paragraphs(extract.text_paragraphs(decode.decode(p, "text")[0]) for p in pages["text"])


# --- invariants -------------------------------------------------------------------------

def squashed(text: str) -> bool:
    return bool(text) and text == " ".join(text.split())


def valid_iso(value: str) -> bool:
    """A date or datetime as precise as the page said: YYYY, YYYY-MM, a date or a datetime."""
    if re.fullmatch(r"\d{4}", value):
        return True
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return 1 <= int(value[5:]) <= 12
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


STAGES = {"read", "decode", "parse", "extract"}


def check_analysis(result: analyse.Analysis, doc: RawDocument) -> None:
    """What every analysis must hold, whatever the input."""
    assert result.source["size"] == len(doc.data)
    assert (result.article is None) == bool(result.errors), (result.article, result.errors)
    for error in result.errors:
        assert error["stage"] in STAGES and error["path"] == doc.key
        # Only expected failures: an exception escaping a parser is reported
        # as "extraction failed: <type>: ..." and is a bug.
        assert not error["message"].startswith(("extraction failed", "line 1: extraction failed")), error
        assert "Traceback" not in error["message"]
    article = result.article
    if article is None:
        return
    texts = [p["text"] for p in result.paragraphs]
    assert texts and all(squashed(t) for t in texts), texts
    assert [p["position"] for p in result.paragraphs] == list(range(len(texts)))
    assert article["body_text"] == "\n\n".join(texts)
    assert article["word_count"] == len(article["body_text"].split())
    for name in ("title", "author", "standfirst", "section", "url"):
        assert article[name] is None or squashed(article[name]), (name, article[name])
    assert article["published"] is None or valid_iso(article["published"]), article["published"]
    assert article["language"] is None or re.fullmatch(r"[a-z]{2,3}", article["language"]), article["language"]
    for text in texts + [article["title"] or ""]:
        assert "\x00" not in text and "\r" not in text
    by_id = {p["id"]: p["text"] for p in result.paragraphs}
    for f in result.figures:
        paragraph = by_id[f["paragraph"]]
        assert 0 <= f["start"] < f["end"] <= len(paragraph) and paragraph[f["start"]:f["end"]] == f["text"]
        assert f["sentence"] in paragraph and math.isfinite(f["value"])
    removed = [r["text"] for r in result.removed_blocks]
    for credit in result.credits:
        assert credit["text"] in texts or credit["text"] in removed or credit["kind"] == "byline"
    for r in result.removed_blocks:
        assert r["text"] and r["reason"]


def tokens_from(output: list[str], source: str) -> None:
    """Nothing invented: every word of the output is a word of the source
    (the hole marker aside)."""
    words = set(source.split())
    invented = {w for p in output for w in p.split() if w not in words and w != extract.HOLE}
    assert not invented, invented


# --- decode --------------------------------------------------------------------------

@bounded(150)
@given(st.binary(max_size=3000), st.sampled_from(["html", "text"]))
def test_decode_any_bytes(data, fmt):
    try:
        text, encoding = decode.decode(data, fmt)
    except decode.DecodeError as exc:
        assert "binary" in str(exc)
        return
    codecs.lookup(encoding)
    assert "\r" not in text and not decode._CONTROL.search(text)


READABLE = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"], exclude_characters="\r\x85"),
                   max_size=400)


@bounded(100)
@given(READABLE, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
@example("Zelensky’s café «прямо» キエフ", "utf-16")
def test_decode_round_trips_unicode_encodings(text, encoding):
    """Text written in a Unicode encoding with its mark (or UTF-8) comes back as written."""
    assume(decode.repair(text) == text)  # text that already reads as mojibake is another test
    assert decode.decode(text.encode(encoding), "text") == (text, decode.detect(text.encode(encoding), "text"))


DECLARED = [("windows-1252", "cp1252"), ("iso-8859-1", "cp1252"), ("latin1", "cp1252"),
            ("shift_jis", "shift_jis"), ("koi8-r", "koi8_r"), ("gbk", "gbk")]


@bounded(120)
@given(st.sampled_from(DECLARED), st.data())
@example(("windows-1252", "cp1252"), "Zelensky’s “plan” costs €2 — café")
@example(("shift_jis", "shift_jis"), "港の防波堤が決壊、沿岸の住宅が浸水")
def test_decode_honours_a_declared_charset(declared, data):
    """A page that declares its charset and is not UTF-8 is read in it
    (labels as browsers read them: latin-1 means cp1252)."""
    label, codec = declared
    if isinstance(data, str):  # an explicit example
        body = data
    else:
        # shift_jis writes ¥ and ‾ as \\ and ~: they cannot come back.
        body = data.draw(st.text(st.characters(codec=codec, min_codepoint=32, exclude_characters="\x7f¥‾"),
                                 min_size=1, max_size=300))
    page = f'<html><head><meta charset="{label}"></head><body><p>{body}</p></body></html>'
    raw = page.encode(codec)
    assume(not _is_utf8(raw))
    text, encoding = decode.decode(raw, "html")
    assert encoding == codecs.lookup(codec).name
    assert text == decode.repair(page)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@bounded(100)
@given(news_text)
def test_repair_is_idempotent(text):
    once = decode.repair(text)
    assert decode.repair(once) == once
    assert not decode._CONTROL.search(once)


# --- read (JSON Lines) ---------------------------------------------------------------

@bounded(100)
@given(st.lists(st.one_of(st.binary(max_size=80), st.sampled_from(
    [b"", b" ", b"\r", b'{"text": "a"}', b"[1, 2]", b'{"title": "x"', b"null", b"\x00", b"\xff\xfe"])),
    max_size=20))
def test_json_lines_every_non_blank_line_is_one_document(tmp_path_factory, lines):
    data = b"\n".join(lines)
    assume(not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    assume(b"\x00" not in data[:4])  # what the reader takes for UTF-16 is another test
    folder = tmp_path_factory.mktemp("jsonl")
    (folder / "feed.jsonl").write_bytes(data)
    docs = list(read.read_sources([str(folder)]))
    numbered = {n: line.rstrip(b"\r\n") for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()}
    if not numbered:
        assert len(docs) == 1 and docs[0].error and "no records" in docs[0].error
        return
    assert [d.record for d in docs] == sorted(numbered)
    for doc in docs:
        assert doc.key == f"{folder.name}/feed.jsonl#L{doc.record}"
        assert doc.error is None and doc.data == numbered[doc.record]


@bounded(100)
@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "a.html", "a.json", "a.jsonl", "a.txt.gz",
                                                  "a.jsonl.gz", "a.json.gz"]), st.booleans())
def test_read_any_file(tmp_path_factory, data, name, compress):
    """Any bytes under any input name give at least one document, each with
    data or with an error in words, and never an exception."""
    import gzip

    folder = tmp_path_factory.mktemp("any")
    (folder / name).write_bytes(gzip.compress(data) if compress and name.endswith(".gz") else data)
    docs = list(read.read_sources([str(folder)]))
    assert docs
    for doc in docs:
        assert doc.key.startswith(f"{folder.name}/{name}")
        assert (doc.error is None) or (doc.data == b"" and len(doc.error.split()) >= 3), doc


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | news_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(news_text, children, max_size=4),
    max_leaves=12)
FIELDS = [name for names in analyse.SYNONYMS.values() for name in names[:3]]


@bounded(150)
@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8))
def test_analyse_any_json_record(fields):
    doc = RawDocument("feed.jsonl#L1", "feed.jsonl", 1, "jsonl", json.dumps(fields).encode())
    check_analysis(analyse.analyse(doc, nlp=False), doc)


@bounded(100)
@given(st.binary(max_size=200))
@example(b"\x00\xbb\xbf")  # not UTF-8, and binary
@example(b'{"text": "The wall \\ud800 held through the night, officials said on Tuesday after the storm."}')
def test_analyse_any_json_line(line):
    doc = RawDocument("feed.jsonl#L1", "feed.jsonl", 1, "jsonl", line)
    check_analysis(analyse.analyse(doc, nlp=False), doc)


@pytest.mark.shared
@bounded(60)
@given(st.data())
def test_analyse_mutated_json_records(pages, data):
    raw = data.draw(mutated(pages["jsonl"]))
    doc = RawDocument("feed.jsonl#L1", "feed.jsonl", 1, "jsonl", raw)
    check_analysis(analyse.analyse(doc, nlp=False), doc)


# --- extract and clean -----------------------------------------------------------------

@bounded(150)
@given(news_text)
def test_text_paragraphs_keep_every_word_in_order(text):
    paragraphs = extract.text_paragraphs(text)
    assert all(squashed(p) for p in paragraphs)
    assert " ".join(paragraphs).split() == text.split()


@bounded(150)
@given(news_text)
def test_split_lines_invent_nothing(text):
    lines, placeholders = extract.split_lines(text)
    assert all(squashed(line) for line in lines)
    tokens_from(lines, text)


@bounded(100)
@given(news_text, st.sampled_from([True, False, None]))
def test_from_text_random(text, page_dump):
    try:
        article = extract.from_text(text, page_dump=page_dump)
    except extract.NoArticle:
        return
    assert article.paragraphs and all(squashed(p) for p in article.paragraphs)
    assert not any(extract._NOT_XML.search(p) for p in article.paragraphs)
    tokens_from(article.paragraphs + [article.title or ""], extract.xml_safe(text))
    for position, line, reason, score in article.removed:
        assert squashed(line) and reason and (score is None or 0 <= score <= 1)


@pytest.mark.shared
@bounded(60)
@given(st.data())
def test_from_text_mutated_seeds(pages, data):
    raw = data.draw(mutated(pages["text"]))
    try:
        text, _ = decode.decode(raw, "text")
    except decode.DecodeError:
        return
    try:
        article = extract.from_text(text)
    except extract.NoArticle:
        return
    tokens_from(article.paragraphs + [article.title or "", article.standfirst or ""], text)
    assert article.published is None or valid_iso(article.published)


@bounded(100)
@given(st.lists(news_text.map(lambda t: " ".join(t.split())), max_size=30), st.data())
def test_classify_any_lines(lines, data):
    title = data.draw(st.none() | st.integers(0, max(0, len(lines) - 1))) if lines else None
    decisions = clean.classify(lines, title)
    assert len(decisions) == len(lines)
    for keep, probability in decisions:
        assert isinstance(keep, bool) and 0.0 <= probability <= 1.0
    for line in lines:
        clean.reason_for(line)


@bounded(60)
@given(news_text)
def test_from_html_random(text):
    try:
        article = extract.from_html(text)
    except extract.NoArticle:
        return
    assert article.paragraphs and all(squashed(p) for p in article.paragraphs)
    assert article.title is None or squashed(article.title)


@pytest.mark.shared
@bounded(40)
@given(st.data())
def test_analyse_mutated_html(pages, data):
    raw = data.draw(mutated(pages["html"]))
    doc = RawDocument("page.html", "page.html", None, "html", raw)
    check_analysis(analyse.analyse(doc, nlp=False), doc)


@pytest.mark.shared
@bounded(60)
@given(st.data())
def test_analyse_mutated_text(pages, data):
    raw = data.draw(mutated(pages["text"]))
    doc = RawDocument("page.txt", "page.txt", None, "text", raw)
    check_analysis(analyse.analyse(doc, nlp=False), doc)


@bounded(30)
@given(st.integers(200, 3000), st.sampled_from(["div", "span", "blockquote", "li", "td"]))
def test_deep_nesting_keeps_the_text(levels, tag):
    words = "The harbour wall held through the night, officials said on Tuesday after the storm."
    page = f"<html><body>{f'<{tag}>' * levels}<p>{words}</p><p>{words}</p>{f'</{tag}>' * levels}</body></html>"
    try:
        article = extract.from_html(page)
    except extract.NoArticle as exc:
        assert "nested more than" in str(exc)  # said so, when the text is beyond reach
        return
    assert words in article.body_text


# --- metadata ---------------------------------------------------------------------------

@bounded(150)
@given(news_text)
def test_dates_found_are_valid(text):
    for found in (metadata.find_date(text), metadata.date_line(text.split("\n"))):
        assert found is None or valid_iso(found), found


@bounded(200)
@given(JSON | st.datetimes().map(str) | st.dates().map(str) | st.integers().map(str))
@example(True)
@example(float("inf"))
@example(-1)
@example(1e11 - 1)
@example(10 ** 400)
@example(1_700_000_000_000)  # milliseconds, as JavaScript writes them
def test_iso_date_of_any_value(value):
    found = metadata.iso_date(value)
    assert found is None or valid_iso(found)
    if isinstance(value, bool):
        assert found is None  # true is not a date
    if value == 1_700_000_000_000:
        assert found == "2023-11-14T22:13:20Z"


@bounded(100)
@given(news_text)
def test_date_from_url(text):
    found = metadata.date_from_url("https://a.example/" + text)
    assert found is None or valid_iso(found)


@bounded(150)
@given(st.lists(news_text.map(lambda t: " ".join(t.split())), max_size=8))
def test_bylines_come_from_the_lines(lines):
    author = metadata.byline(lines)
    assert author is None or any(author in line for line in lines)
    people, agency = metadata.split_byline(author or (lines[0] if lines else None))
    assert agency is None or agency in metadata.AGENCIES.values()
    for index, agency, kind in metadata.credits(lines):
        assert 0 <= index < len(lines) and agency and kind
    metadata.outlet_from_text(lines)
    metadata.section_from_lines(lines)
    metadata.wire_credit(lines)
    metadata.find_title(lines)


@bounded(100)
@given(news_text, st.lists(news_text, max_size=3))
def test_strip_site_name_keeps_part_of_the_title(title, names):
    title = " ".join(title.split())
    stripped = metadata.strip_site_name(title, names)
    assert stripped is None or stripped in title


@bounded(100)
@given(news_text)
def test_languages_are_codes(text):
    for found in (metadata.language_code(text), metadata.html_language(text), metadata.detect_language(text)):
        assert found is None or re.fullmatch(r"[a-z]{2,3}", found), found


# --- figures ---------------------------------------------------------------------------

@bounded(200)
@given(paragraph_lists)
@example(["9" * 400 + " drones"])
@example(["It cost $" + "9" * 310 + " billion."])
def test_figures_inside_their_paragraph(paragraphs):
    for f in figures.find_figures(paragraphs):
        text = paragraphs[f.paragraph]
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text
        assert f.sentence in text and math.isfinite(f.value)


@pytest.mark.shared
@bounded(40)
@given(st.data())
def test_figures_of_mutated_seeds(seed_paragraphs, data):
    paragraphs = list(data.draw(st.sampled_from(seed_paragraphs)))[:12]
    raw = data.draw(mutated([p.encode() for p in paragraphs]))
    paragraphs.append(raw.decode("utf-8", "replace"))
    for f in figures.find_figures(paragraphs):
        assert paragraphs[f.paragraph][f.start:f.end] == f.text and math.isfinite(f.value)


# --- quotes ------------------------------------------------------------------------------

def check_quotes(found: list[quotes.Quote], paragraphs: list[str]) -> None:
    for i, q in enumerate(found):
        text = paragraphs[q.paragraph]
        assert 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.text, q
        assert q.kind in ("direct", "partial", "block")
        assert q.kind != "partial" or q.speaker is not None
        assert 0 <= q.statement <= i and found[q.statement].statement == q.statement
        if q.speaker_paragraph is not None:
            assert 0 <= q.speaker_paragraph < len(paragraphs)
            assert 0 <= q.speaker_start < q.speaker_end <= len(paragraphs[q.speaker_paragraph])
    assert [(q.paragraph, q.start) for q in found] == sorted((q.paragraph, q.start) for q in found)


QUOTE_TEXT = st.lists(st.sampled_from(TOKENS[:50] + ["“We will rebuild,” ", '"It is over," ', "he said. ",
                                                     "she told the BBC. ", "Reis said: ", "“", "”", '"']),
                      max_size=40).map(lambda parts: " ".join("".join(parts).split()))


@pytest.mark.nlp
@bounded(60)
@given(st.lists(QUOTE_TEXT | news_text.map(lambda t: " ".join(t.split())), min_size=1, max_size=6))
def test_quotes_inside_their_paragraph(paragraphs):
    check_quotes(quotes.analyse_quotes(paragraphs).quotes, paragraphs)


@pytest.mark.shared
@pytest.mark.nlp
@bounded(30)
@given(st.data())
def test_quotes_of_mutated_seeds(seed_paragraphs, data):
    paragraphs = list(data.draw(st.sampled_from(seed_paragraphs)))[:12]
    i = data.draw(st.integers(0, len(paragraphs) - 1))
    raw = data.draw(mutated([paragraphs[i].encode()]))
    paragraphs[i] = " ".join(raw.decode("utf-8", "replace").split()) or "x"
    check_quotes(quotes.analyse_quotes(paragraphs).quotes, paragraphs)


@pytest.mark.nlp
@bounded(30)
@given(st.lists(QUOTE_TEXT, min_size=1, max_size=5))
def test_quotes_with_a_real_parse(nlp, paragraphs):
    """With Docs parsed by the pipeline beforehand, as a caller that has them passes them."""
    docs = list(nlp.pipe(quotes.plain_paragraph(p)[0] for p in paragraphs))
    check_quotes(quotes.analyse_quotes(paragraphs, docs).quotes, paragraphs)


# --- quote clusters ----------------------------------------------------------------------

@bounded(200)
@given(news_text, news_text)
@example("x y", "x")
@example("a b", "c")
def test_word_diff_rebuilds_both_versions(a, b):
    segments = quote_clusters.word_diff(a, b)
    assert "".join(t for op, t in segments if op != "delete") == b.lstrip()
    comparable = [quote_clusters._comparable(t) for t in quote_clusters._TOKEN.findall(a)]
    older = "".join(t for op, t in segments if op != "insert")
    assert [quote_clusters._comparable(t) for t in quote_clusters._TOKEN.findall(older)] == comparable
    # Shown one after the other, no two segments glue words together.
    for (_, left), (_, right) in zip(segments, segments[1:]):
        assert left[-1:].isspace() or right[:1].isspace(), segments
    assert all(op in ("equal", "insert", "delete") and text for op, text in segments)


ITEMS = st.lists(st.tuples(QUOTE_TEXT | news_text, st.none() | st.sampled_from(["a", "b", "c"]),
                           st.none() | st.dates().map(date.isoformat),
                           st.none() | st.sampled_from(["Ana Reis", "Zelensky", "Zelenskyy", "Reis"])),
                 max_size=25)


@bounded(100)
@given(ITEMS)
def test_clusters_hold_their_members_once(items):
    quoted = [quote_clusters.QuoteItem(i, text, outlet, day, speaker)
              for i, (text, outlet, day, speaker) in enumerate(items)]
    for cluster in quote_clusters.cluster_quotes(quoted):
        assert len(cluster.members) >= 2 and len(set(cluster.members)) == len(cluster.members)
        assert cluster.earliest == cluster.members[0]
        assert set(cluster.outlets) <= {q.outlet for q in quoted if q.quote_id in cluster.members}
