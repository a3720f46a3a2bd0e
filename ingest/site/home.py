"""The home page: the corpus at a glance.

Counts, outlets, the date range, the most-quoted people, coverage over
time (an SVG bar chart drawn here, on the server: no chart library, no
CDN), the places on a map and the latest stories. The database is
immutable, so what the page needs is computed once per database file and
kept.
"""

from __future__ import annotations

import calendar
import math
import datetime as dt
import os
import sqlite3
import weakref
from urllib.parse import urlencode

from datasette.database import QueryInterrupted
from markupsafe import Markup, escape

from .common import DATABASE_NAME as DATABASE
from .common import page_path, query_rows

MAX_PLACES = 300
MAX_BARS = 60
# Years a bar of the chart may span when the dates cover centuries (a
# scraped date of 0001-01-01 beside 2025 ones).
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
# Per Datasette instance, per database file as it was when read.
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

COUNTS = {
    "articles": "select count(*) from articles",
    "outlets": "select count(*) from outlets",
    "stories": "select count(*) from stories",
    "quotes": "select count(*) from quotes",
    "people": "select count(*) from entities where type = 'person'",
    "places": "select count(*) from entities where type = 'place'",
    "errors": "select count(*) from ingest_errors",
    "undated": "select count(*) from articles where published is null or published = ''",
}


async def _rows(db, sql, params=()):
    """Rows, or [] when the query is too slow or the table is missing (an
    older database): one section goes blank, the page still shows."""
    try:
        return await query_rows(db, sql, params)
    except (QueryInterrupted, sqlite3.Error):
        return []


