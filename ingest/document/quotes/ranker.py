"""Pass 5, the speaker ranker (run before resolution).

The rules give each marked quote a speaker (or none). A learned ranker then
looks at every mention that could be the speaker: noun phrases of the
quote's sentences and the sentences next to them, subjects and names of the
paragraph before, the rules' choice and the previous quote's speaker; it
scores each one from its grammar and position relative to the quote (the
rules' choice is one of its features) and keeps the best. The model is
gradient-boosted trees trained by bench/quote_model.py on the PolNeAR train
split, stored as JSON in ingest/document/models/quote_speakers.json and
evaluated here in pure Python (ingest.document.clean.TreeEnsemble). Without
the model file the rules' speakers stand.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .attribution import channel_of, is_cue_token, speaker_span
from .lexicon import NON_SPEAKER_SUBJECTS, ROLE_NOUNS
from .marks import Segment
from .records import ParagraphInfo, Quote, SpeakerMention, inside, sentence_of
from .speakers import normalise_name

SPEAKER_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "quote_speakers.json"
_CANDIDATE_DEPS = ("nsubj", "nsubjpass", "pobj", "dobj", "poss", "appos", "conj", "attr", "dative", "ROOT")
_CANDIDATE_ENTS = ("PERSON", "ORG", "NORP", "GPE")
_PRONOUN_GROUPS = {"he": "gendered", "him": "gendered", "his": "gendered", "she": "gendered", "her": "gendered",
                   "they": "they", "them": "they", "their": "they", "i": "first", "me": "first", "my": "first",
                   "we": "first", "us": "first", "our": "first", "it": "it", "its": "it", "who": "who",
                   "you": "you"}
SPEAKER_FEATURES = (
    # the quote
    ["q_partial", "q_ends_comma", "q_para_initial", "q_para_only", "q_log_len", "q_segments", "q_segment_index",
     "q_opened_before", "q_rule_speaker", "q_rule_cue", "q_rule_according", "q_rule_other_paragraph",
     "q_log_candidates"]
    # the candidate and where it stands
    + ["c_rule", "c_rule_head", "c_previous_speaker", "c_paragraph_delta", "c_before", "c_sentence_delta",
       "c_log_chars", "c_log_tokens", "c_rank", "c_other_quote_between", "c_adjacent"]
    # its grammar
    + [f"c_dep_{d}" for d in _CANDIDATE_DEPS]
    + ["c_dep_other", "c_head_cue", "c_head_say", "c_head_verb", "c_according", "c_agent", "c_governs",
       "c_cue_after", "c_cue_before", "c_subject_of_cue_in_prev", "c_last_cue_subject_in_prev"]
    # what it is
    + ["c_pron_" + g for g in ("gendered", "they", "first", "it", "who", "you")]
    + ["c_propn", "c_noun", "c_title"] + [f"c_ent_{e}" for e in _CANDIDATE_ENTS]
    + ["c_ent_other", "c_role_noun", "c_log_span_tokens", "c_sentence_initial", "c_name_elsewhere"]
)


@dataclass
class Candidate:
    """A mention that may be a quote's speaker."""

    mention: SpeakerMention
    token: object | None  # head token in its paragraph's doc
    features: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def speaker_model():
    """The speaker ranker, or None when its file is missing or was trained
    on other features (with a warning)."""
    from ..clean import TreeEnsemble

    if not SPEAKER_MODEL_PATH.exists():
        return None
    data = json.loads(SPEAKER_MODEL_PATH.read_text("utf-8"))
    model = TreeEnsemble.from_json(data["model"])
    if list(model.features) != SPEAKER_FEATURES:
        warnings.warn(f"{SPEAKER_MODEL_PATH}: its features are not SPEAKER_FEATURES; retrain it with "
                      "bench/quote_model.py. Speakers come from the rules alone.")
        return None
    return model


def _head_of(info: ParagraphInfo, start: int, end: int):
    if info.doc is None:
        return None
    span = info.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _candidate_tokens(info: ParagraphInfo, sentences: range | None):
    """Heads of noun phrases outside the quotes (in the given sentences)."""
    doc = info.doc
    if doc is None:
        return []
    found = []
    for n, sent in enumerate(doc.sents):
        if sentences is not None and n not in sentences:
            continue
        for tok in sent:
            if tok.pos_ not in ("PROPN", "NOUN", "PRON") or tok.dep_ in ("compound", "flat", "amod", "nmod") \
                    or tok.lower_ in NON_SPEAKER_SUBJECTS and tok.lower_ != "it" or inside(tok.idx, info.segments):
                continue
            if tok.pos_ == "PRON" and tok.lower_ not in _PRONOUN_GROUPS and tok.tag_ not in ("WP",):
                continue
            found.append(tok)
    return found


