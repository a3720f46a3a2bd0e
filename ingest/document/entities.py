"""People, organisations and places: recognised per article, resolved across the corpus.

Three steps:

1. `pipeline()`: the configured spaCy model (ingest/nlp.py) running only
   what named entities need, plus the `press_atlas_entities` component: it
   trims spans to the name ("the", "'s", "Mr", a score: "Boston 5-3"),
   splits names at a spaced dash ("Bangkok - Chiang Mai"), and tags the gazetteer's
   places and a short list of organisations (the Kremlin, NATO, ...) that
   the small model mislabels ("Kursk" as PRODUCT, "Kyiv" as PERSON).
2. `recognise(paragraphs)`: one article's mentions. Markdown and hard wraps
   are blanked to spaces (offsets stay those of the strings given),
   headlines in capitals are re-cased from the article's own spelling,
   furniture (hashtags, links, "Sign up") is dropped, wire conventions
   are read (the places of a dateline, "LONDON 1996-08-22" or "KYIV,
   Ukraine (AP) -"; on a sports page, results lines and a town named on its
   own are teams, "in Leeds" stays the town), and the article is
   made consistent with itself: a surname alone takes the label of the
   full name, an acronym defined in brackets takes its long form's, a name
   takes the label most of its occurrences have. Each mention gets a key
   within the article ("Mr Zelensky" -> "Volodymyr Zelensky" when the
   article names him in full; "Kursk" -> "Kursk region" when it says so).
3. `resolve(articles)`: the corpus's entities. Person names are compared
   on a transliteration skeleton (Zelensky = Zelenskiy = Zelenskyy =
   Zelenskyi), titles and possessives dropped; a surname alone joins a
   full name only when exactly one person in the corpus has it; different
   first names never merge (Olena Zelenska, Volodymyr Zelensky).
   Organisations merge on case (Nato = NATO), on features.json's aliases
   and on acronyms whose long form is unique in the corpus. Places resolve
   through the gazetteer (Kiev = Kyiv, DPRK = North Korea), with the
   countries the article mentions as context. Metonyms stay what they name:
   "Kyiv said" is the city, "the Kremlin" its own organisation.

Nothing here raises on odd input: a paragraph that cannot be parsed gives
no mentions, and very long paragraphs are cut to `MAX_CHARS`.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Hashable, Iterable, Mapping, Sequence

from . import gazetteer as gaz
from . import nlp as nlpmod

log = logging.getLogger(__name__)

MAX_CHARS = 20_000  # per paragraph: the rest of a huge paragraph is not parsed
MAX_PARAGRAPHS = 2_000  # per article
TYPES = ("person", "org", "place", "other")
TYPE_OF_LABEL = {
    "PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
    "NORP": "other", "PRODUCT": "other", "EVENT": "other", "WORK_OF_ART": "other",
    "LAW": "other", "LANGUAGE": "other",
}
# What the model would label a type as, for labels we set ourselves.
LABEL_OF_TYPE = {"person": "PERSON", "org": "ORG", "place": "GPE", "other": "MISC"}
WEAK_LABELS = {"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}
# Components the entity recogniser does not use: en_core_web_sm's ner has its
# own tok2vec, so its output does not depend on them.
UNUSED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "pm", "chancellor", "king", "queen", "prince",
    "princess", "pope", "sheikh", "gen", "general", "col", "colonel", "lt", "lieutenant", "maj",
    "major", "capt", "captain", "sgt", "sergeant", "sen", "senator", "rep", "representative", "gov",
    "governor", "mayor", "judge", "justice", "secretary", "ambassador", "commander", "chief",
    "first", "rev", "reverend", "father", "deputy", "speaker", "chairman", "chairwoman",
    "former", "late", "foreign", "defence", "defense", "state", "marshal", "admiral", "premier",
    "emir", "ayatollah", "archbishop", "bishop", "cardinal", "saint", "crown", "coach", "officer",
}
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "junior", "senior"}
CONNECTORS = {"of", "and", "the", "de", "del", "da", "di", "du", "des", "la", "le", "al", "el", "van",
              "von", "der", "den", "on", "upon", "for", "&", "-", "y", "bin", "ibn", "am", "im", "an", "sur",
              "les", "en"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
# Capitalised words that are place names but far more often something else.
PLACE_STOPWORDS = {
    "reading", "split", "nice", "mobile", "bath", "orange", "march", "independence", "liberty",
    "victoria", "florence", "chester", "deal", "hope", "eagle", "of", "university", "union",
    "providence", "concord", "temple", "bristol", "pride", "cork", "sale", "wells", "street",
    "gulf", "west", "east", "north", "south", "central", "centre", "center", "media", "home",
    "golden", "man", "post", "hull", "energy", "commerce", "corona", "aurora", "valencia",
    "santa", "san", "paradise", "enterprise", "phoenix", "lincoln", "jackson", "madison",
    "jordan", "georgia", "chad", "israel", "washington", "charlotte", "austin", "regina",
}
GENERIC_PLACE_NOUNS = {"sea", "ocean", "river", "lake", "region", "regions", "oblast", "province", "city",
                       "state", "country", "mountains", "mountain", "island", "islands", "bay", "gulf"}
FURNITURE = {
    "sign up", "sign in", "log in", "login", "subscribe", "newsletter", "privacy policy", "cookie policy",
    "terms of use", "terms of service", "terms and conditions", "read more", "advertisement", "related",
    "share", "comments", "reply", "jump to content", "diamond member", "guest", "menu", "search",
    "google news", "facebook", "twitter", "whatsapp", "instagram", "linkedin", "pinterest", "reddit",
    "email", "print", "exit mobile version", "cookie", "cookies", "notifications", "important information",
    "gmt", "bst", "utc", "est", "edt", "pst", "cet", "gif", "jpg", "png", "pdf", "rss",
}
_MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)")
_MARKUP = re.compile(r"(?<!\w)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?!\w)|`|^\s{0,3}(?:>\s?)+|^\s{0,3}#{1,6}\s|\\(?=[\\`*_{}\[\]()#+\-.!])",
                     re.MULTILINE)
_LONG_WORD = re.compile(r"\S{60,}")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Whatever the patterns above could match starts with one of these.
_MAYBE_MARKUP = re.compile(r"[\[*_`>#\\]|https?://|www\.|\S{60}")


@dataclass(frozen=True)
class Mention:
    """One name as written in one paragraph of one article.

    start/end: character offsets into the paragraph string given to
    `recognise`. key: the name this mention stands for within the article
    (its fullest form: "Volodymyr Zelensky" for "Mr Zelensky", "Kursk
    region" for "Kursk" in an article about the region). hint: "region"
    when the text says "region"/"oblast" next to a place. label: where the
    type came from (the model's label, or GAZETTEER/CONSISTENCY/...)."""

    paragraph: int
    start: int
    end: int
    text: str
    type: str
    key: str
    label: str = ""
    hint: str | None = None


@dataclass
class Entity:
    """One person, organisation, place or other name across the corpus."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)  # forms as written, most frequent first
    kind: str | None = None  # places: feature/country/continent/region/city
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None
    confidence: float | None = None
    article_count: int = 0
    mention_count: int = 0


@dataclass
class Resolution:
    entities: list[Entity]
    # (article, index of the mention in that article's list) -> entity id
    mention_entity: dict[tuple[Hashable, int], str]
    # (alias as written, entity id); an alias can name several entities
    aliases: list[tuple[str, str]]

    def entity(self, entity_id: str) -> Entity:
        return self._by_id()[entity_id]

    def _by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def of(self, article: Hashable, index: int) -> Entity | None:
        entity_id = self.mention_entity.get((article, index))
        return self._by_id().get(entity_id) if entity_id else None


# Rules that can be switched off (the benchmark reports what each adds).
RULES = {"results_lines": True, "recase": True, "datelines": True}


# --- text preparation --------------------------------------------------------------

def blank_markup(text: str) -> str:
    """The paragraph with Markdown markup, URLs and line breaks replaced by
    spaces: same length, so offsets into it are offsets into the original."""
    if not _MAYBE_MARKUP.search(text):  # plain text: only the line breaks go
        return text.replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            chars[i] = " "

    for match in _MARKDOWN_LINK.finditer(text):
        blank(match.start(), match.start(1))  # "[" or "!["
        blank(match.end(1), match.end())  # "](url)"
    for match in _MARKUP.finditer(text):
        blank(match.start(), match.end())
    out = "".join(chars)
    for match in _URL.finditer(out):
        blank(match.start(), match.end())
    # No name is 60 characters without a space; such strings (hashes, rules of
    # "#####", base64) only make the tokenizer slow.
    for match in _LONG_WORD.finditer(out):
        blank(match.start(), match.end())
    out = "".join(chars)
    return out.replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")


def _mostly_capitals(text: str) -> bool:
    upper = sum(map(str.isupper, text))
    if upper < 7:
        return False
    letters = sum(map(str.isalpha, text))
    if letters < 8 or len(text.split()) < 3:
        return False
    return upper / letters >= 0.8


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", re.UNICODE)


def article_casing(texts: Iterable[str]) -> dict[str, str]:
    """How the article spells each word when it is not in capitals: lower
    form -> most common form, not counting first words of sentences."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        if _mostly_capitals(text):
            continue
        for match in _WORD.finditer(text):
            word = match.group(0)
            k = match.start() - 1
            while k >= 0 and text[k].isspace():
                k -= 1
            if k < 0 or text[k] in ".!?:\"“‘'(":
                if word[:1].isupper():
                    continue
            counts[word.lower()][word] += 1
    return {low: forms.most_common(1)[0][0] for low, forms in counts.items()}


def recase(text: str, casing: Mapping[str, str], known: Mapping[str, object]) -> str:
    """A paragraph in capitals re-cased word by word: the article's own
    spelling where it has one, Title case for the words of gazetteer place
    names found as whole phrases ("NEW YORK" -> "New York"), lower case
    otherwise. Same length as the input."""
    words = list(_WORD.finditer(text))
    titled: set[int] = set()
    for i in range(len(words)):
        for n in range(4, 0, -1):
            if i + n <= len(words) and gaz.normalise(" ".join(w.group(0) for w in words[i:i + n])) in known:
                titled.update(range(i, i + n))
                break
    out = list(text)
    for i, match in enumerate(words):
        word = match.group(0)
        low = word.lower()
        if len(low) != len(word):
            continue
        if low in casing:
            new = casing[low]
        elif i in titled:
            new = word[:1] + low[1:]
        else:
            new = low
        out[match.start():match.end()] = new
    result = "".join(out)
    return result if len(result) == len(text) else text


# --- the spaCy pipeline ------------------------------------------------------------------

@dataclass
class _Tables:
    """Name tables the recogniser matches against, built once per process."""

    places: dict[str, tuple[str, int]]  # normalised name -> (kind, population)
    orgs: dict[str, str]  # normalised alias -> canonical organisation name
    ruler_orgs: set[str]  # normalised names tagged in running text
    first_words: set[str]
    max_words: int
    casing_known: Mapping[str, object]


@lru_cache(maxsize=1)
def _features() -> dict:
    return json.loads(gaz.FEATURES.read_text("utf-8"))


@lru_cache(maxsize=1)
def tables() -> _Tables:
    gazetteer = gaz.load()
    places = gazetteer.ruler_names()
    places = {n: v for n, v in places.items()
              if n not in gaz.GENERIC_PLACE_WORDS and len(n) >= 3}
    orgs: dict[str, str] = {}
    ruler_orgs: set[str] = set()
    for org in _features().get("organisations", ()):
        for i, name in enumerate([org["name"], *org.get("aliases", ())]):
            norm = gaz.normalise(name)
            orgs[norm] = org["name"]
            # In running text only names, not short or word-like acronyms.
            if (len(name) >= 3 and not name.isupper()) or (name.isupper() and len(name) >= 3 and name != "WHO"):
                ruler_orgs.add(norm)
    names = list(places) + list(ruler_orgs)
    first_words = {n.split()[0] for n in names}
    known = places
    return _Tables(places, orgs, ruler_orgs, first_words, max(len(n.split()) for n in names), known)


def _capitalised(token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0].isdigit() and len(text) > 1))


