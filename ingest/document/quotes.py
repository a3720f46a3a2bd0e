"""Quotes in an article: what was said, by whom, with which verb, where.

`extract_quotes(paragraphs)` takes an article's paragraphs in order (plain
text or the site's Markdown paragraphs) and returns one `Quote` per quoted
segment. It works in five passes:

1. **Marks** (`scan_marks`): a deterministic scanner pairs opening and closing
   double quote marks: straight `"`, curly `“ ”`, low `„`, guillemets `« »`,
   and the NYT's doubled apostrophes `''` (with ``` `` ``` as an opener).
   Straight marks and `''` are told apart as openers or closers by the
   characters around them. A paragraph that ends inside a quote continues
   into the next paragraph when that one opens with a mark (the convention
   for a quote running over several paragraphs); an unbalanced mark never
   raises: an unclosed quote runs to the end of its paragraph, a stray
   closer is ignored.
2. **Blocks**: a Markdown blockquote (`> `); a paragraph that is wholly a
   quote, or any paragraph, followed by a name or title line ("— Volodymyr
   Zelenskyy, President of Ukraine"); and, guessed only in an article that
   neither marks its quotes nor speaks in the first person itself, an
   unmarked first-person paragraph next to a paragraph reporting a named
   person's speech ("According to him, ..."), or a question between two such
   (a block quote whose marks were lost with the page layout).
3. **Attribution** on the spaCy parse and the words around the quote: the
   attribution right after a quote (`"...," said X` / `"...," X, an
   official, said`, any verb when the quote ends in a comma); cue verbs from
   a lexicon (say, tell, add, write, claim, ...) and "according to X" in the
   quote's sentence, preferring the cue whose clause holds the quote; the
   clause a colon ends; a bare cue just before ("Bystrom agreed. "..."");
   else the named subject of the quote's sentence. A quote with no
   attribution of its own continues the statement before it in the same or
   the previous paragraph. Words quoted inside the reporter's sentence with
   nobody saying them (scare quotes, titles) are dropped.
4. **Resolution**: the speaker as written ("he", "who", "Mr Kovalenko", "the
   Ukrainian president") is resolved to the nearest compatible full name
   in the article (a named subject of the same paragraph first, then earlier
   speakers, then any person; gender from honorifics; a role noun only to a
   name written with that role), titles and honorifics removed.
5. **Ranking** (before resolution): a learned ranker re-chooses each marked
   quote's speaker among its candidate mentions (noun phrases of the
   quote's sentence and the sentences next to it, subjects and names of the
   paragraph before, the rules' choice, the previous quote's speaker) from
   their grammar and position relative to the quote; the rules' choice is
   one of its features. Gradient-boosted trees trained by
   bench/quote_model.py on the PolNeAR train split, stored as JSON in
   ingest/models/quote_speakers.json and evaluated in pure Python; without
   that file the rules' speakers stand.

Offsets are character offsets in the paragraph string as given; `start` and
`end` cover the quoted words with the quote marks *excluded*
(`text == paragraphs[paragraph][start:end]`). Markdown markup is blanked
with spaces before scanning and parsing so offsets never shift.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

QuoteKind = str  # 'direct' | 'partial' | 'block'

# Work caps: a paragraph longer than this is scanned and parsed only up to it,
# and at most this many quote segments are kept per paragraph.
MAX_PARAGRAPH_CHARS = 10_000
MAX_SEGMENTS_PER_PARAGRAPH = 100

# --- lexicons ---------------------------------------------------------------

CUE_LEMMAS = frozenset("""
    say tell add write claim insist note explain warn argue ask answer reply respond declare announce
    state tweet post quip joke recall acknowledge admit concede contend assert suggest predict promise
    vow pledge urge accuse charge describe call dub label term chant shout yell testify boast complain
    lament muse observe remark comment conclude offer quote cite tout maintain stress emphasize
    emphasise reiterate repeat mention confirm deny proclaim exclaim mutter whisper scream cry demand
    wonder hint reveal report inform caution threaten criticize criticise blast slam praise allege
    retort counter interject read sing plead question challenge characterize characterise refer
    speak text email message continue put agree disagree recount exult scoff sneer snap fume gush
    rave rant mock lash concur vent brag thunder point press assure
""".split())

# Subjects that cannot be a speaker.
NON_SPEAKER_SUBJECTS = frozenset("it this that which there these those what something nothing".split())

PRONOUNS = {
    "he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
    "they": None, "them": None, "i": None, "me": None, "we": None, "us": None, "you": None,
}

HONORIFICS = frozenset("""
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady rev rev. fr fr. gen gen.
    sen sen. rep rep. gov gov. lt lt. col col. capt capt. sgt sgt. maj maj. adm adm. hon hon. st
""".split())
GENDER_OF_HONORIFIC = {"mr": "m", "mr.": "m", "sir": "m", "lord": "m", "mrs": "f", "mrs.": "f",
                       "ms": "f", "ms.": "f", "miss": "f", "dame": "f", "lady": "f"}

# Role words: a definite description headed by one of these ("the Ukrainian
# president", "the real estate developer") refers back to a named person.
ROLE_NOUNS = frozenset("""
    president leader minister premier chancellor senator congressman congresswoman representative
    governor mayor candidate nominee secretary spokesman spokeswoman spokesperson chairman chairwoman
    chair director chief commander general official ambassador diplomat developer billionaire mogul
    businessman businesswoman host anchor lawmaker politician democrat republican king queen prince
    pope judge attorney prosecutor sheriff commissioner adviser advisor aide strategist manager
    founder executive ceo activist author economist analyst columnist