def buckets(dates: dict[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """Article counts by day ("YYYY-MM-DD" -> n) regrouped by day, month,
    year or span of years so the chart has at most MAX_BARS bars, empty
    ones included. A bar's key is the day, the month or the first year of
    its span; the unit is "day", "month", "year" or "N years"."""
    days = sorted(d for d in dates if _parse_day(d))
    if not days:
        return "day", []
    first, last = _parse_day(days[0]), _parse_day(days[-1])
    if (last - first).days < MAX_BARS:
        unit, keys = "day", [(first + dt.timedelta(n)).isoformat() for n in range((last - first).days + 1)]
    elif (last.year - first.year) * 12 + last.month - first.month < MAX_BARS:
        unit, keys = "month", []
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        step = next(s for s in YEAR_STEPS if last.year // s - first.year // s < MAX_BARS)
        unit = "year" if step == 1 else f"{step} years"
        keys = [f"{y:04d}" for y in range(first.year // step * step, last.year + 1, step)]
        counts = dict.fromkeys(keys, 0)
        for day in days:
            year = int(day[:4])
            counts[f"{year // step * step:04d}"] += dates[day]
        return unit, list(counts.items())
    width = {"day": 10, "month": 7}[unit]
    counts = dict.fromkeys(keys, 0)
    for day in days:
        counts[day[:width]] = counts.get(day[:width], 0) + dates[day]
    return unit, list(counts.items())


def year_step(unit: str) -> int:
    return int(unit.split()[0]) if unit.endswith(" years") else 1


def bucket_filter(unit: str, key: str) -> dict:
    """The table filter for one bar's articles."""
    step = year_step(unit)
    if step == 1:
        return {"published__startswith": key}
    end = int(key) + step
    return {"published__gte": key, **({"published__lt": f"{end:04d}"} if end <= 9999 else {})}


def _parse_day(text: str):
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def bucket_label(unit: str, key: str) -> str:
    if unit == "day":
        d = dt.date.fromisoformat(key)
        return f"{d.day} {calendar.month_abbr[d.month]} {d.year}"
    if unit == "month":
        return f"{calendar.month_abbr[int(key[5:7])]} {key[:4]}"
    step = year_step(unit)
    return key if step == 1 else f"{key}–{int(key) + step - 1:04d}"


def coverage_svg(unit: str, bars: list[tuple[str, int]], width: int = 720, height: int = 200) -> Markup:
    """A bar chart of articles per day, month or year, as inline SVG with a
    text alternative (its <title> and <desc>)."""
    if not bars:
        return Markup("")
    top = max(n for _, n in bars) or 1
    left, bottom, right, top_pad = 36, 28, 8, 12
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    step = plot_w / len(bars)
    bar_w = max(1.0, step * 0.8)
    peak_key, peak = max(bars, key=lambda b: b[1])
    summary = (f"Articles per {unit} from {bucket_label(unit, bars[0][0])} to {bucket_label(unit, bars[-1][0])}; "
               f"the most, {peak}, on {bucket_label(unit, peak_key)}.")
    parts = [f'<svg class="coverage-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="coverage-title coverage-desc" preserveAspectRatio="xMinYMin meet">',
             f'<title id="coverage-title">Coverage over time</title><desc id="coverage-desc">{escape(summary)}</desc>',
             f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}"/>',
             f'<text class="tick" x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
             f'<text class="tick" x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for i, (key, n) in enumerate(bars):
        h = plot_h * n / top
        x = left + i * step + (step - bar_w) / 2
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}"><title>{escape(bucket_label(unit, key))}: {n} article'
                     f'{"" if n == 1 else "s"}</title></rect>')
    # Labels at the first and last bar, and a few between when there is room.
    every = max(1, math.ceil(len(bars) / 5))
    for i, (key, _) in enumerate(bars):
        if i % every and i != len(bars) - 1:
            continue
        if i != len(bars) - 1 and len(bars) - 1 - i < every:
            continue
        x = left + i * step + step / 2
        anchor = "start" if i == 0 and len(bars) > 1 else ("end" if i == len(bars) - 1 and len(bars) > 1 else "middle")
        parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 8}" text-anchor="{anchor}">'
                     f'{escape(bucket_label(unit, key))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


async def home_data(datasette) -> dict:
    db = datasette.get_database(DATABASE)
    key = (db.path, os.stat(db.path).st_mtime_ns)
    cached = _cache.setdefault(datasette, {})
    if key in cached:
        return cached[key]
    counts = {}
    for name, sql in COUNTS.items():
        rows = await _rows(db, sql)
        counts[name] = rows[0]["count(*)"] if rows else None
    span = await _rows(db, """select min(substr(published, 1, 10)) as first, max(substr(published, 1, 10)) as last
                              from articles where published glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'""")
    days = await _rows(db, """select substr(published, 1, 10) as day, count(*) as n from articles
                              where published glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' group by day""")
    unit, bars = buckets({r["day"]: r["n"] for r in days})
    articles = datasette.urls.table(DATABASE, "articles")
    outlets = await _rows(db, """select id, name, domain, article_count from outlets
                                 order by article_count desc, name limit 15""")
    quoted = await _rows(db, """
        select coalesce(e.name, q.speaker_resolved) as name, q.speaker_entity as entity,
               count(*) as quotes, count(distinct q.article) as articles, count(distinct q.outlet) as outlets
        from quotes q left join entities e on e.id = q.speaker_entity
        where coalesce(e.name, q.speaker_resolved) is not null
        group by coalesce(q.speaker_entity, q.speaker_resolved)
        order by quotes desc, articles desc, name limit 10""")
    places = await _rows(db, """select id, name, latitude, longitude, article_count from entities
                                where type = 'place' and latitude is not null and longitude is not null
                                order by article_count desc, mention_count desc limit ?""", [MAX_PLACES])
    stories = await _rows(db, """select id, title, first_published, last_published, article_count, outlet_count,
                                        outlets from stories
                                 order by last_published is null, last_published desc, outlet_count desc,
                                          article_count desc limit 8""")
    data = {
        "counts": counts,
        "first": span[0]["first"] if span else None,
        "last": span[0]["last"] if span else None,
        "chart": coverage_svg(unit, bars),
        "chart_unit": unit,
        # Articles without a full date are not on the chart: counted and named beside it.
        "chart_undated": max(0, (counts.get("articles") or 0) - sum(r["n"] for r in days)),
        "chart_rows": [{"label": bucket_label(unit, k), "count": n,
                        "url": f"{articles}?{urlencode(bucket_filter(unit, k))}"} for k, n in bars if n],
        "outlets": outlets,
        "quoted": quoted,
        "places": [{"name": p["name"], "lat": p["latitude"], "lon": p["longitude"],
                    "url": datasette.urls.path(page_path("entities", p["id"])),
                    "count": p["article_count"], "unit": "article"} for p in places],
        "stories": stories,
    }
    cached[key] = data
    return data


def template_vars(datasette, template) -> dict | None:
    """index.html's `home()`; None for other templates."""
    if template != "index.html":
        return None

    async def home():
        return await home_data(datasette)

    return {"home": home}
