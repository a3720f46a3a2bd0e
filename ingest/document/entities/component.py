"""The spaCy pipeline for entities: the configured model
(ingest/document/nlp.py) running only what named entities need, plus the `press_atlas_entities`
component. It trims spans to the name ("the", "'s", "Mr", a score: "Boston
5-3"), splits names at a spaced dash ("Bangkok - Chiang Mai"), and tags
the gazetteer's places and a short list of organisations (the Kremlin,
NATO, ...) that the small model mislabels ("Kursk" as PRODUCT, "Kyiv" as
PERSON)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from .. import gazetteer as gaz
from .. import nlp as nlpmod
from ..names import NAME_TITLES
from .mentions import TYPE_OF_LABEL, WEAK_LABELS

# Key in a Doc's user_data: why the component's rules failed on it (the
# model's entities are kept); `recognise_article` reports it.
RULES_FAILED = "press_atlas.rules_failed"

# Components the entity recogniser does not use: en_core_web_sm's ner has its
# own tok2vec, so its output does not depend on them.
UNUSED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
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
def features() -> dict:
    return json.loads(gaz.FEATURES.read_text("utf-8"))


@lru_cache(maxsize=1)
def tables() -> _Tables:
    gazetteer = gaz.load()
    places = gazetteer.ruler_names()
    places = {n: v for n, v in places.items()
              if n not in gaz.GENERIC_PLACE_WORDS and len(n) >= 3}
    orgs: dict[str, str] = {}
    ruler_orgs: set[str] = set()
    for org in features().get("organisations", ()):
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


@lru_cache(maxsize=1)
def tables_orgs() -> dict[str, str]:
    out = {}
    for org in features().get("organisations", ()):
        for name in [org["name"], *org.get("aliases", ())]:
            out[gaz.normalise(name)] = org["name"]
    return out


def capitalised(token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0].isdigit() and len(text) > 1))


def sentence_initial(doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and (doc[j].is_space or doc[j].text in {"\"", "“", "‘", "'", "(", "[", "•", "-", "—", "–"}):
        j -= 1
    return j < 0 or doc[j].text in {".", "!", "?", ":", ";", "…"}


def _trim_span(doc, start: int, end: int, label: str) -> tuple[int, int]:
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
        if low in DETERMINERS and (first.text[0].islower() or sentence_initial(doc, start)):
            start += 1
        elif label == "PERSON" and low in NAME_TITLES and first.text[:1].isupper() \
                and doc[start + 1].text[:1].isupper():
            start += 1
        else:
            break
    return start, end


def words_and_offsets(doc) -> tuple[list[str], list[int], str]:
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


def tokens_text(doc, start: int, end: int) -> str:
    return doc[start:end].text


def _match_names(doc, table: _Tables, words_of_doc: tuple | None = None) -> list[tuple[int, int, str, str]]:
    """Gazetteer and organisation names in the doc: (start, end, "place"|"org", kind)."""
    out = []
    words, starts, text = words_of_doc or words_and_offsets(doc)
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
        if sentence_initial(doc, start) and end - start == 1 and not major:
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
        if doc[k].lower_ in {"'s", "’s"} and capitalised(doc[k + 1]):
            owner = gaz.normalise(doc[start:k].text)
            owner_label = "GPE" if owner in tables().places else label
            return [(start, k, owner_label), *_split_possessive(doc, k + 1, end, label)]
    return [(start, end, label)]


def _cut_score(words: list[str], starts: list[int], start: int, end: int) -> int:
    """The end of a name the model ran into a score: "Boston 5-3", "Chelsea
    2-1 at Elland Road" -> "Boston", "Chelsea". words, starts: `words_and_offsets`."""
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
    words_of_doc = words_and_offsets(doc)
    words, starts, _ = words_of_doc
    for ent in doc.ents:
        if ent.label_ not in TYPE_OF_LABEL:
            continue
        start, end = _trim_span(doc, ent.start, _cut_score(words, starts, ent.start, ent.end), ent.label_)
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
            a, b = _trim_span(doc, a, b, label)
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
            before = start > 0 and capitalised(doc[start - 1]) and doc[start - 1].is_alpha \
                and not sentence_initial(doc, start - 1)
            after = end < len(doc) and capitalised(doc[end]) and doc[end].is_alpha
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
                not capitalised(doc[k]) for k in list(range(s[0], start)) + list(range(end, s[1])))
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


def refine_doc(doc):
    """spaCy component: doc.ents trimmed and completed from the gazetteer.

    Never raises: if the rules fail, the model's entities stay and the
    reason ("<ExceptionType>: <reason>") is left in
    `doc.user_data[RULES_FAILED]` for `recognise_article` to report."""
    from spacy.tokens import Span

    try:
        spans = _refine(doc, tables())
        ents, last = [], 0
        for start, end, label in spans:
            if start >= last:
                ents.append(Span(doc, start, end, label=label))
                last = end
        doc.ents = ents
    except Exception as error:  # noqa: BLE001 - never fail a document on the rules: reported by the caller
        doc.user_data[RULES_FAILED] = f"{type(error).__name__}: {error}"
    return doc


@lru_cache(maxsize=4)
def pipeline(name: str | None = None, parse: bool = False):
    """The spaCy pipeline for entities: the configured model (only what its
    ner needs unless `parse`), then `press_atlas_entities`. Cached per process."""
    from spacy.language import Language

    if not Language.has_factory("press_atlas_entities"):
        Language.component("press_atlas_entities", func=refine_doc)
    nlp = nlpmod.load_fresh(name, disable=() if parse else UNUSED)
    nlp.add_pipe("press_atlas_entities", last=True)
    tables()  # load the gazetteer now, not on the first document
    return nlp
