"""Figures: the numbers an article reports, with what they count.

"up to 11,000 North Korean troops", "over 100 ballistic missiles", "15
Ukrainian drones", "a nearly 34-month-old war", "€30 million", "40%": each
becomes a row with the value normalised (11000.0, 100.0, 34.0, 30000000.0,
40.0), the qualifier as written (up to, over, nearly, about...), the unit
(%, a currency, a measure, or what a hyphenated compound says: "month-old"),
the noun phrase it counts as written ("North Korean troops") and a key to
compare it across outlets (its head noun, singular: "troop").

Years, dates, times, ordinals ("68th"), clock times, phone-like digit runs
and numbers inside words are not figures. Pure functions of the text: the
per-document stage runs them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12,
    "hundreds": 100, "thousands": 1000, "dozens": 12, "millions": 1_000_000,
}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12, "tn": 1e12, "lakh": 1e5, "crore": 1e7}
QUALIFIERS = ("more than", "less than", "fewer than", "at least", "at most", "up to", "as many as",
              "as few as", "nearly", "almost", "about", "around", "approximately", "roughly", "some",
              "over", "under", "below", "above", "upwards of", "close to", "an estimated", "estimated",
              "just over", "just under", "well over", "more or less", "some")
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₴": "UAH", "₽": "RUB"}
UNITS = ("percent", "per cent", "%", "km", "kilometres", "kilometers", "miles", "metres", "meters", "m", "kg",
         "tonnes", "tons", "hectares", "km/h", "mph", "degrees", "years", "months", "weeks", "days", "hours",
         "minutes")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# Words that end a noun phrase: it counts what comes before them.
_STOP = set("""
a an the and or but of in on at to for from by with as than that which who whom whose is are was were be been
has have had will would could should may might can said says say told according since after before during
into onto over under about against between among per each this these those its their his her our your my
there here when where while if so because not no nor yet also just only still even already more most less
least very too
""".split())

_QUAL = "|".join(sorted((re.escape(q) for q in set(QUALIFIERS)), key=len, reverse=True))
_WORDNUM = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
_SCALE = "|".join(sorted((re.escape(s) for s in SCALES), key=len, reverse=True))
_FIGURE = re.compile(
    r"(?<![\w.,/:-])"
    r"(?:(?P<qual>" + _QUAL + r")\s+)?"
    r"(?:(?P<cur>[$€£¥₴₽])\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:" + _WORDNUM + r")(?=\W))"
    r"(?:\s?(?P<scale>" + _SCALE + r")\b)?"
    r"(?P<pct>\s?%|\s(?:percent|per cent)\b)?"
    r"(?P<compound>-[a-z]+(?:-[a-z]+)?)?"
    r"(?![\w.,:/]\d)(?!\w)",
    re.IGNORECASE,
)
_NOUN_WORD = re.compile(r"\s+([A-Za-z][\w'’-]*)")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
# After a year-like number, a plural noun means a count: "2000 troops".
_COUNTED = re.compile(r"\s+(?:[a-z]+-)?(?:people|men|women|children|[a-z]{3,}s)\b(?<!\bis)(?<!\bwas)(?<!\bhas)")
# "3.5m people": with a plural or a people-word after it, m is millions.
_MILLIONS_OF = re.compile(r"\s+(?:[a-z]+\s+)?(?:people|residents|voters|users|viewers|barrels|tonnes|jobs|"
                          r"[a-z]{3,}s)\b(?!\s+(?:high|long|deep|wide|tall|away))")


@dataclass(frozen=True)
class Figure:
    paragraph: int
    start: int  # offsets of the whole claim (qualifier to noun) in the paragraph
    end: int
    text: str
    value: float
    qualifier: str | None
    unit: str | None
    noun: str | None  # as written: "North Korean troops"
    noun_key: str | None  # head noun, lower case, singular: "troop"
    sentence: str


def _number(raw: str) -> float | None:
    raw = raw.lower()
    if raw in WORD_NUMBERS:
        return float(WORD_NUMBERS[raw])
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # 400 nines are no figure


def singular(word: str) -> str:
    """A plural English noun's singular, lower case, by its ending ("troops"
    -> "troop", "casualties" -> "casualty"); other words lower-cased."""
    w = word.lower().strip("'’")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _noun_phrase(text: str, pos: int) -> tuple[str | None, int]:
    """Up to four words after `pos` that a number counts, stopping at a
    function word or punctuation."""
    words, end = [], pos
    for _ in range(4):
        m = _NOUN_WORD.match(text, end)
        if not m:
            break
        word = m.group(1)
        if word.lower() in _STOP or word.lower() in SCALES or re.match(MONTHS + r"$", word.lower()):
            break
        words.append(word)
        end = m.end()
        if word.lower().endswith(("s", "people", "men", "women", "children")) and len(words) >= 1 \
                and not word[0].isupper():
            break  # a plural common noun ends the phrase: "15 drones were"
    return (" ".join(words) or None), end


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("! ", end), text.find("? ", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 2 if left != -1 else 0:right].strip()


def find_figures(paragraphs: list[str], max_chars: int = 20_000) -> list[Figure]:
    """The figures in an article's paragraphs, in order. Never raises."""
    out = []
    for p, text in enumerate(paragraphs):
        text = text[:max_chars]
        for m in _FIGURE.finditer(text):
            value = _number(m["num"])
            if value is None:
                continue
            before = text[max(0, m.start() - 12):m.start()].lower()
            after = text[m.end():m.end() + 12]
            raw = m["num"]
            if not (m["cur"] or m["scale"] or m["pct"] or m["compound"]):
                if (_YEAR.match(raw) and not _COUNTED.match(after)) \
                        or re.match(r"\s*(?:" + MONTHS + r")\b", after, re.IGNORECASE) \
                        or re.search(r"(?:" + MONTHS + r")\.?\s*$", before):
                    continue  # a year ("in 2024", "2024 was") or a day of the month
                if re.match(r"\s*(?:am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet)\b", after, re.IGNORECASE):
                    continue
            unit = None
            if m["scale"]:
                if m["scale"].lower() == "m" and not m["cur"] and not _MILLIONS_OF.match(after):
                    unit = "m"  # "a 40m breach" is metres; "3.5m people" is millions
                else:
                    value *= SCALES[m["scale"].lower()]
                    if not math.isfinite(value):
                        continue
            if m["pct"]:
                unit = "%"
            elif m["cur"]:
                unit = CURRENCIES[m["cur"]]
            elif m["compound"]:
                unit = m["compound"].lstrip("-").lower()
            noun, noun_end = _noun_phrase(text, m.end())
            measure = None
            if unit is None and noun and noun.split()[0].lower() in UNITS:
                unit = measure = noun.split()[0].lower()  # "250 km north": a distance, not a "north"
            if noun is None and unit is None:
                continue  # a bare number counts nothing we can name
            head = measure or (noun.split()[-1] if noun else None)
            end = noun_end if noun else m.end()
            start = m.start() if not m["qual"] else m.start("qual")
            out.append(Figure(
                paragraph=p, start=start, end=end, text=text[start:end], value=value,
                qualifier=m["qual"].lower() if m["qual"] else None, unit=unit, noun=noun,
                noun_key=singular(head) if head else unit, sentence=_sentence(text, start, end),
            ))
    return out
