"""Versions of one statement across the corpus: quote clusters.

The same words travel between outlets verbatim, trimmed, or retranslated
("Today, we already have preliminary data ..." and "Today, there is already
preliminary data ..."). `cluster_quotes` groups such versions; `word_diff`
shows how two versions differ, word by word, for a side-by-side page.

Similarity works on *stems*: lower-cased words, stop words dropped, cut to
their first five letters, so "Korean"/"Korea" or "soldiers"/"soldier" match
across translations. Two quotes are versions of one statement when most of
the shorter one's stems are in the longer one (containment). Quotes of
similar length are merged into one cluster (union-find); a much longer quote
that contains a short one (a block quote holding several statements) joins
the short one's cluster without merging it with its other statements, so it
may be in several clusters. Known speakers must agree (by surname stem, so
Zelensky, Zelenskiy and Zelenskyy agree); a quote with no known speaker can
join a cluster but never bridges two speakers' clusters. Two quotes of one
known speaker that share a run of SHARED_RUN words in a row (a block quote
without marks that starts in the middle of another outlet's quote) are
versions too, whatever their stems: the longer joins the shorter's cluster
the same way.

Candidate pairs come from an inverted index on stems: each quote is looked
up by its rarest stems only, enough of them that any pair passing the
containment threshold shares at least one (pigeonhole), so the work grows
with the pairs that share rare words, not with n².
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

# A quote's stems must be at least this many to be clustered at all.
MIN_STEMS = 4
# Share of the shorter quote's stems found in the longer one.
MIN_CONTAINMENT = 0.6
# Quotes up to this length ratio are the same statement; longer ones contain it.
MAX_LENGTH_RATIO = 2.5
# Stems carried by more quotes than this are never used to find candidates.
MAX_POSTINGS = 5000
STEM_LENGTH = 5
# Words in a row, stop words included, that two quotes of one speaker must
# share to be versions of one statement whatever else they hold.
SHARED_RUN = 10
# A run carried by more quotes than this is a formula, not a passage.
MAX_SHARED_POSTINGS = 50

STOP_WORDS = frozenset("""
    a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves also
    already there's it's that's we're they're i'm we've
""".split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(frozen=True)
class QuoteItem:
    """One quote of the corpus, as `cluster_quotes` takes it."""

    quote_id: Hashable
    text: str
    outlet: str | None
    date: str | None  # ISO date or datetime; None sorts last
    speaker_resolved: str | None


@dataclass(frozen=True)
class Cluster:
    """Versions of one statement: member quote ids in (date, id) order, and
    the earliest of them."""

    members: tuple[Hashable, ...]
    earliest: Hashable
    outlets: tuple[str, ...]


def stems(text: str) -> frozenset[str]:
    """The quote's content-word stems."""
    words = (w.replace("’", "'").lower() for w in _WORD.findall(text or ""))
    return frozenset(w[:STEM_LENGTH] for w in words if w not in STOP_WORDS and (not w.isdigit() or len(w) > 1))


def _speaker_key(name: str | None) -> str | None:
    """A speaker's surname stem: Zelensky, Zelenskiy and Zelenskyy all give
    "zelen"; None when the speaker is unknown."""
    return name.split()[-1].lower()[:STEM_LENGTH] if name and name.split() else None


class _Groups:
    """Union-find over quotes that keeps, per group, the speakers it holds,
    so that two groups are merged only when their known speakers agree
    (a quote with no speaker must not bridge two people's words)."""

    def __init__(self, speakers: Sequence[str | None]):
        self.parent = list(range(len(speakers)))
        self.speakers = [{s} if s else set() for s in speakers]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, i: int, j: int) -> bool:
        a, b = self.speakers[self.find(i)], self.speakers[self.find(j)]
        return not a or not b or a == b

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj and self.compatible(ri, rj):
            keep, drop = min(ri, rj), max(ri, rj)
            self.parent[drop] = keep
            self.speakers[keep] |= self.speakers[drop]


def _as_item(item) -> QuoteItem:
    return item if isinstance(item, QuoteItem) else QuoteItem(*item)


