"""Metadata: titles, bylines, dates, language and outlet from what a page says.

A value the page does not state stays None: dates keep only the precision
they were given (a year and month give "2024-12", never an invented day).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
            ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
            ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
# Month names in the other languages the press we see is written in.
for _i, _names in enumerate([
    "januar janvier enero janeiro gennaio januari jänner",
    "februar février fevrier febrero fevereiro febbraio februari",
    "märz maerz mars marzo março maart",
    "avril abril aprile",
    "mai mayo maio maggio mei",
    "juni juin junio junho giugno",
    "juli juillet julio julho luglio",
    "août aout agosto augustus",
    "septembre septiembre setembro settembre",
    "oktober octobre octubre outubro ottobre",
    "novembre noviembre novembro",
    "dezember décembre decembre diciembre dezembro dicembre",
], start=1):
    for _m in _names.split():
        _MONTHS.setdefault(_m, _i)
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
_TZ = r"(?:\s*(?P<tz>GMT|UTC|Z))?"

_DATE_PATTERNS = [
    re.compile(
        r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
        r"(?P<offset>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    re.compile(_WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?P<mname>" + _MONTH_RE
               + r")\.?,?\s+(?:de\s+)?(?P<year>\d{4})" + _TIME + _TZ, re.IGNORECASE),
    re.compile(_WEEKDAY + r"(?P<mname>" + _MONTH_RE + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
               + _TIME + _TZ, re.IGNORECASE),
]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return 1800 <= year <= 2200


def find_date(text: str) -> str | None:
    """The first date stated in `text`, as ISO 8601, or None."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            year = int(g["year"])
            month = int(g["month"]) if g.get("month") else _MONTHS[g["mname"].lower().rstrip(".")]
            day = int(g["day"])
            if not _valid(year, month, day):
                continue
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            if g.get("hour") is None:
                return iso
            hour, minute = int(g["hour"]), int(g["minute"])
            ampm = (g.get("ampm") or "").replace(".", "").lower()
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                return iso
            iso += f"T{hour:02d}:{minute:02d}"
            if g.get("second"):
                iso += f":{int(g['second']):02d}"
            offset = g.get("offset") or ("Z" if g.get("tz") else None)
            if offset:
                if offset != "Z" and ":" not in offset:
                    offset = offset[:3] + ":" + offset[3:]
                iso += offset
            return iso
    return None


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?=[/-]|$)")


def date_from_url(url: str | None) -> str | None:
    """The date in an article's address (/2019/11/18/...), as precise as it is:
    a last resort when the page states none."""
    if not url:
        return None
    m = _URL_DATE.search(url.split("?")[0])
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if m.group(3) and _valid(year, month, int(m.group(3))):
        return f"{year:04d}-{month:02d}-{int(m.group(3)):02d}"
    return f"{year:04d}-{month:02d}"


_LAST_TIMESTAMP = 7_258_118_400  # 2200-01-01
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


def iso_date(value) -> str | None:
    """Normalise a date value from metadata (string or number) to ISO 8601."""
    if value is None or isinstance(value, bool):  # true is not a timestamp
        return None
    if isinstance(value, (int, float)):
        # A Unix timestamp, in seconds or (as JavaScript writes them) in
        # milliseconds, within the years dates are accepted in (to 2200).
        if not 0 < value < _LAST_TIMESTAMP * 1000:  # also false for NaN
            return None
        seconds = value if value < _LAST_TIMESTAMP else value / 1000
        return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value).strip()
    if not text:
        return None
    found = find_date(text)
    if found:
        return found
    m = _YEAR_MONTH.match(text)
    if m and 1 <= int(m["month"]) <= 12:
        return text
    return _dateutil(text)


