"""Outlets: every article claims an outlet as its page states it, a name
("The Independent"), a domain ("independent.co.uk"), or both. Claims that
share a domain are one outlet; a name-only claim joins the domain outlet
whose name or domain label matches it ("The Independent" joins
independent.co.uk); otherwise the name stands alone. Outlet ids are slugs,
so they stay the same across rebuilds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict


def slug(text: str) -> str:
    """ASCII slug when the name has Latin letters ("Le Monde" -> "le-monde"),
    else a Unicode one ("Новая газета" -> "новая-газета"), so names in other
    scripts never collapse into one id."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if ascii_slug and len(ascii_slug.replace("-", "")) * 2 >= len(re.sub(r"\W", "", text)):
        return ascii_slug
    unicode_slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    return unicode_slug or hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _norm_name(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    return slug(name).replace("-", "")


def _domain_label(domain: str) -> str:
    return _norm_name(domain.split(".")[0])


def resolve_outlets(claims: dict[tuple[str | None, str | None], int]):
    """claims: {(name, domain): number of articles}.

    Returns (outlets, mapping) where outlets is a list of rows for the
    outlets table (without counts) and mapping sends each claim to an
    outlet id.
    """
    names_by_domain: dict[str, Counter] = defaultdict(Counter)
    for (name, domain), n in claims.items():
        if domain:
            names_by_domain[domain][name] += n if name else 0
    outlets: dict[str, dict] = {}
    by_norm: dict[str, str] = {}
    for domain in sorted(names_by_domain):
        named = [(n, c) for n, c in names_by_domain[domain].items() if n]
        name = max(named, key=lambda nc: (nc[1], nc[0]))[0] if named else domain
        oid = slug(domain)
        outlets[oid] = {"id": oid, "name": name, "domain": domain}
        for norm in (_norm_name(name), _domain_label(domain)):
            if norm:
                by_norm.setdefault(norm, oid)

    mapping: dict[tuple[str | None, str | None], str] = {}
    for (name, domain) in sorted(claims, key=lambda k: (k[0] or "", k[1] or "")):
        if domain:
            mapping[(name, domain)] = slug(domain)
            continue
        oid = by_norm.get(_norm_name(name))
        if oid is not None and outlets[oid]["name"] == outlets[oid]["domain"]:
            outlets[oid]["name"] = name  # the domain outlet had no name of its own
        if oid is None:
            oid = slug(name)
            outlets.setdefault(oid, {"id": oid, "name": name, "domain": None})
        mapping[(name, domain)] = oid
    return list(outlets.values()), mapping


def link_outlets(db) -> None:
    """Resolve the `_outlet_claims` the writer collected into `outlets` rows
    and set `articles.outlet`."""
    claims = {
        (row[0], row[1]): row[2]
        for row in db.execute("select name, domain, count(*) from _outlet_claims group by 1, 2")
    }
    outlets, mapping = resolve_outlets(claims)
    db["outlets"].insert_all(outlets)
    db["_outlet_map"].create({"name": str, "domain": str, "outlet": str})
    db["_outlet_map"].insert_all(
        {"name": n, "domain": d, "outlet": o} for (n, d), o in mapping.items()
    )
    db.execute(
        """
        update articles set outlet = m.outlet
        from _outlet_claims c join _outlet_map m
          on c.name is m.name and c.domain is m.domain
        where c.article = articles.id
        """
    )
    db.execute(
        """
        update outlets set article_count = (
          select count(*) from articles where articles.outlet = outlets.id
        )
        """
    )
    db["_outlet_map"].drop()
    db["_outlet_claims"].drop()