def speaker_candidates(infos: list[ParagraphInfo], quote: Quote, previous: Quote | None) -> list[Candidate]:
    """Every mention that may be the speaker of a marked quote, with its
    features (names in SPEAKER_FEATURES)."""
    info = infos[quote.paragraph]
    segment = next((s for s in info.segments if s.start == quote.start and s.end == quote.end), None)
    if info.doc is None or segment is None:
        return []
    first, last = sentence_of(info, quote.start), sentence_of(info, max(quote.start, quote.end - 1))
    tokens = [(info, t) for t in _candidate_tokens(info, range(first - 2, last + 2))]
    if quote.paragraph > 0:
        prev = infos[quote.paragraph - 1]
        tokens += [(prev, t) for t in _candidate_tokens(prev, None)
                   if t.dep_ in ("nsubj", "nsubjpass") or t.ent_type_ == "PERSON" or (
                       t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.i > 0
                       and t.head.doc[t.head.i - 1].lower_ == "according")]
    candidates: dict[tuple[int, int], Candidate] = {}
    for where, tok in tokens:
        span = speaker_span(tok, where.segments)
        if span is None:
            continue
        candidates[(where.index, tok.i)] = Candidate(SpeakerMention(where.index, span[0], span[1],
                                                                    where.text[span[0]:span[1]]), tok)
    # The rules' speaker and the previous quote's keep their spans as written.
    extra = [(quote, "c_rule")] + ([(previous, "c_previous_speaker")] if previous is not None else [])
    for source, flag in extra:
        if source.speaker is None or source.speaker_paragraph is None:
            continue
        where = infos[source.speaker_paragraph]
        mention = SpeakerMention(where.index, source.speaker_start, source.speaker_end, source.speaker)
        head = _head_of(where, mention.start, mention.end)
        key = (where.index, head.i if head is not None else -1 - mention.start)
        if key in candidates and flag == "c_rule":
            candidates[key].mention = mention
        elif key not in candidates:
            candidates[key] = Candidate(mention, head)
        candidates[key].features[flag] = 1.0
        if flag == "c_rule":
            candidates[key].features["c_rule_head"] = 1.0
    result = list(candidates.values())
    _describe(infos, quote, segment, first, last, result)
    return result


