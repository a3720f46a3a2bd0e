"""One article's mentions: its paragraphs prepared and parsed, the model's
entities refined, furniture dropped, wire conventions read, the article
made consistent with itself, and each mention keyed within the article."""

from __future__ import annotations

import logging
from collections import defaultdict
from functools import lru_cache
from typing import Sequence

from .. import gazetteer as gaz
from .component import RULES_FAILED, pipeline, refine_doc, tables, tokens_text, words_and_offsets
from .consistency import make_consistent
from .keys import assign_keys
from .mentions import MAX_CHARS, MAX_PARAGRAPHS, RULES, TYPE_OF_LABEL, NameMention, TokenSpan
from .text import article_casing, blank_markup, mostly_capitals, recase
from .wire import datelines, results_lines, sports_article, sports_teams

log = logging.getLogger(__name__)

FURNITURE = {
    "sign up", "sign in", "log in", "login", "subscribe", "newsletter", "privacy policy", "cookie policy",
    "terms of use", "terms of service", "terms and conditions", "read more", "advertisement", "related",
    "share", "comments", "reply", "jump to content", "diamond member", "guest", "menu", "search",
    "google news", "facebook", "twitter", "whatsapp", "instagram", "linkedin", "pinterest", "reddit",
    "email", "print", "exit mobile version", "cookie", "cookies", "notifications", "important information",
    "gmt", "bst", "utc", "est", "edt", "pst", "cet", "gif", "jpg", "png", "pdf", "rss",
}


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported when first needed: the build's
    own process resolves entities without ever loading spaCy."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _furniture(doc, s: TokenSpan, doc_text: str | None = None) -> bool:
    text = tokens_text(doc, s.start, s.end)
    if gaz.normalise(text) in FURNITURE or gaz.normalise(doc.text if doc_text is None else doc_text) in FURNITURE:
        return True
    if s.end - s.start == 1 and text.isupper() and text.lower() in _stop_words() \
            and not (s.label in {"GPE", "LOC"} and gaz.normalise(text) in gaz.load().country_names):
        return True  # "NOT", "ALL" in shouting; not "US"
    if s.start > 0 and doc[s.start - 1].text in {"#", "@"}:
        return True
    if text.startswith(("#", "@")):
        return True
    return any(ch in text for ch in "./@:") and any(t.like_url or t.like_email for t in doc[s.start:s.end])


def _hint(doc, s: TokenSpan, spans_in_paragraph: list[TokenSpan]) -> str | None:
    """ "region" when the place is followed by region/oblast, directly or
    through a coordination ("the Kursk and Belgorod regions")."""
    j = s.end
    while j < len(doc) and doc[j].is_space:
        j += 1
    if j < len(doc) and doc[j].lower_ in gaz.REGION_WORDS:
        return "region"
    if j < len(doc) and doc[j].lower_ in {"and", ",", "or"}:
        for other in spans_in_paragraph:
            if other.start > j and other.start <= j + 2 and TYPE_OF_LABEL.get(other.label) == "place":
                k = other.end
                if k < len(doc) and doc[k].lower_ in {"regions", "oblasts", "provinces"}:
                    return "region"
    return None


def recognise(paragraphs: Sequence[str], docs: Sequence | None = None, nlp=None,
              parsed: Sequence | None = None) -> list[NameMention]:
    """The mentions in one article, paragraph by paragraph (see the module doc).

    paragraphs: the article's paragraphs (Markdown tolerated; offsets are
    into these strings). docs: the pipeline's Docs for them if the caller
    has them already (they must come from `pipeline()` on
    `prepare(paragraphs)`). parsed: Docs of the configured model's full
    pipeline that the caller made anyway (the quote stage's), one per
    paragraph or None, reused as `parse` says. Never raises: a failure is
    logged and gives no mentions. The build calls `recognise_article`,
    which lets a failure be recorded."""
    try:
        return recognise_article(paragraphs, docs, nlp, parsed)
    except Exception as error:  # noqa: BLE001 - a bug must not cost a caller's run: no mentions instead
        log.warning("entity recognition failed: %s: %s", type(error).__name__, error)
        return []


