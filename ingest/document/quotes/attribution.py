"""Pass 3, attribution: the cue and the speaker of a quoted segment, on
the spaCy parse and the words around the quote.

The attribution right after a quote (`"...," said X` / `"...," X, an
official, said`, any verb when the quote ends in a comma); cue verbs from a
lexicon (say, tell, add, write, claim, ...) and "according to X" in the
quote's sentence, preferring the cue whose clause holds the quote; the
clause a colon ends; a bare cue just before ("Bystrom agreed. "...""); else
the named subject of the quote's sentence. `channel_of` names the channel
(a video address, Telegram, an interview, ...) written near a quote.
"""

from __future__ import annotations

from typing import Sequence

from ..names import SPEECH_HONORIFICS
from .lexicon import CHANNELS, CUE_LEMMAS, NON_SPEAKER_SUBJECTS, PRONOUNS
from .marks import Segment
from .records import Attribution, ParagraphInfo, Quote, SpeakerMention, inside, outside_quotes, sentence_of


def speaker_span(token, segments: Sequence[Segment]) -> tuple[int, int] | None:
    """Character span of the noun phrase headed by `token`, as written: from
    its left edge to the head and any name parts right of it, without
    appositions, relative clauses or anything inside a quote."""
    if inside(token.idx, segments):
        return None
    doc = token.doc
    if token.tag_ in ("WP", "WDT"):  # "who": the relative pronoun as written
        return token.idx, token.idx + len(token)
    right = token.i
    while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat") and doc[right + 1].head == token:
        right += 1
    left = token.left_edge.i
    while left < token.i and (doc[left].is_punct or doc[left].is_space or inside(doc[left].idx, segments)):
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def _antecedent(token):
    """The noun a relative pronoun subject stands for ("Trump, who said")."""
    if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl":
        return token.head.head
    return None


def _is_speaker_like(token) -> bool:
    lower = token.lower_
    if lower in NON_SPEAKER_SUBJECTS:
        return False
    return token.pos_ in ("PROPN", "NOUN", "PRON") or token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")


def _is_person_like(token) -> bool:
    """Stricter, for a subject with no cue verb: a person's name or pronoun."""
    if token.lower_ in PRONOUNS:
        return True
    antecedent = _antecedent(token)
    if antecedent is not None:
        return _is_person_like(antecedent)
    return token.ent_type_ == "PERSON"


def _subject_of(verb, segments: Sequence[Segment]):
    """The subject of a cue verb outside the quotes, climbing through
    participles and coordination ("..., he said, adding: ...")."""
    for _ in range(3):
        subjects = [c for c in verb.children if not inside(c.idx, segments) and (
            c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and verb.lemma_ in ("quote", "cite")))]
        for agent in (c for c in verb.children if c.dep_ == "agent"):
            subjects += [c for c in agent.children if c.dep_ == "pobj"]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        if verb.dep_ in ("advcl", "xcomp", "conj", "ccomp", "acl") and verb.head != verb:
            verb = verb.head
            continue
        break
    return None


def attributions_of(info: ParagraphInfo) -> list[Attribution]:
    """Cue verbs (and 'according to') outside the quotes of one parsed
    paragraph, each with its speaker; and, as weak candidates (cue None),
    the subject of each sentence's main verb."""
    doc = info.doc
    found: list[Attribution] = []
    if doc is None:
        return found
    sent_index = {sent.start: n for n, sent in enumerate(doc.sents)}
    sent_of = {}
    for sent in doc.sents:
        for tok in sent:
            sent_of[tok.i] = sent_index[sent.start]
    for tok in doc:
        if inside(tok.idx, info.segments):
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            objects = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objects and _is_speaker_like(objects[0]):
                span = speaker_span(objects[0], info.segments)
                if span:
                    found.append(_attribution(info, "according to", tok, span, sent_of[tok.i]))
            continue
        is_cue = is_cue_token(tok)
        if not is_cue and tok.dep_ != "ROOT":
            continue
        if is_cue:
            subject = _subject_of(tok, info.segments)
            if subject is None or not _is_speaker_like(subject):
                continue
        else:
            subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subject is None or not _is_person_like(subject):
                continue
        span = speaker_span(subject, info.segments)
        if span:
            found.append(_attribution(info, tok.lemma_.lower() if is_cue else None, tok, span, sent_of[tok.i]))
            antecedent = _antecedent(subject)
            if antecedent is not None:
                span = speaker_span(antecedent, info.segments)
                if span:
                    info.antecedents[found[-1].speaker.start] = SpeakerMention(
                        info.index, span[0], span[1], info.text[span[0]:span[1]])
    return found


def _attribution(info: ParagraphInfo, cue: str | None, token, span: tuple[int, int], sentence: int) -> Attribution:
    mention = SpeakerMention(info.index, span[0], span[1], info.text[span[0]:span[1]])
    head = token.head if cue == "according to" else token
    right = head.right_edge
    return Attribution(cue, token.idx, token.idx + len(token), mention, sentence,
                       (head.left_edge.idx, right.idx + len(right)))


