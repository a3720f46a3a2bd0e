"""Entities across the corpus: the provisional keys of every article's
mentions merged into entities, named, and given their aliases.

Person names are compared on a transliteration skeleton (Zelensky =
Zelenskiy = Zelenskyy = Zelenskyi), titles and possessives dropped; a
surname alone joins a full name only when exactly one person in the corpus
has it; different first names never merge (Olena Zelenska, Volodymyr
Zelensky). Organisations merge on case (Nato = NATO), on features.json's
aliases and on acronyms whose long form is unique in the corpus. Places
resolve through the gazetteer (Kiev = Kyiv, DPRK = North Korea), with the
countries the article mentions as context. Metonyms stay what they name:
"Kyiv said" is the city, "the Kremlin" its own organisation.

Only this corpus-level step lives here: recognition and the provisional
keys are per document (ingest/document/entities/), so changing the
resolver keeps every kept analysis.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Hashable, Iterable, Mapping, Sequence

from ..document import gazetteer as gaz
from ..document.entities import NameMention, provisional_keys
from ..document.entities.keys import ascii_lower, initials


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
    """What `resolve` gives: the entities, the entity of each mention and the aliases."""

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


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_lower(text)).strip("-") or "x"


class EntityResolver:
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
                self.org_long[initials(key.title())].add(key)
        if kind == "place":
            if key.startswith("?"):
                self.places.setdefault(ident, None)
            else:  # the gazetteer's place, with the confidence this mention's context gave it
                self.places[ident] = replace(self.gazetteer.places[key], confidence=confidence)
        self.display[ident][display] += 1
        self.counts[ident] += 1
        self.written[ident][text] += 1

    def add_article(self, mentions: Sequence[NameMention]) -> list[tuple[int, str]]:
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


def resolve(articles: Mapping[Hashable, Sequence[NameMention]] | Iterable[tuple[Hashable, Sequence[NameMention]]],
            gazetteer: gaz.Gazetteer | None = None) -> Resolution:
    """Entities and aliases for the whole corpus (see the module doc), in
    memory (the build streams its mentions through `EntityResolver` instead).

    articles: {article id: its mentions from `recognise`}. Deterministic:
    the same input gives the same ids."""
    items = articles.items() if isinstance(articles, Mapping) else articles
    resolver = EntityResolver(gazetteer)
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