def _dateutil(text: str) -> str | None:
    """Last resort: dateutil, keeping only the fields the text really gave."""
    from dateutil import parser

    if len(text) > 64 or not re.search(r"\d{4}", text):
        return None
    try:
        a = parser.parse(text, default=datetime(1904, 1, 1, 0, 0, 0))
        b = parser.parse(text, default=datetime(1908, 2, 2, 1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year or not 1800 <= a.year <= 2200:
        return None
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    iso = f"{a.year:04d}-{a.month:02d}-{a.day:02d}"
    if a.hour == b.hour and a.minute == b.minute:
        iso += f"T{a.hour:02d}:{a.minute:02d}"
    return iso


# --- plain-text pages --------------------------------------------------------

_FURNITURE = re.compile(
    r"\b(cookies?|notifications?|sign (?:up|in)|log ?in|subscribe|newsletter|jump to|skip to|"
    r"menu|advertisement|create new|privacy|accept|search|share|follow us|donat\w*)\b",
    re.IGNORECASE,
)


def is_furniture(line: str) -> bool:
    """Does the line use the vocabulary of page furniture (banners, prompts)?"""
    return bool(_FURNITURE.search(line))


def plausible_headline(p: str) -> bool:
    """Could this line be a headline: 4 to 30 words (250 characters at
    most), not ending in a full stop, a colon or a parenthesis, no words of
    page furniture, not a byline or a date line."""
    words = p.split()
    return (4 <= len(words) <= 30 and len(p) <= 250 and not p.endswith((".", ")", ":"))
            and not _FURNITURE.search(p) and not is_byline_or_date(p))


def find_title(paragraphs: list[str], window: int = 40) -> int | None:
    """Index of the line that is the article's title in a text dump.

    In order of preference: a plausible headline followed within a few lines
    by a byline or a date line; one the page repeats (forum reposts repeat
    the headline; captions, which repeat too, end in a credit); the first.
    """
    head = paragraphs[:window]
    counts: dict[str, int] = {}

    def _is_standfirst(line: str, before: str) -> bool:
        return len(line.split()) >= 16 and len(line.split()) > len(before.split())

    for p in paragraphs:
        counts[p] = counts.get(p, 0) + 1

    plausible = plausible_headline

    candidates = [i for i, p in enumerate(head) if plausible(p)]
    for d, line in enumerate(head):
        if is_byline_or_date(line):
            above = [i for i in candidates if d - 4 <= i < d]
            if len(above) >= 2 and _is_standfirst(head[above[-1]], head[above[-2]]):
                return above[-2]
            if above:
                return above[-1]
    for i in candidates:
        if counts[head[i]] > 1:
            return i
    return candidates[0] if candidates else None


_BY = re.compile(r"^(?:by|par|von|por|di)\s+(?P<name>[^\d,|•]{3,80}?)(?:\s+(?:in|en|em|à|in)\s+[A-Z][\w -]+)?"
                 r"(?:\s+(?:publiziert|veröffentlicht|published|posted|updated|publié|publicado|on|am|le|el|em)\b.*)?"
                 r"(?:\s*[,|•–-].*)?$", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"\b(posts?|comments?|share|related|recommended|advertisement|read|more|latest|news|"
    r"updates?|stories|home|menu|search|subscribe|sign|login|support|donate|newsletter|"
    r"live|breaking|video|photos?|opinion|politics|world|business|culture|sport)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:[A-ZÀ-Ý][\w'’.-]+|de|da|do|dos|van|von|der|al|bin|la|le)){1,4}$")


def byline(head: list[str]) -> str | None:
    """An author named in a "By X" line, or a bare name line next to a date line."""
    for i, line in enumerate(head):
        m = _BY.match(line)
        if m and _NAME.match(m["name"].strip()) and not _NOT_A_NAME.search(m["name"]):
            return m["name"].strip()
        if _bare_name(line):
            neighbours = head[max(0, i - 1):i] + head[i + 1:i + 2]
            if any(_is_date_line(n) for n in neighbours):
                return line
    return None


def _bare_name(line: str) -> bool:
    return len(line) < 60 and bool(_NAME.match(line)) and not _NOT_A_NAME.search(line)


def _is_date_line(line: str) -> bool:
    return len(line) <= 200 and len(line.split()) <= 12 and find_date(line) is not None


def date_line(head: list[str]) -> str | None:
    """The date of the first short line that states one, as ISO 8601."""
    for line in head:
        if _is_date_line(line):
            return find_date(line)
    return None


def is_byline_or_date(line: str) -> bool:
    """A short date line, or a "By X" line of at most eight words."""
    return _is_date_line(line) or bool(_BY.match(line) and len(line.split()) <= 8)


_OUTLET_PATTERNS = [
    # (pattern, group is a domain?)
    (re.compile(r"\bFollow\s+(?P<v>[\w.-]+\.[a-z]{2,})\s+on Google News", re.IGNORECASE), True),
    (re.compile(r"\b(?:notifications|alerts|updates) from\s+(?P<v>(?:The\s+)?[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,3})"), False),
    (re.compile(r"(?:©|\(c\)|Copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<v>(?:The\s+)?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’-]*){0,3})"), False),
    (re.compile(r"Comments on this (?:blog|site) are not posted by\s+(?P<v>[A-Z][\w.-]+)", re.IGNORECASE), False),
]
_WEBMAIL = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "protonmail.com", "aol.com",
            "icloud.com", "mail.ru", "yandex.ru", "gmx.de", "live.com"}
# Anchored on what precedes the address, so a long run of word characters
# is scanned once, not once per starting position.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?P<v>[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")


_LEGAL_SUFFIX = re.compile(r"[,\s]+(?:Ltd|Lda|Limited|Inc|LLC|plc|GmbH|S\.?A|S\.?L|AG)\.?$", re.IGNORECASE)
# Words that name a company, not a masthead. After "Media", "Group" or
# "Network" the brand usually comes first ("The Slate Group", "Al Jazeera
# Media Network"); after the others it is the owner ("NYP Holdings", "CBS
# Interactive", "Hearst Newspapers"), a different name from the outlet's.
_BRAND_SUFFIX = re.compile(r"\s+(?:Media|Group|Network)\.?$", re.IGNORECASE)
_OWNER_SUFFIX = re.compile(r"\s+(?:Communications|Holdings|Interactive|Printers|Publishing|Publications|Newspapers|"
                           r"Universal|Corporation|Corp|Company|Co|Enterprises|Institute|Foundation)\.?$",
                           re.IGNORECASE)
_NOT_AN_OUTLET = {"all", "the", "copyright", "policy", "notice", "information", "infringement"}


def _outlet_name(value: str, paragraphs: list[str]) -> str | None:
    """A copyright or notification holder as an outlet name, or None. A
    company holder counts only when the page names the shorter masthead
    elsewhere too ("© The Slate Group" on a page that says "Slate")."""
    value = re.split(r"\.\s", value, maxsplit=1)[0].strip(" .")  # "NJ.com. All rights" -> "NJ.com"
    value = re.sub(r"^(?:copyright|©)\s*", "", value, flags=re.IGNORECASE)
    value = _LEGAL_SUFFIX.sub("", value)
    if _OWNER_SUFFIX.search(value):
        return None
    owner = False
    while _BRAND_SUFFIX.search(value):
        value, owner = _BRAND_SUFFIX.sub("", value), True
    if not value or value.lower() in _NOT_AN_OUTLET or value.lower().startswith("all rights"):
        return None
    if owner:
        named = re.compile(r"(?<!\w)" + re.escape(re.sub(r"^the\s+", "", value, flags=re.IGNORECASE)) + r"(?!\w)")
        if sum(1 for p in paragraphs if named.search(p)) < 3:  # the copyright line and two more
            return None
    return value


_IMAGE_CREDIT = re.compile(r"\((?:image|photo|picture|credit)s?\s*:|^(?:image|photo|picture|credit)s?\s*:",
                           re.IGNORECASE)


def outlet_from_text(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """(name, domain) of the outlet, from lines such as "Follow X on Google News",
    "notifications from X", copyright lines or a contact address."""
    name = domain = None
    for p in paragraphs:
        for pattern, is_domain in _OUTLET_PATTERNS:
            m = pattern.search(p)
            if not m:
                continue
            value = m["v"].strip(" .")
            if is_domain and domain is None:
                domain = value.lower().removeprefix("www.")
            elif not is_domain and name is None and not _IMAGE_CREDIT.search(p):
                name = _outlet_name(value, paragraphs)
        if domain is None:
            for m in _EMAIL.finditer(p):
                d = m["v"].lower()
                if d not in _WEBMAIL:
                    domain = d
                    break
    return name, domain


_SECTION_LABEL = re.compile(r"^(?:category|section|rubri(?:k|que|ca)|ressort|sección|seção|categoria)\s*:?\s*(?P<v>.*)$",
                            re.IGNORECASE)


def section_from_lines(lines: list[str]) -> str | None:
    """A section stated as a label: "Category: Ukraine", or "Category" then "Ukraine"."""
    for i, line in enumerate(lines):
        m = _SECTION_LABEL.match(line)
        if not m:
            continue
        value = m["v"] or (lines[i + 1] if i + 1 < len(lines) else "")
        if value and len(value.split()) <= 4 and not find_date(value):
            return value.strip()
    return None


# --- wire credits ----------------------------------------------------------------

AGENCIES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "the associated press": "AP",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "bloomberg": "Bloomberg",
    "pti": "PTI", "press trust of india": "PTI", "ians": "IANS", "ani": "ANI", "dpa": "dpa", "efe": "EFE",
    "ansa": "ANSA", "xinhua": "Xinhua", "tass": "TASS", "interfax": "Interfax", "kyodo": "Kyodo",
    "yonhap": "Yonhap", "anadolu": "Anadolu", "ukrinform": "Ukrinform", "upi": "UPI", "agencies": "agencies",
}
_AGENCY_RE = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
_CREDIT_PATTERNS = [
    # (kind, pattern). A dateline: "KYIV (Reuters) -", "WASHINGTON (AP) —"
    ("dateline", re.compile(r"\((" + _AGENCY_RE + r")\)\s*[-–—:]", re.IGNORECASE)),
    ("inputs", re.compile(r"\b(?:with )?inputs? from\s+(?:the\s+)?(" + _AGENCY_RE + r")\b", re.IGNORECASE)),
    ("contributed", re.compile(r"\b(?:the\s+)?(" + _AGENCY_RE + r")\s+contributed (?:to this|reporting)",
                               re.IGNORECASE)),
    ("additional reporting", re.compile(r"\badditional reporting by\s+(?:the\s+)?(" + _AGENCY_RE + r")\b",
                                        re.IGNORECASE)),
    ("copyright", re.compile(r"(?:copyright|©)\s*\d{4}\s+(?:the\s+)?(" + _AGENCY_RE + r")\b", re.IGNORECASE)),
    ("sign-off", re.compile(r"^[-–—]\s*(?:the\s+)?(" + _AGENCY_RE + r")\s*$", re.IGNORECASE)),
]
# Sourcing rather than a credit of the whole article: recorded in `credits`,
# never the article's wire credit.
_ACCORDING_TO = re.compile(r"\baccording to (?:the\s+)?(" + _AGENCY_RE + r")\b(?!\s+(?:news|poll|survey))",
                           re.IGNORECASE)
_WIRE_FEED = re.compile(r"published from a wire agency feed|auto-generated from a syndicated feed", re.IGNORECASE)


# Credits to any outlet, named as the page names it: the blog that reposts a
# wire story says where it came from.
_NAME_RE = r"((?:The\s+)?[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|de|du|&)){0,5})"
_SOURCE_CREDITS = [
    ("source", re.compile(r"^(?i:source|via|credit)\s*:\s*" + _NAME_RE)),
    # A line of its own under the headline: "According to Iberia Press Wire".
    ("according to", re.compile(r"^(?i:according to)\s+" + _NAME_RE + r"\.?$")),
    ("republished", re.compile(r"\b(?:originally|first)\s+(?:published|appeared)\s+(?:on|in|by|at)\s+" + _NAME_RE)),
    ("republished", re.compile(r"\b[Rr]epublished\s+(?:with permission\s+)?(?:from|by)\s+" + _NAME_RE)),
    ("contributed", re.compile(_NAME_RE + r"\s+contributed to this (?:report|story|article)")),
]


def _source_credit(line: str) -> tuple[str, str] | None:
    if len(line) > 400:
        return None
    for kind, pattern in _SOURCE_CREDITS:
        m = pattern.search(line)
        if m:
            name = re.sub(r"\s*\([^)]*\)\s*$", "", m.group(1)).strip(" .")
            key = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE).lower()
            return AGENCIES.get(key, name), kind
    return None