""".split())

FIRST_PERSON = re.compile(r"\b(?:I(?![-.])|I'm|I’m|I've|I’ve|me|my|My|we|We|our|Our|us|ourselves)\b")
# Cues that report someone's words plainly enough to attribute a neighbouring unmarked paragraph.
SPEECH_CUES = frozenset("say tell add stress emphasize emphasise announce declare warn insist continue explain "
                        "write".split()) | {"according to"}

# Channels named near a quote, first match wins.
CHANNELS: list[tuple[str, re.Pattern]] = [
    ("video address", re.compile(r"\b(?:video|nightly|daily|evening|wartime)\s+(?:\w+\s+)?(?:address|message)\b"
                                 r"|\bvideo\b", re.I)),
    ("Telegram", re.compile(r"\bTelegram\b")),
    ("X/Twitter", re.compile(r"\b(?:on|via) (?:Twitter|X)\b|\btweet(?:s|ed|ing)?\b|\bTwitter\b")),
    ("Facebook", re.compile(r"\bFacebook\b")),
    ("Instagram", re.compile(r"\bInstagram\b")),
    ("Truth Social", re.compile(r"\bTruth Social\b")),
    ("press conference", re.compile(r"\b(?:press|news) (?:conference|briefing)\b|\bbriefing\b", re.I)),
    ("interview", re.compile(r"\binterview\b", re.I)),
    ("statement", re.compile(r"\b(?:a|the|his|her|their|its|joint|written) statement\b", re.I)),
    ("speech", re.compile(r"\b(?:speech|address(?:ed|ing)? (?:the|a) \w+)\b", re.I)),
]


@dataclass(frozen=True)
class Quote:
    """One quoted segment of an article.

    `start`/`end` are character offsets in paragraph `paragraph`, quote marks
    excluded. A statement split by its attribution ("Today," he said, "we
    ...") or running over several paragraphs is several segments sharing one
    `statement` number (the index in the returned list of its first segment).
    The speaker mention is at `speaker_start:speaker_end` of paragraph
    `speaker_paragraph` (not always the quote's own); `cue` is the cue verb's
    lemma, "according to", or None when the speaker was found without a cue
    (a name line, "Name: “...”", the sentence's subject). A direct or block
    quote may have no speaker; a partial one always has one.
    """

    paragraph: int
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_paragraph: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_resolved: str | None = None
    cue: str | None = None
    channel: str | None = None
    statement: int = 0


# --- 1. marks -------------------------------------------------------------------

_MARK = re.compile(r"''|``|[\"“”«»„]")
_TAG = re.compile(r"<[^<>\n]{0,400}>")
_OPEN_ONLY = {"“", "«", "„", "``"}
_CLOSE_ONLY = {"”", "»"}
_OPENING_CONTEXT = set(" \t\n([{—–-/\u00a0") | {""}


@dataclass
class Segment:
    """A quoted stretch of one paragraph: words between `start` and `end`."""

    start: int
    end: int
    opened_before: bool = False  # continues a quote opened in an earlier paragraph
    open_after: bool = False  # no closing mark in this paragraph


def _mark_role(text: str, pos: int, mark: str) -> str:
    """'open', 'close' or 'either' for the mark at pos, from what surrounds it."""
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + len(mark)] if pos + len(mark) < len(text) else ""
    if mark in _OPEN_ONLY:
        # A curly opener used as a closer ("Foo,“ he said) reads as a closer.
        if mark == "“" and before and not before.isspace() and (not after or after.isspace() or after in ".,;:!?"):
            return "close"
        return "open"
    if mark in _CLOSE_ONLY:
        return "close"
    opens = before in _OPENING_CONTEXT and after != "" and not after.isspace()
    closes = before not in _OPENING_CONTEXT and (after == "" or after.isspace() or after in ".,;:!?)]}—–-")
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def scan_marks(text: str, opened_before: bool = False) -> list[Segment]:
    """Pair the double quote marks of one paragraph into quoted segments.

    `opened_before`: an earlier paragraph left a quote open, so a closing
    mark met before any opener closes a quote that began at the paragraph
    start. Never raises; unbalanced marks are resolved as described in the
    module docstring.
    """
    text = text[:MAX_PARAGRAPH_CHARS]
    tags = [m.span() for m in _TAG.finditer(text)] if "<" in text else []
    segments: list[Segment] = []
    open_at: int | None = 0 if opened_before else None
    for m in _MARK.finditer(text):
        if len(segments) >= MAX_SEGMENTS_PER_PARAGRAPH:
            break
        pos, mark = m.start(), m.group()
        if tags and any(a <= pos < b for a, b in tags):
            continue  # an attribute value inside markup such as <tweet id="...">
        role = _mark_role(text, pos, mark)
        if open_at is None:
            if role in ("open", "either"):
                open_at = m.end()
            continue
        if role in ("close", "either"):
            if pos > open_at:
                segments.append(Segment(open_at, pos, opened_before=opened_before and not segments))
            open_at = None
        else:  # a second opener: the first one was never closed
            open_at = m.end()
    if open_at is not None and open_at < len(text.rstrip()):
        segments.append(Segment(open_at, len(text.rstrip()), opened_before=opened_before and not segments,
                                open_after=True))
    return [_trim(text, s) for s in segments if text[s.start:s.end].strip()]


def _trim(text: str, segment: Segment) -> Segment:
    """Drop the whitespace just inside the marks."""
    start, end = segment.start, segment.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return replace(segment, start=start, end=end)


def starts_with_opener(text: str) -> bool:
    stripped = text.lstrip()
    m = _MARK.match(stripped)
    return bool(m) and _mark_role(stripped, 0, m.group()) != "close"


# --- markup ---------------------------------------------------------------------

_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")


def plain_paragraph(text: str) -> tuple[str, bool]:
    """The paragraph with Markdown markup blanked by spaces (offsets kept),
    and whether it was a blockquote."""
    text = text or ""
    m = _BLOCKQUOTE.match(text)
    is_block = bool(m)
    if m:
        text = " " * m.end() + text[m.end():]
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(lambda e: " " * len(e.group()), text)
    return text, is_block


# --- 2. & 3. attribution ------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A span of a paragraph naming (or standing for) a speaker."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    """A cue in a paragraph and its speaker."""

    cue: str | None  # lemma, "according to", or None for a bare sentence subject
    cue_start: int
    cue_end: int
    speaker: Mention
    sentence: int  # index of the sentence in the paragraph's doc
    scope: tuple[int, int]  # characters the cue's clause covers


@dataclass
class ParagraphInfo:
    """What the passes learn about one paragraph."""

    index: int
    text: str  # markup blanked
    is_blockquote: bool
    segments: list[Segment] = field(default_factory=list)
    doc: object | None = None
    attributions: list[Attribution] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    persons: list[Mention] = field(default_factory=list)
    subjects: list[Mention] = field(default_factory=list)
    antecedents: dict[int, Mention] = field(default_factory=dict)  # "who" at offset -> the noun it stands for
    original: str = ""  # the paragraph as given, markup and all: what quotes' text is cut from


def _inside(pos: int, segments: Sequence[Segment]) -> bool:
    return any(s.start <= pos < s.end for s in segments)


def _speaker_span(token, segments: Sequence[Segment]) -> tuple[int, int] | None:
    """Character span of the noun phrase headed by `token`, as written: from
    its left edge to the head and any name parts right of it, without
    appositions, relative clauses or anything inside a quote."""
    if _inside(token.idx, segments):
        return None
    doc = token.doc
    if token.tag_ in ("WP", "WDT"):  # "who": the relative pronoun as written
        return token.idx, token.idx + len(token)
    right = token.i
    while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat") and doc[right + 1].head == token:
        right += 1
    left = token.left_edge.i
    while left < token.i and (doc[left].is_punct or doc[left].is_space or _inside(doc[left].idx, segments)):
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
        subjects = [c for c in verb.children if not _inside(c.idx, segments) and (
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
        if _inside(tok.idx, info.segments):
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            objects = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objects and _is_speaker_like(objects[0]):
                span = _speaker_span(objects[0], info.segments)
                if span:
                    found.append(_attribution(info, "according to", tok, span, sent_of[tok.i]))
            continue
        is_cue = _is_cue_token(tok)
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
        span = _speaker_span(subject, info.segments)
        if span:
            found.append(_attribution(info, tok.lemma_.lower() if is_cue else None, tok, span, sent_of[tok.i]))
            antecedent = _antecedent(subject)
            if antecedent is not None:
                span = _speaker_span(antecedent, info.segments)
                if span:
                    info.antecedents[found[-1].speaker.start] = Mention(info.index, span[0], span[1],
                                                                         info.text[span[0]:span[1]])
    return found


def _attribution(info: ParagraphInfo, cue: str | None, token, span: tuple[int, int], sentence: int) -> Attribution:
    mention = Mention(info.index, span[0], span[1], info.text[span[0]:span[1]])
    head = token.head if cue == "according to" else token
    right = head.right_edge
    return Attribution(cue, token.idx, token.idx + len(token), mention, sentence,
                       (head.left_edge.idx, right.idx + len(right)))


def _sentence_of(info: ParagraphInfo, pos: int) -> int:
    return max(0, bisect_right(info.sentence_starts, pos) - 1)


def _distance(attribution: Attribution, segment: Segment) -> int:
    if attribution.cue_start >= segment.end:
        return attribution.cue_start - segment.end
    return max(0, segment.start - attribution.cue_end)


_PHRASE_POS = frozenset({"DET", "PROPN", "NOUN", "ADJ", "PRON", "NUM", "PART"})


def _is_cue_token(token, any_verb: bool = False) -> bool:
    """A reporting verb (any verb when `any_verb`), or one the tagger took
    for a noun ("Bozell notes")."""
    if token.pos_ in ("VERB", "AUX"):
        return (any_verb and token.pos_ == "VERB") or token.lemma_.lower() in CUE_LEMMAS
    return token.lower_ in ("says", "notes", "writes", "adds", "points", "tweets", "recalls")


def _noun_phrase(tokens: list) -> list:
    """The leading run of tokens that can make a speaker's noun phrase."""
    run = []
    for tok in tokens[:8]:
        if tok.pos_ in _PHRASE_POS or tok.lower_ in HONORIFICS or (tok.is_title and tok.is_alpha):
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
    if any(c.dep_ in complements and c.pos_ != "PRON" and not _inside(c.idx, info.segments) for c in cue.children):
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
            if _is_cue_token(tok, any_verb) and rest[i - 1].text == ",":
                return tok
        return None
    while rest and rest[0].pos_ in ("ADV", "AUX"):
        rest = rest[1:]
    return rest[0] if rest and _is_cue_token(rest[0], any_verb) else None


def pattern_attribution(info: ParagraphInfo, segment: Segment) -> Attribution | None:
    """The attribution right after a quote, read off the words rather than
    the parse: `"...," said Robert Reich, ...` or `"...," Gene Sperling, a
    top adviser, said`."""
    doc = info.doc
    following = [t for t in doc if t.idx >= segment.end]
    while following and (following[0].is_punct or following[0].is_space or following[0].is_quote):
        following = following[1:]
    if not following or _inside(following[0].idx, info.segments):
        return None
    next_quote = min((s.start for s in info.segments if s.start > segment.end), default=len(info.text))
    following = [t for t in following if t.idx < next_quote]
    any_verb = _attribution_follows(info, segment)
    if following and not following[0].is_title and _is_cue_token(following[0], any_verb):
        phrase = _noun_phrase(following[1:])
        cue = following[0]
    else:
        phrase = _noun_phrase(following)
        cue = _cue_after(following[len(phrase):], any_verb) if phrase else None
    if not phrase or cue is None or _new_sentence(info, segment, cue) or \
            (phrase[0].lower_ in NON_SPEAKER_SUBJECTS and phrase[0].lower_ != "it"):
        return None
    start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1])
    mention = Mention(info.index, start, end, info.text[start:end])
    return Attribution(cue.lemma_.lower(), cue.idx, cue.idx + len(cue), mention, _sentence_of(info, cue.idx),
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
    mention = Mention(info.index, start, end, info.text[start:end])
    return Attribution(None, colon, colon + 1, mention, _sentence_of(info, colon), (start, colon + 1))


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
    if subject is None or not _is_speaker_like(subject) or _inside(subject.idx, info.segments):
        return None
    span = _speaker_span(subject, info.segments)
    if span is None:
        return None
    return _attribution(info, None, verb, span, _sentence_of(info, verb.idx))


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
    first, last = _sentence_of(info, segment.start), _sentence_of(info, max(segment.start, segment.end - 1))
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


# --- kinds --------------------------------------------------------------------------

def quote_kind(text: str, segment: Segment, after_split: bool) -> QuoteKind:
    """'direct' for quoted sentences, 'partial' for words quoted inside the
    reporter's own sentence."""
    words = text[segment.start:segment.end]
    first = next((c for c in words if c.isalpha()), "")
    before = text[:segment.start].rstrip(" \"“”«»„'`")
    if after_split or segment.opened_before:
        return "direct"
    if first and first.isupper() and (not before or before[-1] in ".:!?,—–-…(" or before.endswith("—")):
        return "direct"
    return "partial"


_TITLE_WORD = re.compile(r"^[A-Z0-9][\w’'.-]*$")
_SMALL_WORDS = frozenset("a an and the of in on at to for with from by or & de la le".split())


def looks_like_title(words: str) -> bool:
    """A short Title Case phrase in quotes: a show, book or slogan name."""
    tokens = [t.strip(",.;:!?") for t in words.split()]
    tokens = [t for t in tokens if t]
    if not tokens or len(tokens) > 6 or words.rstrip().endswith(("!", "?")):
        return False
    content = [t for t in tokens if t.lower() not in _SMALL_WORDS]
    return bool(content) and all(_TITLE_WORD.match(t) for t in content) and len(tokens) > 1 or (
        len(tokens) == 1 and bool(_TITLE_WORD.match(tokens[0])) and not tokens[0].isupper())


# --- 4. names -------------------------------------------------------------------------

_NAME_TOKEN = re.compile(r"^[A-Z][\w’'-]*\.?$|^[A-Z]\.$")
_NAME_RUN = re.compile(r"(?:[A-Z][a-z’'-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z’'-]+|[A-Z]\.|de|van|von|bin|al|da|di|del|la|le)){1,3}"
                       r"(?=[^\w]|$)")


_FUNCTION_WORDS = frozenset("""
    the a an and but or if when while as after before in on at for from by with of to since though although
    because so yet then this that these those there here it its he she they we i you his her their our my
""".split())


def name_runs(text: str) -> Iterable[tuple[int, int]]:
    """Spans of runs of capitalised words that may be names, with a leading
    sentence-initial function word ("While Trump") left out."""
    for m in _NAME_RUN.finditer(text):
        start = m.start()
        first = m.group().split()[0]
        if first.lower() in _FUNCTION_WORDS:
            start += len(first) + 1
            while start < m.end() and text[start].isspace():
                start += 1
        if " " in text[start:m.end()].strip():
            yield start, m.end()


def normalise_name(text: str) -> str:
    """A person's name without honorifics, titles, possessive or determiners:
    "Ukraine’s President Volodymyr Zelenskiy" -> "Volodymyr Zelenskiy",
    "Mr. Trump" -> "Trump"."""
    text = re.sub(r"[’']s\b", "", text.strip(" ,.;:\"“”'’"))
    tokens = text.split()
    # Keep the trailing run of capitalised name tokens.
    run: list[str] = []
    for tok in reversed(tokens):
        clean = tok.strip(",")
        if clean.lower() in HONORIFICS or clean.lower().rstrip(".") in ROLE_NOUNS:
            break
        if _NAME_TOKEN.match(clean) or (run and clean.lower() in ("de", "van", "von", "bin", "al", "da", "di")):
            run.append(clean)
            continue
        break
    return " ".join(reversed(run))


def _gender_hint(text: str) -> str | None:
    first = text.split()[0].lower() if text.split() else ""
    return GENDER_OF_HONORIFIC.get(first)


@dataclass(frozen=True)
class Person:
    """A person named in the article, at one place."""

    name: str  # normalised full or partial name
    paragraph: int
    start: int
    gender: str | None
    title_words: frozenset[str]  # role words written next to the name
    recognised: bool  # found by NER, or written with a title or honorific (not just capitalised words)


class Resolver:
    """Resolves speaker mentions to the nearest compatible full name."""

    def __init__(self, infos: Sequence[ParagraphInfo]):
        self.people: list[Person] = []
        for info in infos:
            for mention in info.persons:
                self._add(info, mention)
        self.people.sort(key=lambda p: (p.paragraph, p.start))
        self.genders: dict[str, set[str]] = {}
        for person in self.people:
            if person.gender:
                self.genders.setdefault(person.name.split()[-1], set()).add(person.gender)

    def _add(self, info: ParagraphInfo, mention: Mention) -> None:
        name = normalise_name(mention.text)
        if not name:
            return
        before = info.text[max(0, mention.start - 40):mention.start].lower().split()
        titles = frozenset(w.strip(",.’'s") for w in before[-3:] if w.strip(",.’'s") in ROLE_NOUNS)
        titles |= frozenset(w.lower() for w in mention.text.split() if w.lower() in ROLE_NOUNS)
        gender = _gender_hint(mention.text)
        recognised = info.doc is not None or bool(titles) or gender is not None
        self.people.append(Person(name, mention.paragraph, mention.start, gender, titles, recognised))

    def _near(self, paragraph: int, start: int, candidates: Iterable[Person]) -> Person | None:
        """Nearest candidate before the position, else nearest after it."""
        candidates = list(candidates)
        before = [p for p in candidates if (p.paragraph, p.start) < (paragraph, start)]
        if before:
            return before[-1]
        after = [p for p in candidates if (p.paragraph, p.start) > (paragraph, start)]
        return after[0] if after else None

    def full_name(self, name: str, paragraph: int, start: int) -> str:
        """The nearest longer name in the article that ends (or begins) with
        this one: "Kovalenko" -> "Andrii Kovalenko"."""
        parts = name.split()
        if not parts:
            return name
        fuller = [p for p in self.people if len(p.name.split()) > len(parts)
                  and (p.name.split()[-len(parts):] == parts or (len(parts) == 1 and p.name.split()[0] == parts[0]))]
        found = self._near(paragraph, start, fuller)
        return found.name if found else name

    def gender_compatible(self, person: Person, gender: str | None) -> bool:
        if gender is None:
            return True
        known = self.genders.get(person.name.split()[-1])
        return not known or gender in known

    def resolve(self, mention: Mention, previous_speakers: Sequence[tuple[Mention, str]],
                subjects: Sequence[Mention]) -> str | None:
        """The normalised full name `mention` stands for, or None."""
        lower = mention.text.lower().strip()
        if lower in PRONOUNS:
            return self._resolve_pronoun(mention, PRONOUNS[lower], previous_speakers, subjects)
        name = normalise_name(mention.text)
        if name:
            return self.full_name(name, mention.paragraph, mention.start)
        words = lower.split()
        if words and words[0] in ("the", "a") and words[-1] in ROLE_NOUNS:
            return self._resolve_role(mention, words[-1], previous_speakers, subjects)
        return None

    def _resolve_pronoun(self, mention: Mention, gender: str | None,
                         previous_speakers: Sequence[tuple[Mention, str]], subjects: Sequence[Mention]) -> str | None:
        if mention.text.lower() in ("i", "me", "we", "us", "they", "them", "you"):
            return None
        # A named subject earlier in the same paragraph ("Mr Zelensky criticised ... he said").
        for subject in reversed([s for s in subjects if s.paragraph == mention.paragraph and s.start < mention.start]):
            name = normalise_name(subject.text)
            if name:
                full = self.full_name(name, subject.paragraph, subject.start)
                if self._gender_ok(full, gender):
                    return full
        for earlier, resolved in reversed(previous_speakers):
            if resolved and (earlier.paragraph, earlier.start) < (mention.paragraph, mention.start) \
                    and self._gender_ok(resolved, gender):
                return resolved
        person = self._near(mention.paragraph, mention.start,
                            [p for p in self.people if p.recognised and self.gender_compatible(p, gender)])
        return self.full_name(person.name, person.paragraph, person.start) if person else None

    def _gender_ok(self, name: str, gender: str | None) -> bool:
        known = self.genders.get(name.split()[-1]) if name else None
        return gender is None or not known or gender in known

    def _resolve_role(self, mention: Mention, role: str, previous_speakers: Sequence[tuple[Mention, str]],
                      subjects: Sequence[Mention]) -> str | None:
        titled = [p for p in self.people if role in p.title_words and len(p.name.split()) > 1]
        person = self._near(mention.paragraph, mention.start, titled)
        if person:
            return person.name
        return self._resolve_pronoun(mention, None, previous_speakers, subjects)


# --- 5. the speaker ranker ------------------------------------------------------------
#
# The rules above give each marked quote a speaker (or none). A learned
# ranker then looks at every mention that could be the speaker: noun
# phrases of the quote's sentences and the sentences next to them, subjects
# and names of the paragraph before, the rules' choice and the previous
# quote's speaker; it scores each one from its grammar and position relative
# to the quote and keeps the best. The model is gradient-boosted trees,
# trained by bench/quote_model.py on the PolNeAR train split and stored in
# ingest/models/quote_speakers.json; it is evaluated here in pure Python
# (ingest.clean.TreeEnsemble). Without the model file the rules' speakers
# stand.

SPEAKER_MODEL_PATH = Path(__file__).resolve().parent / "models" / "quote_speakers.json"

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

    mention: Mention
    token: object | None  # head token in its paragraph's doc
    features: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def speaker_model():
    """The speaker ranker, or None when its file is missing or was trained
    on other features (with a warning)."""
    from .clean import TreeEnsemble

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
                    or tok.lower_ in NON_SPEAKER_SUBJECTS and tok.lower_ != "it" or _inside(tok.idx, info.segments):
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
    first, last = _sentence_of(info, quote.start), _sentence_of(info, max(quote.start, quote.end - 1))
    tokens = [(info, t) for t in _candidate_tokens(info, range(first - 2, last + 2))]
    if quote.paragraph > 0:
        prev = infos[quote.paragraph - 1]
        tokens += [(prev, t) for t in _candidate_tokens(prev, None)
                   if t.dep_ in ("nsubj", "nsubjpass") or t.ent_type_ == "PERSON" or (
                       t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.i > 0
                       and t.head.doc[t.head.i - 1].lower_ == "according")]
    candidates: dict[tuple[int, int], Candidate] = {}
    for where, tok in tokens:
        span = _speaker_span(tok, where.segments)
        if span is None:
            continue
        candidates[(where.index, tok.i)] = Candidate(Mention(where.index, span[0], span[1],
                                                             where.text[span[0]:span[1]]), tok)
    # The rules' speaker and the previous quote's keep their spans as written.
    extra = [(quote, "c_rule")] + ([(previous, "c_previous_speaker")] if previous is not None else [])
    for source, flag in extra:
        if source.speaker is None or source.speaker_paragraph is None:
            continue
        where = infos[source.speaker_paragraph]
        mention = Mention(where.index, source.speaker_start, source.speaker_end, source.speaker)
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
            sentence = _sentence_of(info, m.start)
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
            f["c_head_cue"] = float(_is_cue_token(head))
            f["c_head_say"] = float(head.lemma_.lower() == "say")
            f["c_head_verb"] = float(head.pos_ in ("VERB", "AUX"))
            f["c_according"] = float(dep == "pobj" and head.lower_ == "to" and head.i > 0
                                     and doc[head.i - 1].lower_ == "according")
            f["c_agent"] = float(dep == "pobj" and head.dep_ == "agent")
            if same and quote_root is not None:
                governor = head if dep != "pobj" else head.head
                f["c_governs"] = float(governor == quote_root or governor in quote_root.ancestors)
            right = doc[min(len(doc) - 1, tok.i + 1):tok.i + 4]
            f["c_cue_after"] = float(any(_is_cue_token(t) for t in right))
            left = doc[max(0, tok.left_edge.i - 2):tok.left_edge.i]
            f["c_cue_before"] = float(any(_is_cue_token(t) for t in left))
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


def _rerank(quotes: list[Quote], infos: list[ParagraphInfo]) -> list[Quote]:
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
                    chosen = replace(chosen, channel=_channel(chosen, infos))
        result.append(chosen)
        if quote.kind != "partial" or quote.speaker is not None:  # kept (see _analyse)
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
    return head.lemma_.lower() if _is_cue_token(head) else None


# --- the passes, put together ------------------------------------------------------

def extract_quotes(paragraphs: Sequence[str], docs: Sequence | None = None) -> list[Quote]:
    """Every quote in an article, in reading order.

    `paragraphs`: the article's paragraphs in order (plain text or Markdown).
    `docs`: optionally one spaCy Doc per paragraph, parsed elsewhere with the
    full pipeline (a doc whose text does not match its paragraph is ignored);
    without them, the paragraphs that need it are parsed here.
    Never raises on odd input; returns [] when there is nothing to find.
    """
    try:
        return _extract(list(paragraphs or []), docs)
    except Exception:  # noqa: BLE001 - a bug on one odd article must not stop an ingest run
        return []


def _extract(paragraphs: list[str], docs: Sequence | None) -> list[Quote]:
    return _analyse(paragraphs, docs)[2]


def _analyse(paragraphs: list[str], docs: Sequence | None, also_parse: Iterable[int] = (),
             rank: bool = True) -> tuple[list[ParagraphInfo], Resolver, list[Quote]]:
    """All passes over one article: its paragraphs' analysis, the name
    resolver and the quotes (speakers from the rules alone when `rank` is
    False)."""
    infos = [ParagraphInfo(i, *plain_paragraph(p), original=p)
             for i, p in enumerate(p if isinstance(p, str) else "" for p in paragraphs)]
    _scan(infos)
    blocks = _block_candidates(infos)
    _parse(infos, docs, _paragraphs_to_parse(infos, blocks) | set(also_parse))
    for info in infos:
        info.attributions = attributions_of(info)
    resolver = Resolver(infos)
    raw = _attribute_segments(infos)
    raw += _unmarked_blocks(infos, blocks)
    raw.sort(key=lambda q: (q.paragraph, q.start))
    quotes = _finish(raw, infos, resolver, rank)
    # Words quoted in the reporter's own sentence with nobody saying them
    # are scare quotes or names, not quotes.
    return infos, resolver, _renumber([q for q in quotes if q.kind != "partial" or q.speaker is not None])


def resolve_mentions(paragraphs: Sequence[str], mentions: Sequence[tuple[int, int, int]],
                     docs: Sequence | None = None) -> list[str | None]:
    """Resolve arbitrary mentions, given as (paragraph, start, end), the way
    `extract_quotes` resolves its speakers (pronouns, surnames, titles and
    "who" to the nearest compatible full name). Used to compare a mention
    with a gold one; never raises."""
    try:
        infos, resolver, quotes = _analyse(list(paragraphs), docs, {p for m in mentions for p in (m[0] - 1, m[0])})
        subjects = [s for info in infos for s in info.subjects]
        speakers = [(Mention(q.speaker_paragraph, q.speaker_start, q.speaker_end, q.speaker), q.speaker_resolved)
                    for q in quotes if q.speaker is not None]
        resolved = []
        for paragraph, start, end in mentions:
            mention = Mention(paragraph, start, end, infos[paragraph].text[start:end])
            mention = infos[paragraph].antecedents.get(start, mention)
            earlier = [sp for sp in speakers if (sp[0].paragraph, sp[0].start) < (paragraph, start)]
            resolved.append(resolver.resolve(mention, earlier, subjects))
        return resolved
    except Exception:  # noqa: BLE001 - same promise as extract_quotes
        return [None] * len(mentions)


def _renumber(quotes: list[Quote]) -> list[Quote]:
    """Statement numbers as indexes of the statement's first kept segment."""
    first: dict[int, int] = {}
    result = []
    for i, quote in enumerate(quotes):
        result.append(replace(quote, statement=first.setdefault(quote.statement, i)))
    return result


def _scan(infos: list[ParagraphInfo]) -> None:
    """Find the quoted segments of every paragraph, carrying an open quote
    into the next paragraph when that one opens with a mark (or closes one
    without opening it)."""
    open_quote = False
    for info in infos:
        opened = open_quote and not starts_with_opener(info.text) and _has_stray_closer(info.text)
        info.segments = scan_marks(info.text, opened_before=opened)
        if open_quote and starts_with_opener(info.text) and info.segments:
            info.segments[0].opened_before = True
        open_quote = bool(info.segments) and info.segments[-1].open_after


def _has_stray_closer(text: str) -> bool:
    for m in _MARK.finditer(text[:MAX_PARAGRAPH_CHARS]):
        role = _mark_role(text, m.start(), m.group())
        return role == "close"
    return False


_SPEAKER_LABEL = re.compile(r"^\s*(?:<|[A-Z][\w .'-]{1,40}:\s)")  # "TAPPER: ...", "Trump: ‘...’", <tweet>
FIRST_PERSON_SHARE = 0.25  # above this share of first-person paragraphs, the article speaks for itself


def _block_candidates(infos: list[ParagraphInfo]) -> set[int]:
    """Paragraphs without marks that may be block quotes: Markdown
    blockquotes and paragraphs followed by a dashed name line; and, in an
    article that neither marks its quotes (fewer than two marked direct
    quotes) nor speaks in the first person itself (opinion pieces, first
    person accounts), first-person or questioning paragraphs."""
    prose = [info for info in infos if len(info.text.split()) >= 5]
    first_person = [info for info in prose if FIRST_PERSON.search(_outside_quotes(info))]
    marks_quotes = sum(any(quote_kind(info.text, s, False) == "direct" for s in info.segments)
                       for info in infos) >= 2
    may_guess = not marks_quotes and len(first_person) <= FIRST_PERSON_SHARE * len(prose)
    found = set()
    for info in infos:
        if info.segments or not info.text.strip() or _name_line(infos, info.index) is not None:
            continue
        name = _name_line(infos, info.index + 1)
        if info.is_blockquote or (name is not None and infos[info.index + 1].text.lstrip()[:1] in "—–-"):
            found.add(info.index)
        elif may_guess and (FIRST_PERSON.search(info.text) or "?" in info.text) \
                and not _SPEAKER_LABEL.match(info.text):
            found.add(info.index)  # kept only with a reporting neighbour, see _unmarked_blocks
    return found


def _outside_quotes(info: ParagraphInfo) -> str:
    """The paragraph's text with its quoted segments blanked."""
    text = info.text
    for segment in reversed(info.segments):
        text = text[:segment.start] + " " * (segment.end - segment.start) + text[segment.end:]
    return text


def _paragraphs_to_parse(infos: list[ParagraphInfo], blocks: set[int]) -> set[int]:
    wanted = set(blocks)
    for info in infos:
        if info.segments:
            wanted.update({info.index - 1, info.index})
    for index in blocks:
        wanted.update({index - 1, index + 1})
    return {i for i in wanted if 0 <= i < len(infos) and infos[i].text.strip()}


def _parse(infos: list[ParagraphInfo], docs: Sequence | None, wanted: set[int]) -> None:
    """Attach a parse to the paragraphs that need one, and collect person
    mentions (NER where parsed, capitalised name runs elsewhere)."""
    given = list(docs) if docs is not None else []
    todo = []
    for info in infos:
        doc = given[info.index] if info.index < len(given) else None
        if doc is not None and len(doc.text) == len(info.text):
            info.doc = doc
        elif info.index in wanted:
            todo.append(info)
    if todo:
        from . import nlp as nlp_module

        nlp = nlp_module.load()
        for info, doc in zip(todo, nlp.pipe(info.text[:MAX_PARAGRAPH_CHARS] for info in todo)):
            info.doc = doc
    for info in infos:
        _collect_mentions(info)


def _collect_mentions(info: ParagraphInfo) -> None:
    if info.doc is None:
        info.persons = [Mention(info.index, start, end, info.text[start:end])
                        for start, end in name_runs(info.text[:MAX_PARAGRAPH_CHARS])
                        if not _inside(start, info.segments)]
        return
    doc = info.doc
    info.sentence_starts = [sent[0].idx for sent in doc.sents]
    info.persons = [Mention(info.index, e.start_char, e.end_char, _with_honorific(e))
                    for e in doc.ents if e.label_ == "PERSON" and not _inside(e.start_char, info.segments)]
    named_subjects = [t for t in doc if t.dep_ == "nsubj" and (t.ent_type_ == "PERSON" or t.pos_ == "PROPN")
                      and not _inside(t.idx, info.segments)]
    info.subjects = [Mention(info.index, t.left_edge.idx, t.idx + len(t),
                             _with_honorific(doc[t.left_edge.i:t.i + 1])) for t in named_subjects]
    # Named subjects the recogniser missed ("Andrii Kovalenko spoke") are people too.
    info.persons += [m for t, m in zip(named_subjects, info.subjects) if t.ent_type_ == ""
                     and not any(p.start <= t.idx < p.end for p in info.persons)]


def _with_honorific(span) -> str:
    """The entity's text with an honorific just before it ("Mr" + "Zelensky")."""
    doc = span.doc
    start = span.start
    if start > 0 and doc[start - 1].lower_ in HONORIFICS:
        start -= 1
    return doc[start:span.end].text


def _attribute_segments(infos: list[ParagraphInfo]) -> list[Quote]:
    """One Quote per marked segment, with its cue and speaker as written."""
    quotes: list[Quote] = []
    for info in infos:
        previous_in_sentence: Segment | None = None
        for segment in info.segments:
            words = info.text[segment.start:segment.end]
            attribution = best_attribution(info, segment) if info.doc is not None else None
            split = previous_in_sentence is not None and info.text[previous_in_sentence.end:segment.start].count(".") == 0 \
                and words[:1].islower()
            kind = quote_kind(info.text, segment, split)
            if kind == "partial" and looks_like_title(words):
                continue  # a show, book or slogan named in the reporter's sentence
            name = _pull_quote_name(infos, info, segment)
            if name is not None:
                kind = "block"
                attribution = Attribution(None, name.start, name.end, name, 0, (name.start, name.end))
            quotes.append(_quote(info, segment, kind, attribution))
            previous_in_sentence = segment
    return quotes


def _pull_quote_name(infos: list[ParagraphInfo], info: ParagraphInfo, segment: Segment) -> Mention | None:
    """The name line after a paragraph that is wholly one quote (a pull
    quote), if there is one."""
    whole = not info.text[:segment.start].strip(" \"“”«»„'`") and not info.text[segment.end:].strip(" \"“”«»„'`.")
    return _name_line(infos, info.index + 1) if whole else None


def _quote(info: ParagraphInfo, segment: Segment, kind: QuoteKind, attribution: Attribution | None) -> Quote:
    quote = Quote(info.index, segment.start, segment.end, info.original[segment.start:segment.end], kind)
    if attribution is None:
        return quote
    s = attribution.speaker
    return replace(quote, speaker=s.text, speaker_paragraph=s.paragraph, speaker_start=s.start,
                   speaker_end=s.end, cue=attribution.cue)


_NAME_LINE = re.compile(r"^[—–-]?\s*([A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3})\s*(?:,\s*(.{0,80}))?$")


def _name_line(infos: list[ParagraphInfo], index: int) -> Mention | None:
    """The paragraph at `index` if it is a short name or title line
    ("— Volodymyr Zelenskyy, President of Ukraine")."""
    if not 0 <= index < len(infos):
        return None
    info = infos[index]
    text = info.text.strip()
    if not text or len(text.split()) > 12 or text.endswith((".", "?", "!", ":")) or info.segments:
        return None
    m = _NAME_LINE.match(text)
    if not m:
        return None
    offset = info.text.index(text) + m.start(1)
    return Mention(index, offset, offset + len(m.group(1)), m.group(1))


def _unmarked_blocks(infos: list[ParagraphInfo], candidates: set[int]) -> list[Quote]:
    """Block quotes without marks: Markdown blockquotes, paragraphs followed
    by a name line, and, guessed, first-person paragraphs next to a
    paragraph reporting a person's speech, or questions between two such."""
    quotes = []
    for index in sorted(candidates):
        info = infos[index]
        if any(a.cue in SPEECH_CUES and a.speaker.text.lower() not in ("i", "we") for a in info.attributions):
            continue  # it reports speech itself
        start = len(info.text) - len(info.text.lstrip())
        end = len(info.text.rstrip())
        speaker = _name_line(infos, index + 1)
        if speaker is not None:
            quotes.append(Quote(index, start, end, info.original[start:end], "block", speaker=speaker.text,
                                speaker_paragraph=speaker.paragraph, speaker_start=speaker.start,
                                speaker_end=speaker.end))
            continue
        after, before = _reporting(infos, index + 1), _reporting(infos, index - 1)
        guessed = (after or before) if FIRST_PERSON.search(info.text) else (after and before and after)
        if guessed or info.is_blockquote:
            quotes.append(_quote(info, Segment(start, end), "block", guessed or None))
    return quotes


def _reporting(infos: list[ParagraphInfo], index: int) -> Attribution | None:
    """The plain speech attribution of the paragraph at `index` ("According
    to him, ...", "Zelensky stressed that ..."), when it has one with a
    named or pronoun speaker."""
    if not 0 <= index < len(infos):
        return None
    for attribution in infos[index].attributions:
        speaker = attribution.speaker.text
        if attribution.cue in SPEECH_CUES and (speaker.lower() in ("he", "she", "him", "her")
                                               or normalise_name(speaker)):
            return attribution
    return None


def _finish(raw: list[Quote], infos: list[ParagraphInfo], resolver: Resolver, rank: bool = True) -> list[Quote]:
    """Statements, inherited speakers, channels, the ranker's choice of
    speaker (unless `rank` is False) and resolved names."""
    quotes: list[Quote] = []
    for quote in raw:
        previous = quotes[-1] if quotes else None
        statement = len(quotes)
        if previous is not None and _continues(previous, quote, infos):
            statement = previous.statement
            quote = _inherit(quote, previous)
        elif previous is not None and quote.speaker is None and _same_voice(previous, quote, infos):
            quote = _inherit(quote, previous)
        if quote.speaker is None:
            quote = _introduced(quote, infos)
        quotes.append(replace(quote, statement=statement, channel=_channel(quote, infos)))
    quotes = _fall_back(_backfill(quotes), infos)
    if rank:
        try:
            quotes = _rerank(quotes, infos)
        except Exception:  # noqa: BLE001 - a ranker failure leaves the rules' speakers
            pass
    return _resolve(quotes, infos, resolver)


def _inherit(quote: Quote, previous: Quote) -> Quote:
    """The quote with the previous quote's speaker, unless it has its own."""
    if quote.speaker is not None or previous.speaker is None:
        return quote
    return replace(quote, speaker=previous.speaker, speaker_paragraph=previous.speaker_paragraph,
                   speaker_start=previous.speaker_start, speaker_end=previous.speaker_end, cue=previous.cue)


def _continues(previous: Quote, quote: Quote, infos: list[ParagraphInfo]) -> bool:
    """The quote carries on the previous one's statement: split by its
    attribution in one sentence, or continued over a paragraph break."""
    if quote.kind == "block" or previous.kind == "block":
        return False
    if quote.paragraph == previous.paragraph + 1:
        segments = infos[quote.paragraph].segments
        return bool(segments) and segments[0].start == quote.start and segments[0].opened_before
    if quote.paragraph != previous.paragraph:
        return False
    between = infos[quote.paragraph].text[previous.end:quote.start]
    return previous.kind == "direct" and quote.text[:1].islower() and not re.search(r"[.!?]\s", between)


def _introduced(quote: Quote, infos: list[ParagraphInfo]) -> Quote:
    """A paragraph opening with a quote, after a paragraph that ends with a
    colon ("Blackwell wrote:"): the speaker is that paragraph's last cue."""
    info = infos[quote.paragraph]
    if quote.paragraph == 0 or info.text[:quote.start].strip(" \"“”«»„'`"):
        return quote
    previous = infos[quote.paragraph - 1]
    cues = [a for a in previous.attributions if a.cue is not None]
    if not previous.text.rstrip().endswith(":") or not cues:
        return quote
    a = max(cues, key=lambda a: a.cue_start)
    return replace(quote, speaker=a.speaker.text, speaker_paragraph=a.speaker.paragraph,
                   speaker_start=a.speaker.start, speaker_end=a.speaker.end, cue=a.cue)


def _same_voice(previous: Quote, quote: Quote, infos: list[ParagraphInfo]) -> bool:
    """An unattributed quote goes on in the previous quote's voice: a later
    quote of the same paragraph, or a paragraph that is only a quote."""
    if quote.paragraph == previous.paragraph:
        return True
    if quote.paragraph != previous.paragraph + 1 or quote.kind == "partial":
        return False
    text = infos[quote.paragraph].text
    rest = (text[:quote.start] + text[quote.end:]).strip(" \"“”«»„'`.,;:!?—–-")
    return not rest


def _backfill(quotes: list[Quote]) -> list[Quote]:
    """A quote with no cue before the attributed one of its own paragraph
    ("First." "Second," she said.) takes that speaker."""
    result = list(quotes)
    for i in range(len(result) - 2, -1, -1):
        quote, after = result[i], result[i + 1]
        if quote.speaker is None and after.paragraph == quote.paragraph and quote.kind != "partial":
            result[i] = _inherit(quote, after)
    return result


def _fall_back(quotes: list[Quote], infos: list[ParagraphInfo]) -> list[Quote]:
    """A direct quote still without a speaker takes the last speaker named
    in the paragraph before it (a quote or a reporting cue there)."""
    result = list(quotes)
    for i, quote in enumerate(result):
        if quote.speaker is not None or quote.kind == "partial" or quote.paragraph == 0:
            continue
        earlier = [q for q in result[:i] if q.speaker is not None and q.paragraph == quote.paragraph - 1]
        cues = [a for a in infos[quote.paragraph - 1].attributions if a.cue is not None]
        if earlier:
            result[i] = _inherit(quote, earlier[-1])
        elif cues:
            a = max(cues, key=lambda a: a.cue_start)
            result[i] = replace(quote, speaker=a.speaker.text, speaker_paragraph=a.speaker.paragraph,
                                speaker_start=a.speaker.start, speaker_end=a.speaker.end, cue=a.cue)
    return result


def _resolve(quotes: list[Quote], infos: list[ParagraphInfo], resolver: Resolver) -> list[Quote]:
    """Fill speaker_resolved, in reading order so earlier speakers can
    resolve later pronouns."""
    speakers: list[tuple[Mention, str | None]] = []
    subjects = [s for info in infos for s in info.subjects]
    resolved_quotes = []
    for quote in quotes:
        if quote.speaker is not None:
            mention = Mention(quote.speaker_paragraph, quote.speaker_start, quote.speaker_end, quote.speaker)
            mention = infos[mention.paragraph].antecedents.get(mention.start, mention)
            resolved = resolver.resolve(mention, speakers, subjects)
            quote = replace(quote, speaker_resolved=resolved)
            speakers.append((mention, resolved))
        resolved_quotes.append(quote)
    return resolved_quotes


def _channel(quote: Quote, infos: list[ParagraphInfo]) -> str | None:
    """The channel named in the quote's paragraph (outside the quote) or in
    the paragraph of its speaker."""
    texts = []
    for index in (quote.paragraph, quote.speaker_paragraph):
        if index is None or not 0 <= index < len(infos):
            continue
        info = infos[index]
        texts.append(_outside_quotes(info))
    for name, pattern in CHANNELS:
        if any(pattern.search(t) for t in texts):
            return name
    return None