def _distance(attribution: Attribution, segment: Segment) -> int:
    if attribution.cue_start >= segment.end:
        return attribution.cue_start - segment.end
    return max(0, segment.start - attribution.cue_end)


_PHRASE_POS = frozenset({"DET", "PROPN", "NOUN", "ADJ", "PRON", "NUM", "PART"})


def is_cue_token(token, any_verb: bool = False) -> bool:
    """A reporting verb (any verb when `any_verb`), or one the tagger took
    for a noun ("Bozell notes")."""
    if token.pos_ in ("VERB", "AUX"):
        return (any_verb and token.pos_ == "VERB") or token.lemma_.lower() in CUE_LEMMAS
    return token.lower_ in ("says", "notes", "writes", "adds", "points", "tweets", "recalls")


def _noun_phrase(tokens: list) -> list:
    """The leading run of tokens that can make a speaker's noun phrase."""
    run = []
    for tok in tokens[:8]:
        if tok.pos_ in _PHRASE_POS or tok.lower_ in SPEECH_HONORIFICS or (tok.is_title and tok.is_alpha):
            run.append(tok)
        else:
            break
    while run and run[-1].pos_ in ("DET", "ADJ", "PART"):
        run.pop()
    return run if any(t.pos_ in ("PROPN", "NOUN", "PRON") or t.is_title for t in run) else []


def _new_sentence(info: ParagraphInfo, segment: Segment, cue) -> bool:
    """A quote that ends its sentence, followed by a cue that reports
    something else: its own complement ("...dangerous." Kasich said he
    would ...) or another quote ("...now." He added, "...")."""
    if not info.text[segment.start:segment.end].rstrip().endswith((".", "!", "?")):
        return False
    complements = ("ccomp", "xcomp") if cue.lemma_ in ("tell", "ask", "assure", "remind", "warn") \
        else ("ccomp", "xcomp", "dobj")
    if any(c.dep_ in complements and c.pos_ != "PRON" and not inside(c.idx, info.segments) for c in cue.children):
        return True
    return any(cue.idx < s.start < cue.sent.end_char for s in info.segments)


def _attribution_follows(info: ParagraphInfo, segment: Segment) -> bool:
    """The quote's punctuation says its attribution comes next: it ends in
    a comma (`"...," Trump shot back`), or in ?, ! or a dash followed by a
    lower-case word (`"...?" he urged`)."""
    inside = info.text[segment.start:segment.end].rstrip()
    after = info.text[segment.end:segment.end + 12].lstrip(" \"“”«»„'`")
    if inside.endswith(",") or after.startswith(","):
        return True
    return inside.endswith(("?", "!", "—", "-")) and after[:1].islower()


def _cue_after(rest: list, any_verb: bool = False):
    """The cue right after a speaker's noun phrase, past an apposition
    between commas and adverbs ("Mr. Daniloff, now 81 and retired in
    Cambridge, Mass., said")."""
    if rest and rest[0].text == ",":
        for i, tok in enumerate(rest[1:30], 1):
            if tok.is_quote:
                return None
            if is_cue_token(tok, any_verb) and rest[i - 1].text == ",":
                return tok
        return None
    while rest and rest[0].pos_ in ("ADV", "AUX"):
        rest = rest[1:]
    return rest[0] if rest and is_cue_token(rest[0], any_verb) else None


def pattern_attribution(info: ParagraphInfo, segment: Segment) -> Attribution | None:
    """The attribution right after a quote, read off the words rather than
    the parse: `"...," said Robert Reich, ...` or `"...," Gene Sperling, a
    top adviser, said`."""
    doc = info.doc
    following = [t for t in doc if t.idx >= segment.end]
    while following and (following[0].is_punct or following[0].is_space or following[0].is_quote):
        following = following[1:]
    if not following or inside(following[0].idx, info.segments):
        return None
    next_quote = min((s.start for s in info.segments if s.start > segment.end), default=len(info.text))
    following = [t for t in following if t.idx < next_quote]
    any_verb = _attribution_follows(info, segment)
    if following and not following[0].is_title and is_cue_token(following[0], any_verb):
        phrase = _noun_phrase(following[1:])
        cue = following[0]
    else:
        phrase = _noun_phrase(following)
        cue = _cue_after(following[len(phrase):], any_verb) if phrase else None
    if not phrase or cue is None or _new_sentence(info, segment, cue) or \
            (phrase[0].lower_ in NON_SPEAKER_SUBJECTS and phrase[0].lower_ != "it"):
        return None
    start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
    mention = SpeakerMention(info.index, start, end, info.text[start:end])
    return Attribution(cue.lemma_.lower(), cue.idx, cue.idx + len(cue), mention, sentence_of(info, cue.idx),
                       (segment.start, end))