def _agency_match(kind: str, m: re.Match) -> bool:
    # A dateline's agency is written as agencies write it ("(Reuters)", "(AP)"),
    # so "(ap)" in prose is not one.
    return kind != "dateline" or m.group(1)[0].isupper()


def credits(lines: list[str]) -> list[tuple[int, str, str]]:
    """Every agency credit in the lines: (line index, agency, kind)."""
    found = []
    for i, line in enumerate(lines):
        for kind, pattern in _CREDIT_PATTERNS:
            m = pattern.search(line)
            if m and _agency_match(kind, m):
                found.append((i, AGENCIES[m.group(1).lower()], kind))
                break
        else:
            m = _ACCORDING_TO.search(line)
            if m and m.group(1)[0].isupper():
                found.append((i, AGENCIES[m.group(1).lower()], "according to"))
            elif _WIRE_FEED.search(line):
                found.append((i, "wire agency", "feed"))
            elif (named := _source_credit(line)) is not None:
                found.append((i, named[0], named[1]))
    return found


def wire_credit(lines: list[str]) -> str | None:
    """The agency an article says it comes from, by its dateline or credit
    lines; None when it only quotes an agency in passing."""
    for _i, agency, kind in credits(lines):
        if kind != "according to":
            return agency
    return None


_NOT_A_PERSON = re.compile(
    r"^(?:staff(?: reports?| writers?)?|admin(?:istrator)?|jdadmin|editor(?:s|ial(?: (?:team|staff|board))?)?|"
    r"(?:news|web|city|foreign) desk|desk|newsroom|guest(?: author)?|contributor|redaktion|rédaction|redacción|"
    r"redação|\w+ staff|science x staff)$"
    # An organisation credited as the author is nobody's name either.
    r"|^(?:the\s+)?[\w.&' ,-]*\b(?:agenc(?:y|ies)|associations?|ministr(?:y|ies)|departments?|offices?|"
    r"universit(?:y|ies)|institutes?|councils?|commissions?|foundations?|compan(?:y|ies)|corporations?|inc|ltd|"
    r"llc|gmbh|teams?|press office|authorit(?:y|ies)|organi[sz]ations?|societ(?:y|ies)|boards?|bureaus?|"
    r"services?|wires?)\.?(?:\s+(?:published|updated|posted))?$"
    # Initials alone ("AS") are an account, not a byline.
    r"|^[A-Z]{1,3}$", re.IGNORECASE)