def _describe(infos: list[ParagraphInfo], quote: Quote, segment: Segment, first: int, last: int,
              candidates: list[Candidate]) -> None:
    info = infos[quote.paragraph]
    text = info.text
    outside = (text[:quote.start] + text[quote.end:]).strip(" \"“”«»„'`.,;:!?—–-")
    index = info.segments.index(segment)
    rule = quote.speaker is not None
    q = {
        "q_partial": float(quote.kind == "partial"),
        "q_ends_comma": float(quote.text.rstrip().endswith(",") or text[quote.end:quote.end + 2].lstrip(" \"”'").startswith(",")),
        "q_para_initial": float(not text[:quote.start].strip(" \"“”«»„'`")),
        "q_para_only": float(not outside),
        "q_log_len": math.log1p(len(quote.text)),
        "q_segments": float(len(info.segments)),
        "q_segment_index": float(index),
        "q_opened_before": float(segment.opened_before),
        "q_rule_speaker": float(rule),
        "q_rule_cue": float(quote.cue is not None),
        "q_rule_according": float(quote.cue == "according to"),
        "q_rule_other_paragraph": float(rule and quote.speaker_paragraph != quote.paragraph),
        "q_log_candidates": math.log1p(len(candidates)),
    }
    quote_root = _head_of(info, quote.start, quote.end)
    cue_subjects_prev = {}
    if quote.paragraph > 0:
        prev = infos[quote.paragraph - 1]
        cues = [a for a in prev.attributions if a.cue is not None]
        for a in cues:
            cue_subjects_prev[a.speaker.start] = 0.0
        if cues:
            cue_subjects_prev[max(cues, key=lambda a: a.cue_start).speaker.start] = 1.0
    surnames = [(normalise_name(c.mention.text).split() or [""])[-1] for c in candidates]
    surname_counts: dict[str, int] = {}
    for surname in surnames:
        surname_counts[surname] = surname_counts.get(surname, 0) + 1
    distances = []
    for c, surname in zip(candidates, surnames):
        m, tok = c.mention, c.token
        f = dict.fromkeys(SPEAKER_FEATURES, 0.0)
        f.update(q)
        f.update(c.features)
        same = m.paragraph == quote.paragraph
        before = not same or m.end <= quote.start
        chars = (quote.start - m.end if before else m.start - quote.end) if same else \
            quote.start + len(infos[m.paragraph].text) - m.end
        f["c_paragraph_delta"] = float(quote.paragraph - m.paragraph)
        f["c_before"] = float(before)
        f["c_log_chars"] = math.log1p(max(0, chars))
        if same:
            sentence = sentence_of(info, m.start)
            f["c_sentence_delta"] = float(max(-3, min(3, sentence - first if sentence < first else
                                                     max(0, sentence - last))))
            between = [s for s in info.segments if s is not segment and
                       (m.end <= s.start and s.end <= quote.start if before else quote.end <= s.start and s.end <= m.start)]
            f["c_other_quote_between"] = float(len(between))
            gap = text[m.end:quote.start] if before else text[quote.end:m.start]
            f["c_adjacent"] = float(not gap.strip(" \"“”«»„'`,.;:!?—–-"))
        else:
            f["c_sentence_delta"] = -3.0
            f["c_other_quote_between"] = float(bool(info.text[:quote.start].strip(" \"“”«»„'`")))
        if tok is not None:
            doc = tok.doc
            if same and quote_root is not None:
                f["c_log_tokens"] = math.log1p(abs(tok.i - quote_root.i))
            dep = tok.dep_
            f[f"c_dep_{dep}" if dep in _CANDIDATE_DEPS else "c_dep_other"] = 1.0
            head = tok.head
            f["c_head_cue"] = float(is_cue_token(head))
            f["c_head_say"] = float(head.lemma_.lower() == "say")
            f["c_head_verb"] = float(head.pos_ in ("VERB", "AUX"))
            f["c_according"] = float(dep == "pobj" and head.lower_ == "to" and head.i > 0
                                     and doc[head.i - 1].lower_ == "according")
            f["c_agent"] = float(dep == "pobj" and head.dep_ == "agent")
            if same and quote_root is not None:
                governor = head if dep != "pobj" else head.head
                f["c_governs"] = float(governor == quote_root or governor in quote_root.ancestors)
            right = doc[min(len(doc) - 1, tok.i + 1):tok.i + 4]
            f["c_cue_after"] = float(any(is_cue_token(t) for t in right))
            left = doc[max(0, tok.left_edge.i - 2):tok.left_edge.i]
            f["c_cue_before"] = float(any(is_cue_token(t) for t in left))
            group = _PRONOUN_GROUPS.get(tok.lower_) if tok.pos_ == "PRON" else None
            if tok.tag_ in ("WP", "WDT"):
                group = "who"
            if group:
                f["c_pron_" + group] = 1.0
            f["c_propn"] = float(tok.pos_ == "PROPN")
            f["c_noun"] = float(tok.pos_ == "NOUN")
            f["c_title"] = float(tok.is_title)
            ent = tok.ent_type_
            if ent in _CANDIDATE_ENTS:
                f[f"c_ent_{ent}"] = 1.0
            elif ent:
                f["c_ent_other"] = 1.0
            f["c_role_noun"] = float(tok.lemma_.lower() in ROLE_NOUNS)
            f["c_sentence_initial"] = float(tok.left_edge.i == tok.sent.start)
        if m.paragraph != quote.paragraph and m.start in cue_subjects_prev:
            f["c_subject_of_cue_in_prev"] = 1.0
            f["c_last_cue_subject_in_prev"] = cue_subjects_prev[m.start]
        f["c_name_elsewhere"] = float(bool(surname) and surname_counts[surname] > 1)
        f["c_log_span_tokens"] = math.log1p(len(m.text.split()))
        c.features = f
        distances.append((same, before, chars, c))
    for direction in (True, False):
        ranked = sorted((d for d in distances if d[0] and d[1] == direction), key=lambda d: d[2])
        for rank, d in enumerate(ranked):
            d[3].features["c_rank"] = float(rank)


def rerank(quotes: list[Quote], infos: list[ParagraphInfo]) -> list[Quote]:
    """Each marked quote's speaker, chosen by the ranker among its candidates."""
    model = speaker_model()
    if model is None:
        return quotes
    result = []
    previous = None
    for quote in quotes:
        chosen = quote
        if quote.kind != "block" and (quote.speaker is not None or quote.kind == "direct"):
            candidates = speaker_candidates(infos, quote, previous)
            if candidates:
                best = max(candidates, key=lambda c: model.probability([c.features[n] for n in SPEAKER_FEATURES]))
                if not best.features["c_rule"]:
                    m = best.mention
                    cue = _cue_of(infos[m.paragraph], best.token)
                    chosen = replace(quote, speaker=m.text, speaker_paragraph=m.paragraph, speaker_start=m.start,
                                     speaker_end=m.end, cue=cue)
                    chosen = replace(chosen, channel=channel_of(chosen, infos))
        result.append(chosen)
        if quote.kind != "partial" or quote.speaker is not None:  # kept (see article.analyse_quotes)
            previous = quote
    return result


def _cue_of(info: ParagraphInfo, token) -> str | None:
    """The cue lemma for a chosen speaker token, when it is a cue's subject
    or the object of 'according to'."""
    if token is None:
        return None
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "to" and head.i > 0 and head.doc[head.i - 1].lower_ == "according":
        return "according to"
    return head.lemma_.lower() if is_cue_token(head) else None
