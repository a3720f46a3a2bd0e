"""Wire conventions: the places of a dateline ("LONDON 1996-08-22",
"KYIV, Ukraine (AP) -"), and on a sports page, results lines and a town
named on its own as teams ("in Leeds" stays the town)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from .. import gazetteer as gaz
from .component import PLACE_OF, capitalised, tables
from .mentions import TokenSpan

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


def datelines(docs: list, spans: list[TokenSpan], paragraphs: Sequence[str]) -> list[TokenSpan]:
    """Places of wire datelines (see `_dateline_places`) are places."""
    out = list(spans)
    for p, doc in enumerate(docs[:3]):
        original = paragraphs[p] if p < len(paragraphs) else ""
        for start, end in _dateline_places(doc, original):
            out = [s for s in out if not (s.paragraph == p and s.start < end and start < s.end)]
            out.append(TokenSpan(p, start, end, "GPE", "DATELINE"))
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


def sports_article(texts: Sequence[str], originals: Sequence[str] = ()) -> bool:
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


def after_venue_word(doc, start: int) -> bool:
    """ "in Leeds", "at Leeds", "the mayor of Leeds": the town, not its team."""
    return start > 0 and (doc[start - 1].lower_ in VENUE_WORDS or (
        start > 1 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in PLACE_OF))


HOME_NATIONS = {"england", "scotland", "wales", "northern ireland"}


def sports_teams(docs: list, spans: list[TokenSpan]) -> list[TokenSpan]:
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
        if after_venue_word(doc, s.start) or (after == "," and s.end + 1 < len(doc)
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


def results_lines(docs: list, spans: list[TokenSpan], texts: Sequence[str] | None = None) -> list[TokenSpan]:
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
            elif capitalised(token) and token.is_alpha or token.text in {"&", "'s"}:
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
            out = [s for s in out if s not in here] + [TokenSpan(p, start, end, label, "RESULTS")]
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