def _bare(name: str) -> str:
    return _letters(re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE))


def _is_outlet(part: str, outlet: str | None, domain: str | None) -> bool:
    """The outlet's own name, or the brand its domain starts with
    ("Beachbody" on beachbodyondemand.com)."""
    bare = _bare(part)
    if outlet and bare == _bare(outlet):
        return True
    # The outlet's name and a desk: "Telegraph Sport", "Guardian Staff".
    words = part.split()
    if outlet and len(words) >= 2 and _bare(" ".join(words[:-1])) == _bare(outlet):
        return True
    label = _letters(domain.split(".")[0]) if domain else ""
    return len(bare) >= 5 and " " not in part.strip() and label.startswith(bare)


def drop_handles(author: str | None, blocks: list[str]) -> str | None:
    """Without the names the page only ever shows in lower case: a user
    handle ("вера" in a recent-comments list), not a byline."""
    if not author:
        return author
    kept = []
    for part in re.split(r"\s*,\s*", author):
        pattern = re.compile(r"(?<!\w)" + re.escape(part) + r"(?!\w)", re.IGNORECASE)
        shown = [m.group(0) for b in blocks for m in pattern.finditer(b)]
        if shown and all(s == s.lower() for s in shown) and part != part.lower():
            continue
        kept.append(part)
    return ", ".join(kept) or None