def candidate_pairs(stem_sets: Sequence[frozenset[str]],
                    speakers: Sequence[str | None] | None = None) -> Iterable[tuple[int, int]]:
    """Pairs (i, j), i < j, that may pass MIN_CONTAINMENT, each once.

    A pair passes when most of the shorter quote's stems (fewer stems; the
    lower index when as many) are in the other, so it is looked for from
    the shorter quote only: it probes with enough of its rarest stems that
    such a pair always shares one of them (pigeonhole), and looks only at
    the quotes at least as long as itself. Postings are kept in that order
    (stem count, index), so those are the tail of each posting, found by
    bisection: the work grows with the longer partners of each probe, not
    with every quote that shares a word. It also probes with one stem more
    than the pigeonhole needs, so a passing partner is found by at least
    two of them (a count filter): a quote that shares one middling word
    ("want", "unite") with a short one is counted, not offered.

    With `speakers` (each quote's speaker key, or None), a quote with a
    known speaker looks only at quotes of the same speaker or of none: two
    known, different speakers never join."""
    sizes = [len(s) for s in stem_sets]
    order = sorted(range(len(stem_sets)), key=lambda i: (sizes[i], i))
    rank = [0] * len(order)
    for r, index in enumerate(order):
        rank[index] = r
    postings: dict[str, list[int]] = defaultdict(list)  # stem -> ranks, ascending
    by_speaker: dict[tuple[str, str | None], list[int]] = defaultdict(list)  # (stem, speaker) -> ranks
    for r, index in enumerate(order):
        speaker = speakers[index] if speakers is not None else None
        for stem in stem_sets[index]:
            postings[stem].append(r)
            if speakers is not None:
                by_speaker[stem, speaker].append(r)
    empty: list[int] = []
    for r, index in enumerate(order):
        item_stems = stem_sets[index]
        if len(item_stems) < MIN_STEMS:
            continue
        speaker = speakers[index] if speakers is not None else None
        probes = math.floor((1 - MIN_CONTAINMENT) * len(item_stems)) + 1
        # One probe more than the pigeonhole needs: a passing partner is
        # then found by two of them, unless it shares a stem too common to
        # probe with.
        chosen = sorted(item_stems, key=lambda s: (len(postings[s]), s))[:probes + 1]
        need = len(chosen) - probes + 1
        found: Counter[int] = Counter()
        for stem in chosen:
            if len(postings[stem]) > MAX_POSTINGS:
                need -= 1
                continue
            for posting in ((postings[stem],) if speaker is None
                            else (by_speaker.get((stem, speaker), empty), by_speaker.get((stem, None), empty))):
                found.update(posting[bisect_right(posting, r):])
        partners = found.keys() if need <= 1 else [o for o, n in found.items() if n >= need]
        for other in sorted(order[o] for o in partners):
            yield (index, other) if index < other else (other, index)


def cluster_quotes(items: Iterable[QuoteItem | tuple]) -> list[Cluster]:
    """Clusters of two or more versions of the same statement.

    `items`: QuoteItem or (quote_id, text, outlet, date, speaker_resolved)
    tuples from the whole corpus. Returns clusters in order of their
    earliest member; a quote may be in several clusters when it is much
    longer than, and contains, versions of different statements.
    """
    quotes = [_as_item(item) for item in items]
    stem_sets = [stems(q.text) for q in quotes]
    speakers = [_speaker_key(q.speaker_resolved) for q in quotes]
    union = _Groups(speakers)
    # The pairs that pass, first: what only the two quotes decide. Two
    # known, different speakers never join (a group holds at most one), so
    # candidate_pairs does not even offer them.
    passing = []
    for i, j in candidate_pairs(stem_sets, speakers):
        a, b = stem_sets[i], stem_sets[j]
        if min(len(a), len(b)) < MIN_STEMS:
            continue
        short = i if len(a) <= len(b) else j
        if len(a & b) / len(stem_sets[short]) >= MIN_CONTAINMENT:
            passing.append((i, j))
    # Then the groups, in pair order (what joins depends on what joined before).
    contained: list[tuple[int, int]] = []  # (long quote, short quote it contains)
    for i, j in sorted(passing):
        if not union.compatible(i, j):
            continue
        a, b = stem_sets[i], stem_sets[j]
        short, long_ = (i, j) if len(a) <= len(b) else (j, i)
        if len(stem_sets[long_]) <= MAX_LENGTH_RATIO * len(stem_sets[short]):
            union.union(i, j)
        else:
            contained.append((long_, short))
    # A passage of several words shared word for word by two quotes of one
    # speaker: a version split elsewhere (a block quote that starts in the
    # middle of another outlet's quote) carries the same statement.
    for i, j in shared_runs([q.text for q in quotes], speakers):
        short, long_ = (i, j) if (len(stem_sets[i]), i) <= (len(stem_sets[j]), j) else (j, i)
        if union.find(short) != union.find(long_):
            contained.append((long_, short))
    groups: dict[int, set[int]] = defaultdict(set)
    for index in range(len(quotes)):
        groups[union.find(index)].add(index)
    for long_, short in contained:
        if union.compatible(long_, short):
            groups[union.find(short)].add(long_)
    clusters = [sorted((quotes[i] for i in members), key=_order) for members in groups.values() if len(members) > 1]
    clusters.sort(key=lambda ordered: _order(ordered[0]))
    return [Cluster(tuple(q.quote_id for q in ordered), ordered[0].quote_id,
                    tuple(dict.fromkeys(q.outlet for q in ordered if q.outlet))) for ordered in clusters]