def recognise_article(paragraphs: Sequence[str], docs: Sequence | None = None, nlp=None,
                      parsed: Sequence | None = None, problems: list[str] | None = None) -> list[NameMention]:
    """`recognise`, raising whatever goes wrong. A step that fails but
    leaves a result (the component's rules on one paragraph: the model's
    entities stay) adds "<ExceptionType>: <reason> ..." to `problems`, or
    logs it without them."""
    return _recognise(list(paragraphs or ())[:MAX_PARAGRAPHS], docs, nlp, parsed, problems)


def prepare(paragraphs: Sequence[str]) -> list[str]:
    """The texts the pipeline parses for an article: markup blanked, huge
    paragraphs cut, headlines in capitals re-cased. Same offsets."""
    texts = []
    for p in paragraphs:
        p = p if isinstance(p, str) else ("" if p is None else str(p))
        texts.append(blank_markup(p[:MAX_CHARS]))
    if RULES.get("recase") and any(mostly_capitals(t) for t in texts):
        casing = article_casing(texts)
        known = tables().casing_known
        texts = [recase(t, casing, known) if mostly_capitals(t) else t for t in texts]
    return texts


def parse(texts: Sequence[str], parsed: Sequence | None = None, nlp=None) -> list:
    """The entity pipeline's Docs for `prepare`d texts.

    parsed: Docs the caller already has from the configured model's full
    pipeline, by position, None where it has none. A Doc whose text is the
    text to parse is reused, not parsed again: its model entities are
    refined in place by this pipeline's last component (so its `ents`
    change). The model's ner has its own tok2vec, so it finds the same
    entities in a full parse as in the ner-only one, except that there it
    keeps them within the parser's sentences."""
    nlp = nlp or pipeline()
    given = list(parsed or ())[:len(texts)]
    reuse = [i < len(given) and given[i] is not None and given[i].text == text for i, text in enumerate(texts)]
    fresh = iter(nlp.pipe([text for text, reused in zip(texts, reuse) if not reused]))
    return [refine_doc(given[i]) if reused else next(fresh) for i, reused in enumerate(reuse)]


def _recognise(paragraphs: list[str], docs, nlp, parsed=None, problems: list[str] | None = None
               ) -> list[NameMention]:
    if not paragraphs:
        return []
    texts = prepare(paragraphs)
    if docs is None:
        docs = parse(texts, parsed, nlp)
    docs = list(docs)
    for p, doc in enumerate(docs):
        failed = doc.user_data.get(RULES_FAILED)
        if failed:
            message = f"{failed} (in the entity rules, paragraph {p}: the model's entities stand)"
            if problems is None:
                log.warning("%s", message)
            else:
                problems.append(message)
    spans: list[TokenSpan] = []
    for p, doc in enumerate(docs):
        for ent in doc.ents:
            if ent.label_ in TYPE_OF_LABEL or ent.label_ == "MISC":
                spans.append(TokenSpan(p, ent.start, ent.end, ent.label_, "MODEL"))
    if not docs:
        return []
    doc_words, _, doc_texts = zip(*(words_and_offsets(doc) for doc in docs))
    originals = [p if isinstance(p, str) else "" for p in paragraphs]  # as written, for the capitals
    spans = [s for s in spans if not _furniture(docs[s.paragraph], s, doc_texts[s.paragraph])]
    if RULES.get("datelines"):
        spans = datelines(docs, spans, originals)
    if RULES.get("results_lines"):
        spans = results_lines(docs, spans, doc_texts)
        if sports_article(texts, originals):
            spans = sports_teams(docs, spans)
    spans = make_consistent(docs, spans, doc_words)
    by_paragraph: dict[int, list[TokenSpan]] = defaultdict(list)
    for s in spans:
        by_paragraph[s.paragraph].append(s)
    mentions: list[NameMention] = []
    for s in spans:
        doc = docs[s.paragraph]
        start = doc[s.start].idx
        end = doc[s.end - 1].idx + len(doc[s.end - 1].text)
        original = paragraphs[s.paragraph]
        text = original[start:end] if end <= len(original) else doc_texts[s.paragraph][start:end]
        if not text.strip():
            continue
        type_ = TYPE_OF_LABEL.get(s.label, "other")
        mentions.append(NameMention(s.paragraph, start, end, text, type_, text, s.label,
                                    _hint(doc, s, by_paragraph[s.paragraph]) if type_ == "place" else None))
    return assign_keys(mentions)