def split_byline(author: str | None, outlet: str | None = None,
                 domain: str | None = None) -> tuple[str | None, str | None]:
    """(people, agency) from a byline: "By The Associated Press" is a wire
    credit, not an author; "Staff Reports", "Admin", an organisation or the
    outlet's own name are nobody's name."""
    if not author:
        return None, None
    whole = re.sub(r"^the\s+", "", author.strip(), flags=re.IGNORECASE).lower()
    if whole not in AGENCIES and _NOT_A_PERSON.match(author.strip()):  # "The Russian, Syrian defense ministries"
        return None, None
    people, agency = [], None
    for part in re.split(r"\s*[,;&]\s*|\s+and\s+", author):
        part = part.strip()
        key = re.sub(r"^the\s+", "", part, flags=re.IGNORECASE).lower()
        if key in AGENCIES:
            agency = agency or AGENCIES[key]
        elif (part and not _NOT_A_PERSON.match(part) and not _is_outlet(part, outlet, domain)
              and not part.lower().startswith("the ")):
            if not people or _NAME.match(part) or len(part.split()) >= 2:
                people.append(part)
    # A lone place after the agency ("PTI, Washington") is not a person either.
    if agency and len(people) == 1 and len(people[0].split()) == 1:
        people = []
    return (", ".join(people) or None), agency