def _words(text: str) -> list[str]:
    return [w.replace("’", "'").lower() for w in _WORD.findall(text or "")]


def shared_runs(texts: Sequence[str], speakers: Sequence[str | None]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of quotes of the same known speaker (keys from
    `_speaker_key`) that share a run of SHARED_RUN words, stop words
    included ("and if this is not escalation then what is the escalation"),
    whatever their lengths. Found through an index of the runs by speaker
    (each run kept as an 8-byte digest, not its words), so the work and the
    memory grow with the words, not with the pairs of quotes."""
    postings: dict[tuple[str, bytes], list[int]] = defaultdict(list)
    for index, (text, speaker) in enumerate(zip(texts, speakers)):
        if speaker is None:
            continue
        words = _words(text)
        runs = {" ".join(words[k:k + SHARED_RUN]) for k in range(len(words) - SHARED_RUN + 1)}
        for run in runs:
            postings[(speaker, hashlib.blake2b(run.encode(), digest_size=8).digest())].append(index)
    pairs = set()
    for indexes in postings.values():
        if 1 < len(indexes) <= MAX_SHARED_POSTINGS:
            for a, i in enumerate(indexes):
                pairs.update((i, j) for j in indexes[a + 1:])
    return sorted(pairs)


def _order(quote: QuoteItem) -> tuple:
    """Earliest first; a quote with no date after every dated one; ties by id."""
    return (quote.date is None, quote.date or "", str(quote.quote_id))


# --- word-level differences ----------------------------------------------------------

_TOKEN = re.compile(r"\S+\s*")


def _comparable(token: str) -> str:
    return re.sub(r"[^\w]", "", token.replace("’", "'")).lower()


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """How version `b` differs from version `a`, word by word: a list of
    (op, text) segments, op being 'equal', 'delete' (words only in a) or
    'insert' (words only in b). Words compare case- and punctuation-blind
    ("them," equals "them"); 'equal' text is b's, so joining the 'equal' and
    'insert' segments gives b (less leading whitespace), and joining 'equal'
    and 'delete' gives a up to case and punctuation.
    """
    ta, tb = _TOKEN.findall(a or ""), _TOKEN.findall(b or "")
    matcher = difflib.SequenceMatcher(None, [_comparable(t) for t in ta], [_comparable(t) for t in tb],
                                      autojunk=False)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(segments, "equal", "".join(tb[j1:j2]))
            continue
        _append(segments, "delete", "".join(ta[i1:i2]))
        _append(segments, "insert", "".join(tb[j1:j2]))
    return segments


def _append(segments: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
        return
    if segments and not segments[-1][1][-1:].isspace() and not text[:1].isspace():
        # The last word of one version, with no space after it, meets a
        # word of the other: a space keeps them apart on the page. It goes
        # into the deleted words, so the equal and inserted words stay b.
        last_op, last_text = segments[-1]
        if last_op == "delete":
            segments[-1] = (last_op, last_text + " ")
        elif op == "delete":
            text = " " + text
    segments.append((op, text))
