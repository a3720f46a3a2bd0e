"""Analyse one document on its own: raw bytes in, records out.

`analyse` is a pure function of its RawDocument, so it can run in any
process, in any order. It never raises for a bad document: whatever goes
wrong becomes an error record naming the stage and the reason. A document
that cannot be read or extracted gives no article; an NLP step that fails
on an article (stage "quotes" or "entities") leaves the article without
what that step finds, and its error row says why.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zlib
from dataclasses import dataclass, field

from . import decode, extract, figures, metadata
from .read import RawDocument

# JSON field names accepted for each article field, in order of preference.
SYNONYMS = {
    "url": ("url", "link", "href", "canonical_url", "source_url", "permalink"),
    "html": ("html", "raw_html", "content_html", "body_html", "page"),
    "text": ("text", "content", "body", "maintext", "article", "full_text", "story", "body_text"),
    "title": ("title", "headline", "heading"),
    "outlet": ("outlet", "source", "site", "site_name", "sitename", "publisher", "source_domain",
               "domain", "media", "newspaper"),
    "published": ("published", "date", "date_publish", "published_at", "publish_date",
                  "pubdate", "date_published", "datetime", "timestamp", "time"),
    "author": ("author", "authors", "byline", "creator", "creators"),
    "language": ("language", "lang"),
}

_LOOKS_HTML = re.compile(r"<(?:p|div|article|html|body|br|span|h[1-6])\b", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)


class DocumentError(Exception):
    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.message = message


@dataclass
class Analysis:
    source: dict
    article: dict | None = None
    paragraphs: list[dict] = field(default_factory=list)
    removed_blocks: list[dict] = field(default_factory=list)
    credits: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)  # names as written, resolved across the corpus later
    quotes: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    outlet: tuple[str | None, str | None] | None = None  # (name, domain) as the page states them
    # Wall-clock seconds this analysis spent in each stage ("extract",
    # "quotes", "entities") and its CPU seconds ("cpu"), for bench/build.py;
    # not written to the database.
    timings: dict[str, float] = field(default_factory=dict)


def article_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def analyse(doc: RawDocument, nlp: bool = True) -> Analysis:
    started, cpu = time.perf_counter(), time.process_time()
    result = _analyse_document(doc, nlp)
    timings = result.timings
    timings["extract"] = time.perf_counter() - started - timings.get("quotes", 0.0) - timings.get("entities", 0.0)
    timings["cpu"] = time.process_time() - cpu
    return result


def _analyse_document(doc: RawDocument, nlp: bool) -> Analysis:
    sha = hashlib.sha256(doc.data).hexdigest()
    result = Analysis(
        source={
            "id": doc.source_id,
            "path": doc.key,
            "record": doc.record,
            "format": doc.format,
            "sha256": sha,
            "size": len(doc.data),
            "encoding": None,
            "raw": zlib.compress(doc.data, 6),
        }
    )
    try:
        if doc.error:
            raise DocumentError("read", doc.error)
        if not doc.data.strip():
            raise DocumentError("read", "the file is empty")
        article = _extract(doc, result)
    except DocumentError as exc:
        result.errors.append(_error(doc, exc.stage, exc.message))
        return result
    except RecursionError:
        result.errors.append(_error(doc, "extract", "the page is nested too deeply to parse"))
        return result
    except Exception as exc:  # noqa: BLE001 - a bug in a parser must not stop the run
        result.errors.append(_error(doc, "extract", f"extraction failed: {type(exc).__name__}: {exc}"))
        return result

    aid = article_id(doc.data)
    body_text = article.body_text
    result.article = {
        "id": aid,
        "source": doc.source_id,
        "outlet": None,  # assigned when outlets are linked across the corpus
        "url": article.url,
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "published": article.published,
        "language": article.language or metadata.detect_language(body_text),
        "section": article.section,
        "wire_credit": article.wire_credit,
        "body_markdown": article.body_markdown,
        "body_text": body_text,
        "word_count": len(body_text.split()),
        "redacted": int(article.redacted),
    }
    result.paragraphs = [
        {"id": f"{aid}-{i}", "article": aid, "position": i, "text": text}
        for i, text in enumerate(article.paragraphs)
    ]
    result.removed_blocks = [
        {"id": f"{aid}-{position}", "article": aid, "position": position, "text": text, "reason": reason,
         "score": None if score is None else round(score, 3)}
        for position, text, reason, score in article.removed
    ]
    result.credits = article_credits(aid, article)
    result.figures = [
        {"id": f"{aid}-{f.paragraph}-{f.start}", "article": aid, "paragraph": f"{aid}-{f.paragraph}",
         "text": f.text, "value": f.value, "qualifier": f.qualifier, "unit": f.unit, "noun": f.noun,
         "noun_key": f.noun_key, "sentence": f.sentence, "start": f.start, "end": f.end}
        for f in figures.find_figures(article.paragraphs)
    ]
    if nlp and result.article["language"] in NLP_LANGUAGES:
        failures: list[tuple[str, str]] = []
        result.quotes, result.mentions = article_nlp(aid, article.paragraphs, result.timings, failures)
        result.errors += [_error(doc, stage, message) for stage, message in failures]
    if article.outlet_name or article.outlet_domain:
        result.outlet = (article.outlet_name, article.outlet_domain)
    return result


def article_credits(aid: str, article: extract.Article) -> list[dict]:
    """Every agency credit the page gives: in the body, in what the cleaner
    cut (a "(Reporting by ...)" footer is often furniture) and in the byline."""
    rows = []
    for i, agency, kind in metadata.credits(article.paragraphs):
        rows.append({"id": f"{aid}-p{i}", "article": aid, "agency": agency,
                     "text": article.paragraphs[i], "kind": kind})
    removed = [text for _position, text, _reason, _score in article.removed]
    for i, agency, kind in metadata.credits(removed):
        rows.append({"id": f"{aid}-r{article.removed[i][0]}", "article": aid, "agency": agency,
                     "text": removed[i], "kind": kind})
    if article.byline_credit:
        rows.append({"id": f"{aid}-byline", "article": aid, "agency": article.byline_credit,
                     "text": article.byline_credit, "kind": "byline"})
    return rows


# The spaCy model is English: other languages get no entities rather than
# wrong ones.
NLP_LANGUAGES = {"en", None}


def article_nlp(aid: str, paragraphs: list[str], timings: dict[str, float] | None = None,
                failures: list[tuple[str, str]] | None = None) -> tuple[list[dict], list[dict]]:
    """Quote rows and mention rows of one article, each paragraph parsed once.

    The quote stage parses, with the full pipeline, the paragraphs it needs
    (those with quote marks and their neighbours); the entity stage reuses
    those Docs where its own text for the paragraph is the same, and runs
    its ner-only pipeline on the rest. The rows are the ones each stage
    gives alone (`quote_rows` of `quotes.extract_quotes`, `article_mentions`).
    `timings` gets the seconds of each stage.

    `failures`: when given, a stage that raises gives no rows and adds
    (stage, "<ExceptionType>: <reason>") to it, with stage "quotes" or
    "entities"; a step that fails but leaves a result (the speaker ranker,
    the entity rules on one paragraph) adds its row too. Without it, a
    failing stage raises."""
    from . import quotes

    timings = {} if timings is None else timings
    problems = None if failures is None else []
    started = time.perf_counter()
    try:
        found = quotes.analyse_quotes(paragraphs, problems=problems)
        rows, parsed = quote_rows(aid, found.quotes), found.docs
    except Exception as exc:  # noqa: BLE001 - recorded: the article stays, without quotes
        if failures is None:
            raise
        failures.append(("quotes", _reason(exc)))
        rows, parsed = [], None
    _note(failures, "quotes", problems)
    middle = time.perf_counter()
    try:
        mentions = article_mentions(aid, paragraphs, parsed, problems=problems)
    except Exception as exc:  # noqa: BLE001 - recorded: the article stays, without mentions
        if failures is None:
            raise
        failures.append(("entities", _reason(exc)))
        mentions = []
    _note(failures, "entities", problems)
    timings["quotes"] = middle - started
    timings["entities"] = time.perf_counter() - middle
    return rows, mentions


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _note(failures: list[tuple[str, str]] | None, stage: str, problems: list[str] | None) -> None:
    """Move the problems a stage reported into `failures`, under its name."""
    if failures is not None and problems:
        failures += [(stage, problem) for problem in problems]
        problems.clear()


def article_mentions(aid: str, paragraphs: list[str], parsed: list | None = None,
                     problems: list[str] | None = None) -> list[dict]:
    """People, organisations, places and other names, as written, paragraph
    by paragraph. `parsed`: full-pipeline Docs the caller has (see
    article_nlp). Raises what recognition raises; `problems`: see
    `entities.recognise_article`."""
    from . import entities

    found = entities.recognise_article(paragraphs, parsed=parsed, problems=problems)
    return [
        {"article": aid, "paragraph": m.paragraph, "start": m.start, "end": m.end, "text": m.text,
         "type": m.type, "key": m.key, "label": m.label, "hint": m.hint,
         # Its provisional entity: what the corpus-level resolution counts.
         "ident": key[0] if key else None, "display": key[1] if key else None,
         "confidence": key[2] if key else None}
        for m, key in zip(found, entities.provisional_keys(found))
    ]


def quote_rows(aid: str, found: list) -> list[dict]:
    """Who said what: every quoted segment with its speaker, cue and channel."""
    rows = []
    for q in found:
        pid = f"{aid}-{q.paragraph}"
        first = found[q.statement] if 0 <= q.statement < len(found) else q
        rows.append({
            "id": f"{pid}-{q.start}", "article": aid, "outlet": None, "paragraph": pid,
            "statement": f"{aid}-{first.paragraph}-{first.start}", "text": q.text, "kind": q.kind,
            "speaker": q.speaker, "speaker_resolved": q.speaker_resolved, "speaker_entity": None,
            "cue": q.cue, "channel": q.channel, "start": q.start, "end": q.end,
            "body_start": None, "body_end": None, "cluster": None,
        })
    return rows


def _error(doc: RawDocument, stage: str, message: str) -> dict:
    where = f"line {doc.record}: " if doc.record else ""
    return {"source": doc.source_id, "path": doc.key, "stage": stage, "message": where + message}


def _extract(doc: RawDocument, result: Analysis) -> extract.Article:
    if doc.format in ("jsonl", "json"):
        return _from_record(doc, result)
    try:
        text, encoding = decode.decode(doc.data, doc.format)
    except decode.DecodeError as exc:
        raise DocumentError("decode", str(exc)) from None
    result.source["encoding"] = encoding
    try:
        if doc.format == "html":
            return extract.from_html(text)
        return extract.from_text(text)
    except extract.NoArticle as exc:
        raise DocumentError("extract", str(exc)) from None


def _first(record: dict, name: str):
    for key in SYNONYMS[name]:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value) -> str | None:
    """A record value as a plain string: lists are joined, objects give their name."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("url")
    if isinstance(value, list):
        parts = [_as_text(v) for v in value]
        value = ", ".join(p for p in parts if p)
    if value is None:
        return None
    value = " ".join(decode.repair(str(value)).split())
    return value or None