# --- HTML titles and site names ----------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:]\s+|\s+-\s+|\s*::\s*")


def _letters(text: str) -> str:
    return re.sub(r"\W", "", text.casefold())


def strip_site_name(title: str | None, site_names: list[str]) -> str | None:
    """Drop the parts of a <title> that name the site ("Best gadgets | ZDNet",
    "LinkNaija | ...: Headline"), keeping the headline."""
    if not title:
        return title
    names = {_letters(n) for n in site_names if n and len(_letters(n)) >= 2}
    names |= {_letters(n.split(".")[0]) for n in site_names if n and "." in n}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2 or not names:
        return title
    kept = [p for p in parts if not any(_letters(p) == n or (n and _letters(p).startswith(n) and len(p.split()) <= 4)
                                        for n in names)]
    if kept and len(kept) < len(parts):
        # Rebuild from the original text so separators inside the headline stay.
        first, last = title.find(kept[0]), title.rfind(kept[-1]) + len(kept[-1])
        return title[first:last].strip() or title
    return title


def site_name(value: str | None) -> str | None:
    """A site name as the page gives it, without a tagline after a pipe."""
    if not value:
        return value
    return re.split(r"\s+[|–—]\s+", value)[0].strip() or value


_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)


def _meta_content(html: str, names: tuple[str, ...]) -> str | None:
    for tag in _META.findall(html[:200_000]):
        key = re.search(r"(?:property|name|itemprop)\s*=\s*[\"']([^\"']+)", tag, re.IGNORECASE)
        value = re.search(r"content\s*=\s*\"([^\"]*)\"|content\s*=\s*'([^']*)'", tag, re.IGNORECASE)
        if key and value and key.group(1).lower() in names:
            text = " ".join((value.group(1) or value.group(2) or "").split())
            if text:
                import html as htmllib

                return htmllib.unescape(text)
    return None


