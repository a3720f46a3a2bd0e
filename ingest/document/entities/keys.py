"""Keys within an article and provisional keys across the corpus.

Each mention gets a key within its article ("Mr Zelensky" -> "Volodymyr
Zelensky" when the article names him in full; "Kursk" -> "Kursk region"
when it says so), and a provisional entity key that depends on the article
alone (`provisional_keys`), which the corpus-level resolution
(ingest/corpus/entity_resolution.py) only counts and merges. Person names
are compared on a transliteration skeleton (`fold`, `person_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from typing import Sequence

from .. import gazetteer as gaz
from ..names import NAME_TITLES
from .component import tables_orgs
from .mentions import TYPES, NameMention

NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "junior", "senior"}


def person_tokens(text: str) -> list[str]:
    """Name words without titles, suffixes or possessive ("Mr Zelensky's" -> ["Zelensky"])."""
    text = re.sub(r"['’]s?$", "", text.strip())
    words = [w for w in re.split(r"[\s\u00a0]+", text) if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in NAME_TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().rstrip(".,") in NAME_SUFFIXES:
        words = words[:-1]
    out: list[str] = []
    for word in words:
        word = re.sub(r"^(?:al|el|ad|as|ash|an)[-‐‑](?=\w)", "", word, flags=re.IGNORECASE)
        out.extend(p for p in re.split(r"[-‐‑]", word) if p)
    return out


def ascii_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """A name word's transliteration skeleton: Zelenskiy, Zelenskyy,
    Zelenskyi, Zelensky -> "zelensky"; Andrii, Andriy -> "andry". Feminine
    forms stay apart (Zelenska)."""
    w = re.sub(r"[^a-z]", "", ascii_lower(word))
    w = re.sub(r"(?:iy|yy|yi|ii|ij|yj|i|y)$", "y", w) if len(w) > 3 else w
    w = w.replace("kh", "h").replace("ks", "x")
    w = re.sub(r"([a-z])\1", r"\1", w)
    return w


@lru_cache(maxsize=65_536)
def person_key(text: str) -> str:
    """Skeleton of a person's name: honorifics, possessive, suffixes and
    middle initials gone, words folded ("Donald J. Trump" -> "donald trump")."""
    words = [fold(w) for w in person_tokens(text)]
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


def initials(text: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", text) if w and w.lower() not in {"of", "and", "the", "for", "&", "on", "in"}]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


@lru_cache(maxsize=65_536)
def person_display(text: str) -> str:
    return " ".join(_person_tokens_display(text))


def _person_tokens_display(text: str) -> list[str]:
    text = re.sub(r"['’]s?$", "", text.strip())
    words = [w for w in text.split() if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in NAME_TITLES:
        words = words[1:]
    return words


def assign_keys(mentions: Sequence[NameMention]) -> list[NameMention]:
    """Each mention's key within its article: a surname alone -> the one full
    name in the article with that surname; an acronym -> its long form in the
    article; a place -> "<name> region" when the article says so anywhere."""
    persons: dict[str, str] = {}  # folded full key -> display form (longest)
    for m in mentions:
        if m.type == "person":
            words = person_tokens(m.text)
            key = person_key(m.text)
            if len(words) >= 2 and len(key.split()) >= 2:
                display = person_display(m.text)
                if len(display) > len(persons.get(key, "")):
                    persons[key] = display
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in persons:
        by_surname[key.split()[-1]].add(key)
    orgs_long = {}
    for m in mentions:
        if m.type == "org" and len(m.text.split()) >= 2:
            orgs_long.setdefault(initials(gaz.normalise(m.text).title()), m.text)
    region_names = {gaz.split_hint(gaz.normalise(m.text))[0] for m in mentions
                    if m.type == "place" and m.hint == "region"}
    out = []
    for m in mentions:
        key = m.text
        hint = m.hint
        if m.type == "person":
            words = person_tokens(m.text)
            if len(words) == 1:
                full = by_surname.get(fold(words[0]), set())
                if not full:  # family name first: "Kim" for Kim Jong Un, "Xi" for Xi Jinping
                    full = {k for k in persons if k.split()[0] == fold(words[0])}
                key = persons[next(iter(full))] if len(full) == 1 else person_display(m.text)
            else:
                key = persons.get(person_key(m.text), person_display(m.text))
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


def mentions_from_names(names: Sequence[tuple[str, str]]) -> list[NameMention]:
    """Mentions of one article made from (name as written, type) pairs, keyed
    as `recognise` keys them (for tests and the alias benchmark)."""
    mentions = [NameMention(0, 0, len(text), text, type_, text, "GIVEN") for text, type_ in names]
    out = []
    for m in mentions:
        hint = None
        if m.type == "place":
            _, hint = gaz.split_hint(gaz.normalise(m.text))
        out.append(replace(m, hint=hint))
    return assign_keys(out)


def context_countries(mentions: Sequence[NameMention], gazetteer: gaz.Gazetteer) -> frozenset[str]:
    out = set()
    for m in mentions:
        if m.type in {"place", "other"}:
            code = gazetteer.country_of(re.sub(r"['’]s$", "", m.text))
            if code:
                out.add(code)
    return frozenset(out)


def provisional_keys(mentions: Sequence[NameMention], gazetteer: gaz.Gazetteer | None = None
                     ) -> list[tuple[str, str, float | None] | None]:
    """For each of an article's mentions, its provisional key ("person:...",
    "org:...", "place:<gazetteer id>" or "place:?<name>", "other:..."), the
    name to display for it, and for a place the gazetteer's confidence;
    None for a type that makes no entity. It depends on the article alone
    (places resolve in the context of the countries it names), so the
    per-document stage computes it, in parallel, and the corpus-level
    `EntityResolver` (ingest/corpus/entity_resolution.py) only counts."""
    gazetteer = gazetteer or gaz.load()
    out: list[tuple[str, str, float | None] | None] = []
    context = None
    for m in mentions:
        if m.type not in TYPES:
            out.append(None)
        elif m.type == "person":
            key = person_key(m.key) or gaz.normalise(m.key)
            out.append((f"person:{key}", person_display(m.key), None))
        elif m.type == "org":
            canonical = tables_orgs().get(gaz.normalise(m.key))
            out.append((f"org:{org_key(m.key)}", canonical or re.sub(r"^(?:the|The)\s+", "", m.key), None))
        elif m.type == "place":
            if context is None:
                context = context_countries(mentions, gazetteer)
            place = gazetteer.resolve_place(m.key, gaz.Context(context, m.hint))
            if place is not None:
                out.append((f"place:{place.id}", place.name, place.confidence))
            else:
                out.append((f"place:?{gaz.normalise(m.key)}", m.key, None))
        else:
            out.append((f"other:{gaz.normalise(m.key)}", m.key, None))
    return out