def _from_record(doc: RawDocument, result: Analysis) -> extract.Article:
    try:
        text = doc.data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = decode.decode(doc.data, "text")
        except decode.DecodeError as exc:
            raise DocumentError("decode", str(exc)) from None
    result.source["encoding"] = encoding
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError("parse", f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise DocumentError("parse", "the JSON is nested too deeply") from None
    if not isinstance(record, dict):
        raise DocumentError("parse", f"a JSON {type(record).__name__}, not an object with article fields")

    url = _as_text(_first(record, "url"))
    title = _as_text(_first(record, "title"))
    html = _first(record, "html")
    body = _first(record, "text")
    try:
        if isinstance(html, str) and html.strip():
            article = extract.from_html(decode.repair(html), url=url)
        elif isinstance(body, str) and body.strip():
            body = decode.repair(body)
            if _LOOKS_HTML.search(body[:5000]):
                article = extract.from_html(body, url=url)
            else:
                article = extract.from_text(body, url=url, title=title, page_dump=None)
        else:
            names = ", ".join(SYNONYMS["html"][:1] + SYNONYMS["text"][:4])
            raise DocumentError("extract", f"the record has no article text (expected one of: {names})")
    except extract.NoArticle as exc:
        raise DocumentError("extract", str(exc)) from None

    # What the record states explicitly wins over what was inferred from the page.
    article.title = title or article.title
    article.author = _as_text(_first(record, "author")) or article.author
    article.published = metadata.iso_date(_first(record, "published")) or article.published
    article.language = metadata.language_code(_as_text(_first(record, "language"))) or article.language
    outlet = _as_text(_first(record, "outlet"))
    if outlet:
        if _DOMAIN.match(outlet):
            article.outlet_domain = outlet.lower().removeprefix("www.")
        else:
            article.outlet_name = outlet
    return article