def _sentence_initial(doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and (doc[j].is_space or doc[j].text in {"\"", "“", "‘", "'", "(", "[", "•", "-", "—", "–"}):
        j -= 1
    return j < 0 or doc[j].text in {".", "!", "?", ":", ";", "…"}


def _trim(doc, start: int, end: int, label: str) -> tuple[int, int]:
    """The span without a leading article or title and trailing possessive or punctuation."""
    while end > start and (doc[end - 1].lower_ in {"'s", "’s", "'", "’"} or doc[end - 1].is_punct
                           or doc[end - 1].is_space) and doc[end - 1].text not in {".", ")"}:
        end -= 1
    while end > start + 1 and doc[end - 1].text == "." and len(doc[end - 2].text) > 2 \
            and not doc[end - 2].text.isupper():
        end -= 1
    while end > start + 1 and doc[end - 1].text in CONNECTORS and doc[end - 1].text.islower():
        end -= 1  # "Bosnia and"
    while start < end and (doc[start].is_space or doc[start].is_punct and doc[start].text not in {"("}
                           or not any(ch.isalnum() for ch in doc[start].text)):
        start += 1
    while end - start > 1:
        first = doc[start]
        low = first.lower_.rstrip(".")
        if low in DETERMINERS and (first.text[0].islower() or _sentence_initial(doc, start)):
            start += 1
        elif label == "PERSON" and low in HONORIFICS and first.text[:1].isupper() and doc[start + 1].text[:1].isupper():
            start += 1
        else:
            break
    return start, end


def _doc_words(doc) -> tuple[list[str], list[int], str]:
    """The doc's token texts, their character offsets and the doc's text, in
    one pass over the tokens (each `doc.text` is a pass of its own). Kept
    in the doc's user_data: the pipeline's component and `recognise` both
    need them, and tokens never change once made."""
    known = doc.user_data.get(_WORDS_KEY)
    if known is not None:
        return known
    known = doc.user_data[_WORDS_KEY] = _words_of(doc)
    return known


_WORDS_KEY = "press_atlas.words"


def _words_of(doc) -> tuple[list[str], list[int], str]:
    words, starts, parts = [], [], []
    pos = 0
    for token in doc:
        word, space = token.text, token.whitespace_
        words.append(word)
        starts.append(pos)
        parts.append(word)
        parts.append(space)
        pos += len(word) + len(space)
    return words, starts, "".join(parts)


def _match_names(doc, table: _Tables, words_of_doc: tuple | None = None) -> list[tuple[int, int, str, str]]:
    """Gazetteer and organisation names in the doc: (start, end, "place"|"org", kind)."""
    out = []
    words, starts, text = words_of_doc or _doc_words(doc)
    n = len(words)
    first_words, places, orgs = table.first_words, table.places, table.ruler_orgs
    normalise = gaz.normalise
    i = 0
    while i < n:
        word = words[i]
        if not (word[:1].isupper() or (word[:1].isdigit() and len(word) > 1)) or normalise(word) not in first_words:
            i += 1
            continue
        best = None
        j = i
        start_char = starts[i]
        while j < n and j - i < table.max_words + 3:
            w = words[j]
            if w.isspace() or (j > i and not (w[:1].isupper() or (w[:1].isdigit() and len(w) > 1)
                                              or w.lower() in CONNECTORS or w in {"-", "'", "’"})):
                break
            if not w[-1:].isalnum() or (j > i and w in CONNECTORS):
                j += 1
                continue  # "Quebec -", "Bosnia and": not where a name ends
            norm = normalise(text[start_char:starts[j] + len(w)])
            if norm in places and norm not in PLACE_STOPWORDS:
                best = (i, j + 1, "place", places[norm][0])
            elif norm in orgs:
                best = (i, j + 1, "org", "org")
            j += 1
        if best:
            out.append(best)
            i = best[1]
        else:
            i += 1
    return out


SMALL_TOWN = 100_000
LOCATIVE = {"in", "near", "at", "from", "outside", "around", "to", "towards", "into"}


def _accept_place(doc, start: int, end: int, kind: str, population: int, model_label: str | None,
                  exact: bool) -> bool:
    """Whether a gazetteer match should be a place, given the model's label on it."""
    major = kind in {"feature", "country", "continent", "region"} or population >= 1_000_000
    if model_label is None:
        if _sentence_initial(doc, start) and end - start == 1 and not major:
            return False
        if kind == "city" and population < SMALL_TOWN:
            # A small town's name is often a word or a surname: only after "in", "near", ...
            return start > 0 and doc[start - 1].lower_ in LOCATIVE
        return True
    if not exact:
        return False
    if model_label in {"GPE", "LOC", "FAC"} or model_label in WEAK_LABELS:
        return True
    if model_label == "NORP":
        return kind == "country"
    if model_label == "PERSON":
        return major and end - start == 1
    if model_label == "ORG":
        return kind in {"feature", "country", "continent"}
    return False


def _split_possessive(doc, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """ "Ukraine's National Security Council" -> Ukraine (place) + the council;
    not a place's own name ("People's Republic of China")."""
    if end - start >= 3 and gaz.normalise(re.sub(r" (['’]s)\b", r"\1", doc[start:end].text)) in tables().places:
        return [(start, end, label)]
    for k in range(start + 1, end - 1):
        if doc[k].lower_ in {"'s", "’s"} and _capitalised(doc[k + 1]):
            owner = gaz.normalise(doc[start:k].text)
            owner_label = "GPE" if owner in tables().places else label
            return [(start, k, owner_label), *_split_possessive(doc, k + 1, end, label)]
    return [(start, end, label)]


def _cut_score(words: list[str], starts: list[int], start: int, end: int) -> int:
    """The end of a name the model ran into a score: "Boston 5-3", "Chelsea
    2-1 at Elland Road" -> "Boston", "Chelsea". words, starts: `_doc_words`."""
    for k in range(start + 1, end):
        text = words[k]
        if text[:1].isdigit() and (_SCORE_TOKEN.match(text) or (
                k + 2 < len(words) and words[k + 1] in {"-", ":"} and starts[k + 1] == starts[k] + len(text)
                and words[k + 2].isdigit() and text.isdigit())):
            return k
    return end


_SCORE_TOKEN = re.compile(r"^\d{1,3}[-:]\d{1,3}$")


def _split_dashes(words: list[str], starts: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """ "Bangkok - Chiang Mai" -> two names: a dash with spaces round it is
    no part of a name (the hyphen of "Saint-Denis" is)."""
    out, a = [], start
    for k in range(start + 1, end - 1):
        if words[k] in {"-", "–", "—", "--"} and starts[k] > starts[k - 1] + len(words[k - 1]) \
                and starts[k + 1] > starts[k] + len(words[k]):
            out.append((a, k))
            a = k + 1
    out.append((a, end))
    return [q for q in out if q[1] > q[0]]


def _split_commas(doc, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """ "Windsor , Vermont" -> two places."""
    out, a = [], start
    for k in range(start, end):
        if doc[k].text == "," and k > a:
            out.append((a, k, label))
            a = k + 1
    out.append((a, end, label))
    return [q for q in out if q[1] > q[0]]


def _refine(doc, table: _Tables):
    """Trim the model's spans and add the gazetteer's places and known organisations."""
    spans: list[tuple[int, int, str]] = []
    words_of_doc = _doc_words(doc)
    words, starts, _ = words_of_doc
    for ent in doc.ents:
        if ent.label_ not in TYPE_OF_LABEL:
            continue
        start, end = _trim(doc, ent.start, _cut_score(words, starts, ent.start, ent.end), ent.label_)
        if end <= start:
            continue
        parts = _split_dashes(words, starts, start, end) if ent.label_ in {"GPE", "LOC", "FAC"} else [(start, end)]
        pieces = [q for a, b in parts for q in _split_possessive(doc, a, b, ent.label_)]
        if ent.label_ in {"GPE", "LOC"}:
            pieces = [q for a, b, label in pieces for q in _split_commas(doc, a, b, label)]
        elif len(pieces) == 1 and "," in words[start:end]:
            # "Blackburn , Lancashire , England" as one organisation: places, if most pieces are
            commas = _split_commas(doc, start, end, "GPE")
            if sum(gaz.normalise(doc[a:b].text) in table.places for a, b, _ in commas) * 2 > len(commas):
                pieces = commas
        for a, b, label in pieces:
            a, b = _trim(doc, a, b, label)
            if b > a and any(ch.isalnum() for ch in doc[a:b].text):
                spans.append((a, b, label))
    for start, end, what, kind in _match_names(doc, table, words_of_doc):
        overlapping = [s for s in spans if s[0] < end and start < s[1]]
        if what == "org":
            label = "ORG"
            if all(s[2] != "PERSON" or (s[0], s[1]) == (start, end) for s in overlapping) and \
                    all(start <= s[0] and s[1] <= end or (s[0], s[1]) == (start, end) for s in overlapping):
                spans = [s for s in spans if s not in overlapping] + [(start, end, label)]
            continue
        norm = gaz.normalise(doc[start:end].text)
        population = table.places.get(norm, ("city", 0))[1]
        says_region = end < len(doc) and doc[end].lower_ in gaz.REGION_WORDS
        if says_region and all((s[0], s[1]) == (start, end) for s in overlapping):
            spans = [s for s in spans if s not in overlapping] + [(start, end, "GPE")]
            continue
        if not overlapping:
            before = start > 0 and _capitalised(doc[start - 1]) and doc[start - 1].is_alpha \
                and not _sentence_initial(doc, start - 1)
            after = end < len(doc) and _capitalised(doc[end]) and doc[end].is_alpha
            if before or after:
                continue  # part of a longer name: "Montreal Hockey Club", "Euronext Brussels"
            if _accept_place(doc, start, end, kind, population, None, False):
                spans.append((start, end, "GPE"))
            continue
        if len(overlapping) >= 2 and all(start <= s[0] and s[1] <= end and s[2] in {"GPE", "LOC", "FAC"} | WEAK_LABELS
                                         for s in overlapping):
            # "Newcastle" + "Tyne", "Bosnia" + "Herzegovina": the model cut one name in pieces
            spans = [s for s in spans if s not in overlapping] + [(start, end, "GPE")]
            continue
        if len(overlapping) == 1:
            s = overlapping[0]
            exact = (s[0], s[1]) == (start, end)
            inside = start <= s[0] and s[1] <= end and not exact  # the model saw part of the name
            wider_weak = s[0] <= start and end <= s[1] and s[2] in WEAK_LABELS and all(
                not _capitalised(doc[k]) for k in list(range(s[0], start)) + list(range(end, s[1])))
            if inside and s[2] in {"GPE", "LOC", "FAC"} | WEAK_LABELS | {"PERSON", "ORG"} and (
                    s[2] not in {"PERSON", "ORG"} or kind != "city"):
                spans.remove(s)
                spans.append((start, end, "GPE"))
            elif wider_weak or (exact and _accept_place(doc, start, end, kind, population, s[2], True)):
                spans.remove(s)
                spans.append((start, end, "GPE" if s[2] not in {"LOC", "FAC"} else s[2]))
    out = []
    gazetteer = gaz.load()
    for start, end, label in spans:
        norm = gaz.normalise(doc[start:end].text)
        if label in {"GPE", "LOC"} and norm not in gazetteer.country_names and gazetteer.country_of(norm):
            label = "NORP"  # "Ukrainian officials": a demonym, not the place
        elif label in {"PERSON", "ORG"} | WEAK_LABELS and end - start <= 3 and \
                _place_context(words, start, norm, label, table):
            label = "GPE"  # "north of Whitebirk", "the village of Cosham", "in Perth"
        if label in {"GPE", "LOC", "FAC"} and norm in GENERIC_PLACE_NOUNS:
            continue
        out.append((start, end, label))
    out.sort()
    return out


# Words before "of" that make what follows a place: "north of X", "the village of X".
PLACE_OF = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "outskirts",
            "suburb", "suburbs", "village", "town", "city", "capital", "municipality", "province", "county",
            "island", "islands", "region", "district", "state", "republic", "kingdom", "port", "centre", "center",
            "heart", "streets", "residents", "mayor", "north-east", "north-west", "south-east", "south-west"}


def _place_context(words: list[str], start: int, norm: str, label: str, table: _Tables) -> bool:
    """Whether the words before a name make it a place: "north of", "the
    village of"; or, for a name the model took for a person, "in"/"near"
    before a place the gazetteer has ("in Perth"; not "a stake in Santander")."""
    if start >= 2 and words[start - 1].lower() == "of" and words[start - 2].lower() in PLACE_OF \
            and words[start][:1].isupper():
        return True
    return label != "ORG" and start >= 1 and words[start - 1].lower() in {"in", "near"} \
        and norm in table.places and norm not in PLACE_STOPWORDS


def _component(doc):
    """spaCy component: doc.ents trimmed and completed from the gazetteer."""
    from spacy.tokens import Span

    try:
        spans = _refine(doc, tables())
        ents, last = [], 0
        for start, end, label in spans:
            if start >= last:
                ents.append(Span(doc, start, end, label=label))
                last = end
        doc.ents = ents
    except Exception as error:  # never fail a document on the rules
        log.warning("entity rules failed on a paragraph: %s", error)
    return doc


@lru_cache(maxsize=4)
def pipeline(name: str | None = None, parse: bool = False):
    """The spaCy pipeline for entities: the configured model (only what its
    ner needs unless `parse`), then `press_atlas_entities`. Cached per process."""
    from spacy.language import Language

    if not Language.has_factory("press_atlas_entities"):
        Language.component("press_atlas_entities", func=_component)
    nlp = nlpmod.load_fresh(name, disable=() if parse else UNUSED)
    nlp.add_pipe("press_atlas_entities", last=True)
    tables()  # load the gazetteer now, not on the first document
    return nlp


# --- one article ---------------------------------------------------------------------

@dataclass
class _Span:
    paragraph: int
    start: int  # token indices in the paragraph's doc
    end: int
    label: str
    source: str


def _tokens_text(doc, start: int, end: int) -> str:
    return doc[start:end].text


def _person_tokens(text: str) -> list[str]:
    """Name words without titles, suffixes or possessive ("Mr Zelensky's" -> ["Zelensky"])."""
    text = re.sub(r"['’]s?$", "", text.strip())
    words = [w for w in re.split(r"[\s\u00a0]+", text) if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().rstrip(".,") in NAME_SUFFIXES:
        words = words[:-1]
    out: list[str] = []
    for word in words:
        word = re.sub(r"^(?:al|el|ad|as|ash|an)[-‐‑](?=\w)", "", word, flags=re.IGNORECASE)
        out.extend(p for p in re.split(r"[-‐‑]", word) if p)
    return out


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """A name word's transliteration skeleton: Zelenskiy, Zelenskyy,
    Zelenskyi, Zelensky -> "zelensky"; Andrii, Andriy -> "andry". Feminine
    forms stay apart (Zelenska)."""
    w = re.sub(r"[^a-z]", "", _ascii(word))
    w = re.sub(r"(?:iy|yy|yi|ii|ij|yj|i|y)$", "y", w) if len(w) > 3 else w
    w = w.replace("kh", "h").replace("ks", "x")
    w = re.sub(r"([a-z])\1", r"\1", w)
    return w


@lru_cache(maxsize=65_536)
def person_key(text: str) -> str:
    """Skeleton of a person's name: honorifics, possessive, suffixes and
    middle initials gone, words folded ("Donald J. Trump" -> "donald trump")."""
    words = [fold(w) for w in _person_tokens(text)]
    words = [w for i, w in enumerate(words) if w and not (0 < i < len(words) - 1 and len(w) == 1)]
    # "Donald Trump Jr" is not Donald Trump: the suffix stays in the key.
    last = re.sub(r"['’]s?$", "", text.strip()).split()[-1:] or [""]
    suffix = last[0].lower().rstrip(".,")
    if suffix in NAME_SUFFIXES and len(words) >= 2:
        words.append(suffix)
    return " ".join(words)


def org_key(text: str) -> str:
    """An organisation's key: known aliases to their name (features.json),
    "<Country>'s X" and "X of <Country>" to X when X is a known organisation."""
    norm = gaz.normalise(text)
    aliases = tables_orgs()
    if norm in aliases:
        return gaz.normalise(aliases[norm])
    gazetteer = gaz.load()
    words = norm.split()
    for cut in range(1, min(4, len(words))):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if gazetteer.country_of(head) and tail in aliases:
            return gaz.normalise(aliases[tail])
        head, tail = " ".join(words[:-cut]), " ".join(words[-cut:])
        if head.endswith(" of") and gazetteer.country_of(tail) and head[:-3] in aliases:
            return gaz.normalise(aliases[head[:-3]])
    return norm


@lru_cache(maxsize=1)
def tables_orgs() -> dict[str, str]:
    out = {}
    for org in _features().get("organisations", ()):
        for name in [org["name"], *org.get("aliases", ())]:
            out[gaz.normalise(name)] = org["name"]
    return out


def _initials(text: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", text) if w and w.lower() not in {"of", "and", "the", "for", "&", "on", "in"}]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _is_acronym(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and (bare.isupper() or bare[0].isupper() and len(bare) <= 5 and bare[1:].islower() and False)


def _consistency(docs: list, spans: list[_Span], doc_words: Sequence[list[str]] | None = None) -> list[_Span]:
    """The article made consistent with itself (see the module doc)."""
    # Acronyms defined in brackets: "National Federation Party ( NFP )".
    acronyms: dict[str, str] = {}
    for s in spans:
        doc = docs[s.paragraph]
        if s.end + 2 < len(doc) and doc[s.end].text == "(" and doc[s.end + 2].text == ")":
            acr = doc[s.end + 1].text
            if 2 <= len(acr) <= 8 and acr.replace(".", "").replace("&", "").isalnum() and acr[0].isupper() \
                    and sum(c.isupper() for c in acr) >= 2 and acr[0] == doc[s.start].text[:1].upper():
                acronyms[acr] = s.label
    # Person names: words of multi-word PERSON spans.
    surname_of: dict[str, int] = Counter()
    for s in spans:
        if s.label == "PERSON" and s.end - s.start >= 2:
            words = _person_tokens(_tokens_text(docs[s.paragraph], s.start, s.end))
            if len(words) >= 2:
                surname_of[words[-1]] += 1
                surname_of[words[0]] += 0
    # Surnames the article uses with a title ("Ms Zelenska", "Mr Kovalenko").
    titled_surnames = set()
    for s in spans:
        doc = docs[s.paragraph]
        if s.label == "PERSON" and s.end - s.start == 1 and s.start > 0 and \
                doc[s.start - 1].lower_.rstrip(".") in {"mr", "mrs", "ms", "miss", "dr", "sir", "dame"}:
            titled_surnames.add(doc[s.start].text)
            surname_of[doc[s.start].text] += 0
    # A name the model took for something else, whose last word is such a surname, is a person.
    spans = [replace(s, label="PERSON", source="CONSISTENCY")
             if s.label != "PERSON" and 2 <= s.end - s.start <= 3
             and docs[s.paragraph][s.end - 1].text in titled_surnames
             and all(t.text[:1].isupper() for t in docs[s.paragraph][s.start:s.end]) else s
             for s in spans]
    # Labels by text across the article.
    span_text = {(s.paragraph, s.start, s.end): _tokens_text(docs[s.paragraph], s.start, s.end) for s in spans}
    by_text: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        by_text[span_text[s.paragraph, s.start, s.end]][s.label] += 1

    occupied: dict[int, set[int]] = defaultdict(set)
    for s in spans:
        occupied[s.paragraph].update(range(s.start, s.end))
    out: list[_Span] = []
    # A name a results line shows to be a team is a team throughout the article.
    teams = {span_text[s.paragraph, s.start, s.end] for s in spans
             if s.source in {"RESULTS", "SPORTS"} and s.label == "ORG"}
    for s in spans:
        text = span_text[s.paragraph, s.start, s.end]
        label = s.label
        if s.source == "DATELINE" or (label in {"GPE", "LOC"} and _after_venue_word(docs[s.paragraph], s.start)):
            pass  # "LONDON 1996-08-22", "at Leeds": the place, whatever the article does with the name
        elif text in teams and label in {"GPE", "LOC", "PERSON"} and s.end - s.start <= 3:
            label = "ORG"
        elif text in acronyms and label != acronyms[text]:
            label = acronyms[text]
        elif label != "PERSON" and s.end - s.start == 1 and text in surname_of and s.source != "GAZETTEER":
            label = "PERSON"
        else:
            counts = by_text[text]
            top, n = counts.most_common(1)[0]
            if top != label and n >= 2 * counts[label] and s.source != "GAZETTEER":
                label = top
        out.append(replace(s, label=label, source=s.source if label == s.label else "CONSISTENCY"))
    # Occurrences the model missed: known surnames, defined acronyms, names labelled elsewhere.
    wanted: dict[tuple[str, ...], str] = {}
    for text, counts in by_text.items():
        label, _ = counts.most_common(1)[0]
        if label in {"PERSON", "ORG", "GPE", "LOC"} and any(c.isupper() for c in text[:1]) and len(text) >= 3:
            wanted[tuple(text.split())] = label
    for name in surname_of:
        if len(name) >= 3 and name[0].isupper():
            wanted[(name,)] = "PERSON"
    # People also by their folded names: "Volodymyr Zelenskyy" once the article named "Volodymyr Zelensky".
    wanted_folded: dict[tuple[str, ...], str] = {}
    for s in spans:
        if s.label == "PERSON" and s.end - s.start >= 2:
            words = _person_tokens(_tokens_text(docs[s.paragraph], s.start, s.end))
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                wanted_folded[tuple(fold(w) for w in words)] = "PERSON"
                wanted_folded[(fold(words[-1]),)] = "PERSON"
    for acr, label in acronyms.items():
        wanted[(acr,)] = label
    for team in teams:
        wanted[tuple(team.split())] = "ORG"
    if wanted or wanted_folded:
        max_len = max(len(k) for k in [*wanted, *wanted_folded])
        first_exact = {k[0] for k in wanted}
        first_folded = {k[0] for k in wanted_folded}
        for p, doc in enumerate(docs):
            words = doc_words[p] if doc_words is not None else [t.text for t in doc]
            occ = occupied[p]
            n = len(words)
            i = 0
            while i < n:
                hit = None
                word = words[i]
                if (word[:1].isupper() or (word[:1].isdigit() and len(word) > 1)) and i not in occ and \
                        (word in first_exact or (first_folded and fold(word) in first_folded)):
                    for length in range(min(max_len, n - i), 0, -1):
                        here = tuple(words[i:i + length])
                        if here in wanted and not any(k in occ for k in range(i, i + length)):
                            if length == 1 and _sentence_initial(doc, i) and doc[i].lower_ in doc.vocab.strings \
                                    and wanted[here] != "PERSON" and here[0] not in acronyms:
                                break
                            label = wanted[here]
                            if label == "ORG" and _after_venue_word(doc, i) and \
                                    gaz.normalise(" ".join(here)) in tables().places:
                                label = "GPE"  # the team's town: "Chelsea v Leeds at Leeds"
                            hit = (i, i + length, label)
                            break
                        if first_folded and tuple(fold(w) for w in here) in wanted_folded \
                                and all(w[:1].isupper() and len(w) >= 3 for w in here) \
                                and not any(k in occ for k in range(i, i + length)):
                            hit = (i, i + length, "PERSON")
                            break
                if hit:
                    out.append(_Span(p, hit[0], hit[1], hit[2], "CONSISTENCY"))
                    occ.update(range(hit[0], hit[1]))
                    i = hit[1]
                else:
                    i += 1
    out.sort(key=lambda s: (s.paragraph, s.start))
    return out


# --- wire conventions: datelines, sports pages ---------------------------------------------

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?")
_AGENCIES = (r"Reuters|AP|AFP|UPI|Bloomberg|dpa|DPA|Xinhua|Interfax|TASS|Tass|IANS|PTI|ANI|CNN|BBC|"
             r"Kyodo|Yonhap|Anadolu|EFE|ANSA|AAP|CP|PA|RIA Novosti|Ukrinform|WAFA|KUNA|SPA|APA|MENA|IRNA")
# What follows the place(s) of a dateline: a date ("1996-08-22", "Aug 22",
# "22 August", "Tuesday"), the agency in brackets, or a dash before the story.
_AFTER_DATELINE = re.compile(
    rf"^\s*,?\s*(?:\d{{4}}\s*-\s*\d\d\s*-\s*\d\d(?!\d)|{_MONTH}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTH}(?:\s|$|,)"
    rf"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\((?:{_AGENCIES})\b[^)]*\)|[-–—]+\s)")
_DATELINE_JOINERS = {"-", "'", "’", ".", "&", "de", "da", "do", "del", "di", "du", "la", "le", "el", "al", "of",
                     "upon", "am", "sur", "en", "on"}


def _dateline_places(doc, original: str) -> list[tuple[int, int]]:
    """Token spans of the place(s) a paragraph opens with, in a wire dateline:
    "LONDON 1996-08-22", "AL-AIN , United Arab Emirates 1996-12-06",
    "WASHINGTON, Aug 22 (Reuters) -", "KYIV, Ukraine (AP) —". At most three
    places of at most six words, then a date, an agency in brackets or a
    dash; the first place in capitals as written or a gazetteer place (and
    both before a bare dash, so "SOCCER - ..." is no dateline). `original`:
    the paragraph as written (capitals that `prepare` may have re-cased)."""
    n = len(doc)
    text = doc.text
    original = original if len(original) == len(text) else text

    def upper_at(token) -> bool:
        return original[token.idx:token.idx + 1].isupper()

    segments: list[tuple[int, int]] = []
    i = 0
    while True:
        start = i
        while i < n and ((doc[i].is_alpha and upper_at(doc[i]))
                         or (i > start and doc[i].lower_ in _DATELINE_JOINERS and i + 1 < n
                             and doc[i + 1].is_alpha and upper_at(doc[i + 1]))):
            i += 1
        if i == start or i - start > 6 or i >= n:
            return []
        segments.append((start, i))
        end_char = doc[i - 1].idx + len(doc[i - 1].text)
        if _AFTER_DATELINE.match(text[end_char:]):
            break
        if doc[i].text != "," or len(segments) >= 3:
            return []
        i += 1
    first = original[doc[segments[0][0]].idx:end_of(doc, segments[0][1])]
    letters = [c for c in first if c.isalpha()]
    shouted = len(letters) >= 2 and all(c.isupper() for c in letters)
    known = gaz.normalise(first) in tables().places
    bare_dash = re.match(r"\s*,?\s*[-–—]", text[end_of(doc, segments[-1][1]):]) is not None
    if (bare_dash and not (shouted and known)) or not (shouted or known):
        return []
    return segments


def end_of(doc, end: int) -> int:
    """Character offset of the end of token span [..., end)."""
    return doc[end - 1].idx + len(doc[end - 1].text)


def _datelines(docs: list, spans: list[_Span], paragraphs: Sequence[str]) -> list[_Span]:
    """Places of wire datelines (see `_dateline_places`) are places."""
    out = list(spans)
    for p, doc in enumerate(docs[:3]):
        original = paragraphs[p] if p < len(paragraphs) else ""
        for start, end in _dateline_places(doc, original):
            out = [s for s in out if not (s.paragraph == p and s.start < end and start < s.end)]
            out.append(_Span(p, start, end, "GPE", "DATELINE"))
    out.sort(key=lambda s: (s.paragraph, s.start))
    return out


# A sports page: a wire slug at the top ("SOCCER - ", "ALPINE SKIING-",
# "Tennis - "), or a score ("2-1") with the words of match reports.
_SPORTS = (r"soccer|football|cricket|tennis|golf|rugby|basketball|baseball|athletics|cycling|boxing|hockey|nfl|"
           r"nba|nhl|mlb|racing|motorcycling|motorsport|formula one|squash|badminton|swimming|skiing|rowing|"
           r"sailing|yachting|volleyball|handball|judo|wrestling|gymnastics|triathlon|snooker|darts|sport|sports")
# In capitals as written, any dash; otherwise a dash with spaces round it.
_SPORT_SLUG_CAPS = re.compile(rf"^\s*(?:[A-Z]+\s+){{0,2}}(?:{_SPORTS.upper()})(?:\s+[A-Z]+){{0,2}}\s*[-–—:]")
_SPORT_SLUG = re.compile(rf"^\s*(?:[A-Za-z]+\s+){{0,2}}(?:{_SPORTS})(?:\s+[A-Za-z]+){{0,2}}\s+[-–—]\s",
                         re.IGNORECASE)
_SPORT_WORDS = re.compile(
    r"\b(?:goals?|scored|scorers?|striker|midfielder|defender|goalkeeper|halftime|half-time|innings|wickets?|"
    r"batsman|bowler|pitcher|homers?|homered|quarterback|touchdowns?|rebounds|standings|play-?offs?|"
    r"semi-?finals?|quarter-?finals?|tie-?break|seeded|unbeaten|relegat\w+|league|cup|coach|match|season|"
    r"championship|tournament|stadium|title|round|champions)\b", re.IGNORECASE)
# Words of sports copy that other news seldom has ("goal", "season", "round" it has).
_STRONG_SPORT_WORDS = {"scored", "scorer", "scorers", "striker", "midfielder", "defender", "goalkeeper", "halftime",
                       "half-time", "innings", "wicket", "wickets", "batsman", "bowler", "pitcher", "homer", "homers",
                       "homered", "quarterback", "touchdown", "touchdowns", "rebounds", "standings", "playoff",
                       "playoffs", "play-off", "play-offs", "semifinal", "semifinals", "semi-final", "semi-finals",
                       "quarterfinal", "quarterfinals", "quarter-final", "quarter-finals", "tiebreak", "tie-break",
                       "seeded", "unbeaten", "coach", "stadium", "tournament", "championship"}
_SCORE_TEXT = re.compile(r"(?<![\d.,:/-])\d{1,2} ?- ?\d{1,3}(?![\d.,:/-])")


def _sports_article(texts: Sequence[str], originals: Sequence[str] = ()) -> bool:
    """Whether an article is sports copy: a slug in one of its first three
    paragraphs (`originals`: as written, for the capitals), or a score with
    four words of match reports, two of them ones other news seldom uses."""
    if any(_SPORT_SLUG_CAPS.match(t) for t in originals[:3]) or any(_SPORT_SLUG.match(t) for t in texts[:3]):
        return True
    text = "\n".join(texts)
    if not _SCORE_TEXT.search(text):
        return False
    words = {w.lower() for w in _SPORT_WORDS.findall(text)}
    return len(words) >= 4 and len(words & _STRONG_SPORT_WORDS) >= 2


# Words before a name that make it the place, even on a sports page ("in Leeds", "at Wembley").
VENUE_WORDS = {"in", "at", "near", "outside", "around", "across", "throughout", "within", "into", "towards",
               "toward", "via", "visit", "visiting", "hosts", "host", "hosted"}
def _after_venue_word(doc, start: int) -> bool:
    """ "in Leeds", "at Leeds", "the mayor of Leeds": the town, not its team."""
    return start > 0 and (doc[start - 1].lower_ in VENUE_WORDS or (
        start > 1 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in PLACE_OF))


HOME_NATIONS = {"england", "scotland", "wales", "northern ireland"}


def _sports_teams(docs: list, spans: list[_Span]) -> list[_Span]:
    """On a sports page, a town or region named on its own is a team
    ("Leeds beat Chelsea", "Essex captain", "Texas rallied"), so an
    organisation: not countries, continents or the home nations (national
    sides, which news tags as places), not after "in"/"at" ("in Leeds") or
    "the mayor of", not "Perth, Australia"."""
    gazetteer = gaz.load()
    places = tables().places
    out = []
    for s in spans:
        if s.label not in {"GPE", "LOC"} or s.source in {"DATELINE", "RESULTS"}:
            out.append(s)
            continue
        doc = docs[s.paragraph]
        norm = gaz.normalise(doc[s.start:s.end].text)
        kinds = {p.kind for p in gazetteer.candidates(norm)} if norm in gazetteer.index else set()
        if norm in HOME_NATIONS or gazetteer.country_of(norm) or kinds & {"country", "continent", "feature"} \
                or not kinds:
            out.append(s)
            continue
        before = doc[s.start - 1].lower_ if s.start > 0 else ""
        after = doc[s.end].text if s.end < len(doc) else ""
        if _after_venue_word(doc, s.start) or (after == "," and s.end + 1 < len(doc)
                                     and gaz.normalise(doc[s.end + 1].text) in places) \
                or (before == "," and s.start >= 2 and any(x.paragraph == s.paragraph and x.end == s.start - 1
                                                           and x.label in {"GPE", "LOC"} for x in spans)):
            out.append(s)
            continue
        out.append(replace(s, label="ORG", source="SPORTS"))
    return out


_SCORE = re.compile(r"^\d{1,3}(?:[-:]\d{1,3})?$")
_SCORE_DASH = re.compile(r"(?<![\d.,:/-])\d{1,3}-\d{1,3}(?![\d.,:/-])")
_LOWER_WORD = re.compile(r"(?:^|\s)[a-z]")
_DIGITS = re.compile(r"\d+")


def _results_lines(docs: list, spans: list[_Span], texts: Sequence[str] | None = None) -> list[_Span]:
    """Sports results and tables ("Leeds 2 Chelsea 1", "Barnsley 10 6 2 2 18
    10 20"): the names in such a line are teams, so organisations, except
    countries (national sides) and people the model named in full."""
    gazetteer = gaz.load()
    out = list(spans)
    texts = [doc.text for doc in docs] if texts is None else texts
    for p, doc in enumerate(docs):
        # Cheap tests first: a results line has two numbers and no word in lower case.
        if _LOWER_WORD.search(texts[p]) or len(_DIGITS.findall(texts[p])) < 2:
            continue
        classes, positions = [], []
        for i, token in enumerate(doc):
            if token.is_space or token.text in {"(", ")", ".", ",", "-", "*"}:
                continue
            if _SCORE.match(token.text):
                classes.append("N")
            elif _capitalised(token) and token.is_alpha or token.text in {"&", "'s"}:
                classes.append("C")
            else:
                classes.append("W")
            positions.append(i)
        pattern = "".join(classes)
        if "W" in pattern or not re.fullmatch(r"(?:C+N+){2,}|C+N{4,}", pattern):
            continue
        # Brackets end a name: "Barcelona ( Spain ) 2" is a club and its country.
        runs, run = [], []
        for cls, i in zip(classes, positions):
            if run and (cls != "C" or any(doc[k].text in {"(", ")"} for k in range(run[-1] + 1, i))):
                runs.append((run[0], run[-1] + 1))
                run = []
            if cls == "C":
                run.append(i)
        for start, end in runs:
            text = doc[start:end].text
            here = [s for s in out if s.paragraph == p and s.start < end and start < s.end]
            if any(s.label == "PERSON" and s.end - s.start >= 2 for s in here):
                continue
            label = "GPE" if gaz.normalise(text) in gazetteer.country_names else "ORG"
            out = [s for s in out if s not in here] + [_Span(p, start, end, label, "RESULTS")]
    # Match reports: "Leeds beat Chelsea 2-1", "Chelsea 's striker": in a
    # paragraph with a score, a city on either side of a match verb is a team.
    for p, doc in enumerate(docs):
        if not _SCORE_DASH.search(texts[p]):  # "2-1" (the tokenizer splits it)
            continue
        here = [s for s in out if s.paragraph == p]
        for s in here:
            if s.label not in {"GPE", "LOC"}:
                continue
            text = doc[s.start:s.end].text
            if gaz.normalise(text) in gazetteer.country_names:
                continue
            after = " ".join(t.lower_ for t in doc[s.end:s.end + 2])
            before = " ".join(t.lower_ for t in doc[max(0, s.start - 2):s.start])
            if re.match(r"(?:beat|beats|defeated|drew|draw|lost|lose|v|vs|vs\.|thrashed|edged|routed|"
                        r"hammered|trounced|overcame|held|'s (?:striker|coach|manager|midfielder|defender|"
                        r"goalkeeper|captain|keeper))\b", after) or \
                    re.search(r"\b(?:beat|beats|defeated|drew with|lost to|v|vs|vs\.|against|thrashed|"
                              r"edged|routed|hammered|trounced|overcame|held)$", before):
                out = [x for x in out if x is not s] + [replace(s, label="ORG", source="RESULTS")]
    out.sort(key=lambda s: (s.paragraph, s.start))
    return out


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported when first needed: the build's
    own process resolves entities without ever loading spaCy."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _furniture(doc, s: _Span, doc_text: str | None = None) -> bool:
    text = _tokens_text(doc, s.start, s.end)
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


def _hint(doc, s: _Span, spans_in_paragraph: list[_Span]) -> str | None:
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
              parsed: Sequence | None = None) -> list[Mention]:
    """The mentions in one article, paragraph by paragraph (see the module doc).

    paragraphs: the article's paragraphs (Markdown tolerated; offsets are
    into these strings). docs: the pipeline's Docs for them if the caller
    has them already (they must come from `pipeline()` on
    `prepare(paragraphs)`). parsed: Docs of the configured model's full
    pipeline that the caller made anyway (the quote stage's), one per
    paragraph or None, reused as `parse` says. Never raises."""
    try:
        return _recognise(list(paragraphs or ())[:MAX_PARAGRAPHS], docs, nlp, parsed)
    except Exception as error:  # a bug must not cost the article: no mentions instead
        log.warning("entity recognition failed: %s", error)
        return []


def prepare(paragraphs: Sequence[str]) -> list[str]:
    """The texts the pipeline parses for an article: markup blanked, huge
    paragraphs cut, headlines in capitals re-cased. Same offsets."""
    texts = []
    for p in paragraphs:
        p = p if isinstance(p, str) else ("" if p is None else str(p))
        texts.append(blank_markup(p[:MAX_CHARS]))
    if RULES.get("recase") and any(_mostly_capitals(t) for t in texts):
        casing = article_casing(texts)
        known = tables().casing_known
        texts = [recase(t, casing, known) if _mostly_capitals(t) else t for t in texts]
    return texts


def parse(texts: Sequence[str], parsed: Sequence | None = None, nlp=None) -> list:
    """The entity pipeline's Docs for `prepare`d texts.

    parsed: Docs the caller already has from the configured model's full
    pipeline, by position, None where it has none. A Doc whose text is the
    text to parse is reused, not parsed again: its model entities are
    refined in place by this pipeline's last component (so its `ents`
    change). The model's ner has its own tok2vec, so it finds the same
    entities in a full parse as in the ner-only one, except that there it
    keeps them within the parser's sentences (on 2,312 allsides paragraphs
    none differed)."""
    nlp = nlp or pipeline()
    given = list(parsed or ())[:len(texts)]
    reuse = [i < len(given) and given[i] is not None and given[i].text == text for i, text in enumerate(texts)]
    fresh = iter(nlp.pipe([text for text, reused in zip(texts, reuse) if not reused]))
    return [_component(given[i]) if reused else next(fresh) for i, reused in enumerate(reuse)]


def _recognise(paragraphs: list[str], docs, nlp, parsed=None) -> list[Mention]:
    if not paragraphs:
        return []
    texts = prepare(paragraphs)
    if docs is None:
        docs = parse(texts, parsed, nlp)
    docs = list(docs)
    spans: list[_Span] = []
    for p, doc in enumerate(docs):
        for ent in doc.ents:
            if ent.label_ in TYPE_OF_LABEL or ent.label_ == "MISC":
                spans.append(_Span(p, ent.start, ent.end, ent.label_, "MODEL"))
    if not docs:
        return []
    doc_words, _, doc_texts = zip(*(_doc_words(doc) for doc in docs))
    originals = [p if isinstance(p, str) else "" for p in paragraphs]  # as written, for the capitals
    spans = [s for s in spans if not _furniture(docs[s.paragraph], s, doc_texts[s.paragraph])]
    if RULES.get("datelines"):
        spans = _datelines(docs, spans, originals)
    if RULES.get("results_lines"):
        spans = _results_lines(docs, spans, doc_texts)
        if _sports_article(texts, originals):
            spans = _sports_teams(docs, spans)
    spans = _consistency(docs, spans, doc_words)
    by_paragraph: dict[int, list[_Span]] = defaultdict(list)
    for s in spans:
        by_paragraph[s.paragraph].append(s)
    mentions: list[Mention] = []
    for s in spans:
        doc = docs[s.paragraph]
        start = doc[s.start].idx
        end = doc[s.end - 1].idx + len(doc[s.end - 1].text)
        original = paragraphs[s.paragraph]
        text = original[start:end] if end <= len(original) else doc_texts[s.paragraph][start:end]
        if not text.strip():
            continue
        type_ = TYPE_OF_LABEL.get(s.label, "other")
        mentions.append(Mention(s.paragraph, start, end, text, type_, text, s.label,
                                _hint(doc, s, by_paragraph[s.paragraph]) if type_ == "place" else None))
    return assign_keys(mentions)


# --- keys within an article -------------------------------------------------------------

@lru_cache(maxsize=65_536)
def _person_display(text: str) -> str:
    return " ".join(_person_tokens_display(text))


def _person_tokens_display(text: str) -> list[str]:
    text = re.sub(r"['’]s?$", "", text.strip())
    words = [w for w in text.split() if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    return words


def assign_keys(mentions: Sequence[Mention]) -> list[Mention]:
    """Each mention's key within its article: a surname alone -> the one full
    name in the article with that surname; an acronym -> its long form in the
    article; a place -> "<name> region" when the article says so anywhere."""
    persons: dict[str, str] = {}  # folded full key -> display form (longest)
    for m in mentions:
        if m.type == "person":
            words = _person_tokens(m.text)
            key = person_key(m.text)
            if len(words) >= 2 and len(key.split()) >= 2:
                display = _person_display(m.text)
                if len(display) > len(persons.get(key, "")):
                    persons[key] = display
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in persons:
        by_surname[key.split()[-1]].add(key)
    orgs_long = {}
    for m in mentions:
        if m.type == "org" and len(m.text.split()) >= 2:
            orgs_long.setdefault(_initials(gaz.normalise(m.text).title()), m.text)
    region_names = {gaz.split_hint(gaz.normalise(m.text))[0] for m in mentions
                    if m.type == "place" and m.hint == "region"}
    out = []
    for m in mentions:
        key = m.text
        hint = m.hint
        if m.type == "person":
            words = _person_tokens(m.text)
            if len(words) == 1:
                full = by_surname.get(fold(words[0]), set())
                if not full:  # family name first: "Kim" for Kim Jong Un, "Xi" for Xi Jinping
                    full = {k for k in persons if k.split()[0] == fold(words[0])}
                key = persons[next(iter(full))] if len(full) == 1 else _person_display(m.text)
            else:
                key = persons.get(person_key(m.text), _person_display(m.text))
        elif m.type == "org":
            bare = re.sub(r"['’]s$", "", m.text.strip())
            if bare.replace(".", "").isupper() and bare.replace(".", "") in orgs_long:
                key = orgs_long[bare.replace(".", "")]
            else:
                key = bare
            key = re.sub(r"^(?:the|The)\s+", "", key)
        elif m.type == "place":
            bare = re.sub(r"['’]s$", "", m.text.strip())
            bare = re.sub(r"^(?:the|The)\s+", "", bare)
            norm = gaz.normalise(bare)
            if hint == "region" or norm in region_names:
                hint = "region"
                base, _ = gaz.split_hint(norm)
                key = bare if base != norm else f"{bare} region"
            else:
                key = bare
        out.append(replace(m, key=key, hint=hint))
    return out


def mentions_from_names(names: Sequence[tuple[str, str]]) -> list[Mention]:
    """Mentions of one article made from (name as written, type) pairs, keyed
    as `recognise` keys them (for tests and the alias benchmark)."""
    mentions = [Mention(0, 0, len(text), text, type_, text, "GIVEN") for text, type_ in names]
    out = []
    for m in mentions:
        hint = None
        if m.type == "place":
            _, hint = gaz.split_hint(gaz.normalise(m.text))
        out.append(replace(m, hint=hint))
    return assign_keys(out)


# --- across the corpus -----------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text)).strip("-") or "x"


def _context_countries(mentions: Sequence[Mention], gazetteer: gaz.Gazetteer) -> frozenset[str]:
    out = set()
    for m in mentions:
        if m.type in {"place", "other"}:
            code = gazetteer.country_of(re.sub(r"['’]s$", "", m.text))
            if code:
                out.add(code)
    return frozenset(out)


def provisional_keys(mentions: Sequence[Mention], gazetteer: gaz.Gazetteer | None = None
                     ) -> list[tuple[str, str, float | None] | None]:
    """For each of an article's mentions, its provisional key ("person:...",
    "org:...", "place:<gazetteer id>" or "place:?<name>", "other:..."), the
    name to display for it, and for a place the gazetteer's confidence;
    None for a type that makes no entity. It depends on the article alone
    (places resolve in the context of the countries it names), so the
    per-document stage computes it, in parallel, and the corpus-level
    `Resolver` only counts."""
    gazetteer = gazetteer or gaz.load()
    out: list[tuple[str, str, float | None] | None] = []
    context = None
    for m in mentions:
        if m.type not in TYPES:
            out.append(None)
        elif m.type == "person":
            key = person_key(m.key) or gaz.normalise(m.key)
            out.append((f"person:{key}", _person_display(m.key), None))
        elif m.type == "org":
            canonical = tables_orgs().get(gaz.normalise(m.key))
            out.append((f"org:{org_key(m.key)}", canonical or re.sub(r"^(?:the|The)\s+", "", m.key), None))
        elif m.type == "place":
            if context is None:
                context = _context_countries(mentions, gazetteer)
            place = gazetteer.resolve_place(m.key, gaz.Context(context, m.hint))
            if place is not None:
                out.append((f"place:{place.id}", place.name, place.confidence))
            else:
                out.append((f"place:?{gaz.normalise(m.key)}", m.key, None))
        else:
            out.append((f"other:{gaz.normalise(m.key)}", m.key, None))
    return out


class Resolver:
    """The corpus-level resolution, fed one article at a time.

    `add_article` gives each of an article's mentions a provisional key and
    keeps only counts per distinct key (names as displayed and as written,
    mentions), so memory grows with the number of distinct names, not with
    the number of mentions: the caller keeps the mentions (in memory for
    `resolve`, in SQLite for the build). `entities` then merges keys (a
    surname alone with the one full name that has it; an acronym with its
    one long form; a name typed two ways with its usual type) and names
    each entity; `final` maps a provisional key to its entity's key."""

    def __init__(self, gazetteer: gaz.Gazetteer | None = None):
        self.gazetteer = gazetteer or gaz.load()
        self.places: dict[str, gaz.Place | None] = {}
        self.display: dict[str, Counter] = defaultdict(Counter)
        self.person_full: dict[str, set[str]] = defaultdict(set)  # folded surname -> full keys
        self.org_long: dict[str, set[str]] = defaultdict(set)  # initials -> long org keys
        self.counts: Counter = Counter()  # provisional key -> mentions (in order of first mention)
        self.written: dict[str, Counter] = defaultdict(Counter)  # provisional key -> text as written
        self.merged: dict[str, str] = {}

    def add(self, ident: str, display: str, text: str, confidence: float | None = None) -> None:
        """One mention, by its provisional key (see `provisional_keys`)."""
        kind, _, key = ident.partition(":")
        if ident not in self.counts:  # what the key itself says, once per key
            if kind == "person" and len(key.split()) >= 2:
                self.person_full[key.split()[-1]].add(key)
            elif kind == "org" and len(key.split()) >= 2:
                self.org_long[_initials(key.title())].add(key)
        if kind == "place":
            if key.startswith("?"):
                self.places.setdefault(ident, None)
            else:  # the gazetteer's place, with the confidence this mention's context gave it
                self.places[ident] = replace(self.gazetteer.places[key], confidence=confidence)
        self.display[ident][display] += 1
        self.counts[ident] += 1
        self.written[ident][text] += 1

    def add_article(self, mentions: Sequence[Mention]) -> list[tuple[int, str]]:
        """(index in `mentions`, provisional key) for each mention of a type
        that makes entities."""
        out = []
        for i, (m, found) in enumerate(zip(mentions, provisional_keys(mentions, self.gazetteer))):
            if found is not None:
                self.add(found[0], found[1], m.text, found[2])
                out.append((i, found[0]))
        return out

    def _merge(self) -> None:
        merged = self.merged
        for ident in self.display:
            kind, _, key = ident.partition(":")
            if kind == "person" and len(key.split()) == 1:
                full = self.person_full.get(key, set())
                if len(full) == 1:
                    merged[ident] = f"person:{next(iter(full))}"
            elif kind == "org" and len(key.split()) == 1 and 2 <= len(key) <= 6:
                long = self.org_long.get(key.upper(), set())
                if len(long) == 1:
                    merged[ident] = f"org:{next(iter(long))}"
        # A name typed differently in different articles (model noise) goes
        # with the type most of its mentions have, unless it is a resolved place.
        counts = self.counts
        by_key: dict[str, list[str]] = defaultdict(list)
        for ident in self.display:
            kind, _, key = ident.partition(":")
            if kind in {"person", "org", "other"}:
                by_key[key].append(ident)
        for key, idents in by_key.items():
            if len(idents) > 1:
                idents.sort(key=lambda x: (-counts[x], x))
                for other in idents[1:]:
                    if counts[idents[0]] >= 2 * counts[other] and other not in merged:
                        merged[other] = merged.get(idents[0], idents[0])

    def final(self, ident: str) -> str:
        seen = set()
        while ident in self.merged and ident not in seen:
            seen.add(ident)
            ident = self.merged[ident]
        return ident

    def entities(self) -> tuple[dict[str, Entity], list[tuple[str, str]]]:
        """{final key: Entity} in id order, and the (alias, entity id) pairs.
        Entities come without article_count: the caller, who kept the
        mentions, counts their articles."""
        self._merge()
        groups: dict[str, list[str]] = defaultdict(list)  # final key -> provisional keys, first mentioned first
        for ident in self.counts:
            groups[self.final(ident)].append(ident)
        out: dict[str, Entity] = {}
        alias_pairs: set[tuple[str, str]] = set()
        ids_taken: dict[str, int] = Counter()
        for ident in sorted(groups):
            names, written, mention_count = Counter(), Counter(), 0
            for p in groups[ident]:
                for name, c in self.display.get(p, {}).items():
                    names[name] += c * self.counts[p]  # each mention adds its key's display counts
                written.update(self.written[p])
                mention_count += self.counts[p]
            kind = ident.partition(":")[0]
            place = self.places.get(ident)
            name = place.name if place else (names.most_common(1)[0][0] if names else ident)
            if kind == "person":
                fulls = [n for n in names if len(n.split()) >= 2]
                if fulls:
                    name = max(fulls, key=lambda n: (names[n], len(n)))
            slug = _slug(place.id if place else ident.partition(":")[2].lstrip("?"))
            entity_id = f"{kind}:{slug}"
            ids_taken[entity_id] += 1
            if ids_taken[entity_id] > 1:
                entity_id = f"{entity_id}-{ids_taken[entity_id]}"
            aliases = [a for a, _ in sorted(written.items(), key=lambda kv: (-kv[1], kv[0]))]
            out[ident] = Entity(
                id=entity_id, name=name, type=kind, aliases=aliases,
                kind=place.kind if place else None,
                latitude=place.lat if place else None,
                longitude=place.lon if place else None,
                country=place.country if place else None,
                confidence=place.confidence if place else None,
                mention_count=mention_count,
            )
            for alias in aliases:
                alias_pairs.add((alias, entity_id))
            alias_pairs.add((name, entity_id))
        return out, sorted(alias_pairs)


def resolve(articles: Mapping[Hashable, Sequence[Mention]] | Iterable[tuple[Hashable, Sequence[Mention]]],
            gazetteer: gaz.Gazetteer | None = None) -> Resolution:
    """Entities and aliases for the whole corpus (see the module doc), in
    memory (the build streams its mentions through `Resolver` instead).

    articles: {article id: its mentions from `recognise`}. Deterministic:
    the same input gives the same ids."""
    items = articles.items() if isinstance(articles, Mapping) else articles
    resolver = Resolver(gazetteer)
    provisional: dict[tuple[Hashable, int], str] = {}
    for article, mentions in items:
        for i, ident in resolver.add_article(mentions):
            provisional[(article, i)] = ident
    by_final, alias_pairs = resolver.entities()
    mention_entity: dict[tuple[Hashable, int], str] = {}
    articles_of: dict[str, set] = defaultdict(set)
    for where, ident in provisional.items():
        entity = by_final[resolver.final(ident)]
        mention_entity[where] = entity.id
        articles_of[entity.id].add(where[0])
    for entity in by_final.values():
        entity.article_count = len(articles_of[entity.id])
    return Resolution(list(by_final.values()), mention_entity, alias_pairs)