def _token_at(doc, char: int):
    return next(t for t in doc if t.idx == char)


def _governs(attribution: Attribution, segment: Segment) -> bool:
    return attribution.scope[0] <= segment.start and segment.end <= attribution.scope[1]


def _nearest(candidates: list[Attribution], segment: Segment) -> Attribution:
    """'According to X' first, then cues whose clause holds the quote, then
    the nearest."""
    return min(candidates, key=lambda a: (a.cue != "according to", not _governs(a, segment), _distance(a, segment)))


def _label_before(info: ParagraphInfo, colon: int) -> Attribution | None:
    """A name standing right before a colon that opens a quote
    ("Jeffrey M. Jones: “...”", "More from Jones: “...”")."""
    tokens = [t for t in info.doc if t.idx + len(t) <= colon]
    run = []
    for tok in reversed(tokens):
        if tok.pos_ == "PROPN" or (run and tok.text.endswith(".") and tok.text[:1].isupper()):
            run.insert(0, tok)
        else:
            break
    if not run or not any(t.ent_type_ in ("PERSON", "ORG") for t in run):
        return None
    start, end = run[0].idx, run[-1].idx + len(run[-1])
    mention = SpeakerMention(info.index, start, end, info.text[start:end])
    return Attribution(None, colon, colon + 1, mention, sentence_of(info, colon), (start, colon + 1))


def _colon_subject(info: ParagraphInfo, colon: int) -> Attribution | None:
    """The subject of the clause a colon ends, whatever its verb ("The
    Clinton campaign ... worded it even more carefully: “...”")."""
    tokens = [t for t in info.doc if t.idx < colon and not t.is_punct]
    if not tokens:
        return None
    verb, subject = tokens[-1], None
    for _ in range(6):
        subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.idx < colon), None)
        if subject is not None or verb.head == verb:
            break
        verb = verb.head
    if subject is None or not _is_speaker_like(subject) or inside(subject.idx, info.segments):
        return None
    span = speaker_span(subject, info.segments)
    if span is None:
        return None
    return _attribution(info, None, verb, span, sentence_of(info, verb.idx))


def _is_bare(info: ParagraphInfo, attribution: Attribution) -> bool:
    """A cue with nothing to report of its own ("Bystrom agreed."): the
    quote that follows is what was said."""
    if attribution.cue in (None, "according to"):
        return False
    cue = _token_at(info.doc, attribution.cue_start)
    return not any(c.dep_ in ("ccomp", "xcomp", "dobj", "prep", "advcl") for c in cue.children)


def best_attribution(info: ParagraphInfo, segment: Segment) -> Attribution | None:
    """The cue for a segment: in the sentences it spans; else in the
    sentence just before it when that one ends with a colon; else right
    after it in the next sentence ("Foo!" Maher replied.); else the subject
    of its own sentence."""
    first, last = sentence_of(info, segment.start), sentence_of(info, max(segment.start, segment.end - 1))
    cues = [a for a in info.attributions if a.cue is not None]
    own = [a for a in cues if first <= a.sentence <= last]
    according = [a for a in own if a.cue == "according to"]
    if according:
        return _nearest(according, segment)
    pattern = pattern_attribution(info, segment)
    if pattern is not None:
        return pattern
    if own:
        return _nearest(own, segment)
    before = info.text[:segment.start].rstrip(" \"“”«»„'`")
    if before.endswith(":"):
        near = [a for a in cues if a.sentence == first - 1]
        if near:
            return _nearest(near, segment)
        label = _label_before(info, len(before) - 1) or _colon_subject(info, len(before) - 1)
        if label is not None:
            return label
    elif before.endswith((".", "!", "?")):
        bare = [a for a in cues if a.sentence == first - 1 and _is_bare(info, a)]
        if bare:
            return bare[-1]
    for a in cues:
        if a.sentence == last + 1 and a.cue_start > segment.end and \
                not info.text[segment.end:min(a.cue_start, a.speaker.start)].strip(" \"“”«»„'`,.;:!?—–-") and \
                not _new_sentence(info, segment, _token_at(info.doc, a.cue_start)):
            return a
    weak = [a for a in info.attributions if a.cue is None and first <= a.sentence <= last]
    return _nearest(weak, segment) if weak else None


def channel_of(quote: Quote, infos: list[ParagraphInfo]) -> str | None:
    """The channel named in the quote's paragraph (outside the quote) or in
    the paragraph of its speaker."""
    texts = []
    for index in (quote.paragraph, quote.speaker_paragraph):
        if index is None or not 0 <= index < len(infos):
            continue
        info = infos[index]
        texts.append(outside_quotes(info))
    for name, pattern in CHANNELS:
        if any(pattern.search(t) for t in texts):
            return name
    return None