_NOT_A_SECTION = re.compile(
    r"^(?:post|posts|article|articles|story|stories|page|blog ?post|news ?article|default|general|"
    r"uncategori[sz]ed|none|null|undefined)$", re.IGNORECASE)
_TAG_LIST = re.compile(r"^[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)+$")


def plausible_section(value: str | None) -> str | None:
    """A section as a reader would name it: not a content type ("post",
    "article") and not a machine list of tags ("general-news,politics")."""
    if not value:
        return None
    value = " ".join(value.split())
    if _NOT_A_SECTION.match(value) or _TAG_LIST.match(value) or len(value) > 60:
        return None
    return value


def html_section(html: str) -> str | None:
    """The section a page files the article under, as its metadata says."""
    section = _meta_content(html, ("article:section", "section", "parsely-section", "sailthru.section"))
    if not section:
        m = re.search(r'"articleSection"\s*:\s*(?:\[\s*)?"([^"]{1,80})"', html[:500_000])
        section = m.group(1) if m else None
    return plausible_section(section)


LEAD_WORDS = 45  # longer than any standfirst in the labelled pages


def visible_standfirst(blocks: list[str], title: str | None, description: str | None,
                       body_text: str) -> tuple[str | None, str | None]:
    """(standfirst, lead) from the page's description, only when the page
    shows it (in its visible blocks, outside the article body) rather than
    only telling search engines. A standfirst is a sentence or two; a long
    description shown below the byline or date line is the article's first
    paragraph (its lead), which the body lacks."""
    if not description or len(description.split()) < 6:
        return None, None
    wanted = " ".join(description.split())
    if wanted in " ".join(body_text.split()):
        return None, None
    where = next((i for i, b in enumerate(blocks) if wanted in b), None)
    if where is None:
        return None, None
    headline = next((i for i, b in enumerate(blocks[:where]) if title and b == title), None)
    if (len(wanted.split()) >= LEAD_WORDS and headline is not None
            and any(is_byline_or_date(b) for b in blocks[headline + 1:where])):
        return None, wanted
    return wanted, None


def visible_headline(root) -> str | None:
    """The page's own headline, from its parsed document: the first <h1> of
    4-30 words inside <article> or <main>, else in the page."""
    if root is None:
        return None
    for path in ("//article//h1", "//main//h1", "//h1"):
        for h1 in root.xpath(path):
            text = " ".join(h1.text_content().split())
            if 4 <= len(text.split()) <= 30:
                return text
    return None


# --- language ----------------------------------------------------------------

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)


def html_language(html: str) -> str | None:
    """The language code of the page's <html lang> (its primary subtag),
    lower case, or None."""
    m = _HTML_LANG.search(html[:5000])
    return m.group(1).lower() if m else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the body text, or None when it is too short to tell."""
    if len(text.split()) < 20:
        return None
    import py3langid

    lang, _score = py3langid.classify(text[:5000])
    return lang


_LANGUAGE_NAMES = {"english": "en", "french": "fr", "français": "fr", "german": "de", "deutsch": "de",
                   "spanish": "es", "español": "es", "portuguese": "pt", "português": "pt", "italian": "it",
                   "russian": "ru", "ukrainian": "uk", "greek": "el", "dutch": "nl", "polish": "pl"}


def language_code(value: str | None) -> str | None:
    """An ISO 639-1 code from what a record says: "en-GB", "EN", "English" -> "en"."""
    if not value:
        return None
    value = value.strip().lower()
    if value in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[value]
    m = re.match(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", value)
    return m.group(1) if m else None
